#pragma once
// What a download is asked to do, what it reports while running, and how it ended.
// The same job struct a download is started with is the one it resumes with.
// DownloadProgress and DownloadResult are shared by plain-file and stream downloads.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_options.hpp"
#include "net/retry_policy.hpp"
#include "util/fail_reason.hpp"

namespace arina::transfer {

class HostConnectionMemory;

struct FileJob {
    std::string url;
    std::filesystem::path output_dir = ".";
    /// -o: a path relative to output_dir (or absolute). Empty: the name comes from
    /// Content-Disposition, else the URL path, sanitised.
    std::string output_name;
    int connections = 4;  ///< -N / concurrent_fragments; with auto: the most
    /// -N auto: the count is found while downloading (transfer::ConnectionCount), up to `connections`.
    bool auto_connections = false;
    /// With auto: what earlier downloads learnt per host, and where this one records what it learns
    /// (the Runtime's; null: start from scratch, remember nothing).
    std::shared_ptr<HostConnectionMemory> host_memory;
    std::int64_t chunk_size = 10 * 1024 * 1024;  ///< --http-chunk-size: the largest single request
    int retries = 10;                            ///< whole-download failures (first request, restarts)
    int fragment_retries = 10;                   ///< failures of one byte range
    net::RetryTiming retry_timing;
    bool continue_partial = true;  ///< false: --no-continue, start over
    bool overwrite = false;        ///< replace a finished file of the same name
    net::HttpOptions http;
    /// Asked with the Content-Type of the first answer. True: the URL serves something another
    /// download takes over, a stream manifest (HLS, DASH) or a web page to find media on, not a file
    /// to keep; the download ends at once, writing nothing, with DownloadResult::handed_off_url set.
    /// Unset: every answer is a file.
    std::function<bool(std::string_view content_type)> is_hand_off;
};

enum class DownloadStage { Starting, Downloading, Finishing, Done };

/// A snapshot for progress displays; safe to take from any thread.
struct DownloadProgress {
    DownloadStage stage = DownloadStage::Starting;
    std::int64_t total_bytes = -1;   ///< -1 while unknown
    std::int64_t done_bytes = 0;     ///< on disk, including what an earlier run fetched
    std::int64_t fetched_bytes = 0;  ///< received by this run
    /// Of fetched_bytes, received twice: hedged requests (a duplicate of a straggler's bytes) whose
    /// copy lost the race. Each byte is written once.
    std::int64_t duplicated_bytes = 0;
    int connections = 0;  ///< requests in flight
    /// The count the download aims for (-N, or the automatic count) and why ("fixed", "growing",
    /// "budget", "no_gain", "small_gain", "refused", "learnt": transfer::CountReason). 0 / empty for streams.
    int target_connections = 0;
    std::string connections_reason;
    int peak_connections = 0;  ///< the most requests this run had in flight at once
    /// Plain files: the rate of each request in flight, bytes/s, in the order they were started
    /// (each since its first byte; 0 until it has flowed for 0.3 s). Empty for streams.
    std::vector<std::int64_t> connection_rates;
    std::filesystem::path file;  ///< final path once known
    int fragments_done = 0;      ///< streams only: fragments on disk
    int fragments_total = 0;     ///< streams only: 0 for plain files
};

/// One entry of a playlist or channel that a download found instead of media.
struct PlaylistEntryRef {
    std::string url;
    std::string title;
    int index = 0;  ///< 1-based position in the playlist
    /// The entry's file name when the playlist already knows it (a media file found on a page, named
    /// by the output template from the entry's title and id); empty: named when it is downloaded.
    std::string output_name;
};

struct DownloadResult {
    Error error;                   ///< reason None on success
    std::filesystem::path file;    ///< the finished file (or where it would have gone)
    bool already_present = false;  ///< nothing to do: the file was already downloaded
    std::int64_t size = 0;
    std::int64_t fetched_bytes = 0;     ///< body bytes this run received
    std::int64_t duplicated_bytes = 0;  ///< of those, received twice by hedged requests
    std::int64_t resumed_bytes = 0;     ///< bytes an earlier run had already written
    int restarts = 0;                   ///< times the download started over (file changed, ranges refused)
    /// Plain files: the connection count it ended at, why (DownloadProgress::connections_reason),
    /// and the most requests it had in flight at once. 0 / empty for streams.
    int connections = 0;
    std::string connections_reason;
    int peak_connections = 0;
    /// Plain files: the rate of each connection (bytes/s, in the order their requests started) the
    /// last time the whole count was in flight and measured; empty when that never happened (a
    /// download shorter than a measurement).
    std::vector<std::int64_t> connection_rates;
    /// The failure was already retried as often as the job allows: the task layer
    /// should not multiply the attempts by retrying the whole download again.
    bool retries_exhausted = false;
    std::vector<std::string> notices;  ///< worth telling the user: resume file discarded, restarts
    /// A success that is not quite what was asked for, which the user must be told even when not
    /// verbose (a stream kept unmuxed because its media could not be read).
    std::vector<std::string> warnings;
    /// Plain downloads: the URL (after redirects) turned out to serve a manifest or a web page
    /// (FileJob::is_hand_off); nothing was written and there is no error.
    std::string handed_off_url;
    /// With handed_off_url: the media type of the answer that ended the download ("text/html" for a
    /// web page to extract, an HLS or DASH type for a manifest).
    std::string content_type;
    /// A playlist or channel page: nothing was downloaded; each entry is to be a task of its own.
    std::vector<PlaylistEntryRef> playlist_entries;
};

}  // namespace arina::transfer
