#pragma once

#include "bench/benchrun.h"
#include "benchliveseries.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace pgha::views {

class ChartSaveButton;
class XYChartAdapter;

// The benchmark run in progress: which run of how many, TPS and failed transactions per second,
// latency per second — pgbench's average (-P) with the exact p50 … p95 band and p99 from the -l
// logs as they grow (until those arrive, and for runs without them, the band is avg ± stddev
// and says so) — the load generator's CPU (orange when pgbench itself is near saturation) and
// the session's notes. Samples only schedule a redraw: at once (on the next turn of the event
// loop) when none happened in the last kRedrawMs, else when that much time has passed — so a
// sample is drawn within milliseconds, a burst costs one redraw, and a fast or endless run
// never stalls the window (the series drawn is bounded).
class BenchLiveView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRedrawMs = 250;
    static constexpr int kNotesShown = 4;

    explicit BenchLiveView(QWidget *parent = nullptr);
    ~BenchLiveView() override;

    // Run pressed: the last session's figures go, and the view says what happens before the
    // first run (targets resolved, the cluster's versions read).
    void startSession(int runs, const QStringList &targets);
    // `index` 0-based of `count`; a warm-up has index −1. `durationS` sets the x axis.
    void startRun(int index, int count, const QString &target, int clients, int repetition, bool warmup, int durationS);
    void addSample(const svc::BenchSample &sample, bool warmup);
    void addLatencySecond(const svc::BenchLatencySecond &second, bool warmup);
    // `saturated`: pgbench is near threads × one core (the controller applies the runner's rule).
    void setLoadGeneratorCpu(double percentOfCore, int threads, bool saturated);
    void addNote(const QString &text);
    void finishRun(const svc::BenchResult &result);
    // `stopped`: the user stopped it (the last run kept up to the stop).
    void finishSession(int runs, const QString &error, bool stopped = false);
    // Draws now (the timer does it otherwise).
    void redraw();

signals:
    // After each redraw (tests and benchmarks measure sample-to-chart time with it).
    void redrawn();

public:

    const models::BenchLiveSeries &series() const { return m_series; }
    int tpsPointCount() const;
    int latencyPointCount() const;
    int percentilePointCount() const;   // seconds drawn with their p50 … p95 band
    int redrawCount() const { return m_redraws; }
    XYChartAdapter *tpsChart() const { return m_tps; }
    XYChartAdapter *latencyChart() const { return m_latency; }
    ChartSaveButton *tpsSaveButton() const { return m_saveTps; }
    ChartSaveButton *latencySaveButton() const { return m_saveLatency; }
    QLabel *headingLabel() const { return m_heading; }
    QLabel *cpuLabel() const { return m_cpu; }
    QLabel *notesLabel() const { return m_notes; }
    QLabel *resultLabel() const { return m_result; }

private:
    void scheduleRedraw();

    models::BenchLiveSeries m_series;
    QTimer m_redraw;
    QElapsedTimer m_sinceRedraw;
    bool m_warmup = false;
    int m_durationS = 0;
    int m_redraws = 0;
    QStringList m_noteLines;
    XYChartAdapter *m_tps;
    XYChartAdapter *m_latency;
    QLabel *m_heading;
    QLabel *m_cpu;
    QLabel *m_notes;
    QLabel *m_result;
    QLabel *m_saveStatus;
    ChartSaveButton *m_saveTps;
    ChartSaveButton *m_saveLatency;
};

} // namespace pgha::views
