#pragma once
// The desktop app's tests (QtTest, run on the offscreen platform by ctest). One
// executable; each class is one group.

#include <QObject>

namespace arina::gui {

class ModelTest : public QObject {
    Q_OBJECT
  private slots:
    void events_keep_the_model_consistent();
    void a_batch_emits_one_signal_per_changed_row_or_one_for_all();
    void the_queue_column_numbers_the_start_order();
    void filter_by_status_and_search();
    void url_lines_are_checked_one_by_one();
    void stages_are_shown_in_the_status_column();
};

class WindowTest : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void cleanup();
    void add_url_downloads_it_byte_exact();
    void pause_and_resume_from_the_window();
    void the_queue_continues_after_a_restart();
    void invalid_input_is_shown_in_the_dialog();
    void settings_round_trip_through_the_config_file();
    void platform_profiles_round_trip_to_the_cli_file();
    void remove_with_files_from_the_window();
    void the_library_log_reaches_the_log_panel();
};

class DesktopTest : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void cleanup();
    void dropped_urls_and_txt_lists_are_offered_then_added();
    void the_clipboard_watcher_offers_and_never_starts();
    void the_tray_shows_progress_and_notifies();
    void closing_to_the_tray_keeps_downloading();
};

class PickerTest : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void cleanup();
    void dash_representations_are_listed_and_a_pair_is_downloaded();
    void rows_combine_only_as_one_video_and_one_audio();
    void a_page_video_is_listed_and_downloaded();
    void a_playlist_says_its_entries_and_queues_the_page();
    void a_plain_file_and_a_404_are_said_inline();
    void closing_the_dialog_cancels_the_probe_promptly();
    void the_cancel_button_stops_the_probe_without_blocking();
};

class ActionsTest : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void cleanup();
    void pause_and_resume_several_data();
    void pause_and_resume_several();
    void remove_several_data();
    void remove_several();
    void cancel_several_data();
    void cancel_several();
    void retry_several_failed_data();
    void retry_several_failed();
    void move_several_up_and_down_data();
    void move_several_up_and_down();
    void open_file_and_folder_data();
    void open_file_and_folder();
    void copy_urls_data();
    void copy_urls();
    void pause_all_and_resume_all_data();
    void pause_all_and_resume_all();
};

class LiveTest : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void cleanup();
    void settings_apply_without_a_restart();
    void settings_reach_the_downloads_that_start_afterwards();
    void the_status_bar_shows_the_managers_figures();
    void a_stream_task_shows_its_stage();
};

}  // namespace arina::gui
