#pragma once

#include <QTimer>
#include <QWidget>

class QButtonGroup;
class QLabel;
class QPushButton;

namespace pgha::models {
class SeriesStore;
}

namespace pgha::views {

class ChartAdapter;

// Replication lag per replica over 1 min / 10 min / 1 h / 24 h. Pause freezes the picture
// ("frozen at hh:mm:ss") while collection goes on; Live resumes at the present.
class LagChart : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRedrawMs = 1000;
    static constexpr qint64 kWindowsMs[] = {60'000, 600'000, 3'600'000, 86'400'000};

    LagChart(const models::SeriesStore *store, QWidget *parent = nullptr);
    ~LagChart() override;

    // One of kWindowsMs; kept for the next start (settings/usersettings.h).
    void setWindowMs(qint64 ms);
    qint64 windowMs() const { return m_windowMs; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    void redraw();              // at the current time, or at the frozen time when paused
    void redrawAt(qint64 nowMs);
    void setNaive(bool naive) { m_naive = naive; }   // benchmarks: draw every point
    // Bytes behind the leader as Patroni reports them, or seconds of replay lag from the
    // primary's pg_stat_replication (needs the profile's postgres endpoints).
    void setSecondsUnit(bool seconds);
    int pointCount() const;
    QString frozenText() const;

private:
    const models::SeriesStore *m_store;
    ChartAdapter *m_chart;
    QTimer m_timer;
    qint64 m_windowMs = kWindowsMs[1];
    bool m_paused = false;
    bool m_naive = false;
    bool m_seconds = false;
    qint64 m_frozenAtMs = 0;
    QPushButton *m_pause;
    QButtonGroup *m_windows;
    QLabel *m_frozen;
};

} // namespace pgha::views
