#pragma once
// A small graph of the total download speed over the last minutes, for the status bar.
// GUI thread only.

#include <QWidget>
#include <deque>

namespace arina::gui {

class SpeedGraph : public QWidget {
    Q_OBJECT
  public:
    explicit SpeedGraph(QWidget* parent = nullptr);
    /// One sample (bytes per second); the oldest beyond kSamples is dropped.
    void add_sample(double bytes_per_second);
    /// The samples shown, oldest first.
    const std::deque<double>& samples() const { return samples_; }
    QSize sizeHint() const override { return {160, 22}; }

    static constexpr std::size_t kSamples = 180;  ///< three minutes at one sample a second

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    std::deque<double> samples_;
};

}  // namespace arina::gui
