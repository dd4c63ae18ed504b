#pragma once

#include "bench/benchrun.h"

#include <QList>
#include <QPointF>

// The per-second figures of the benchmark run in progress, for the live chart: bounded, so a
// week-long run costs what a twenty-minute one does. Past kMaxPoints neighbouring points are
// merged in pairs (two seconds become one point, then four …): memory and the points a chart
// draws never grow past the bound, and no second is dropped, only averaged.
namespace pgha::models {

class BenchLiveSeries {
public:
    static constexpr int kMaxPoints = 1200;
    // A gap between samples longer than this many points' worth is drawn as no commits (pgbench
    // was reconnecting: a switchover, a crash), not as a line straight across.
    static constexpr double kGapFactor = 1.5;

    struct Point {
        double t = 0;             // seconds from the run's start (the end of the merged span)
        double tps = 0;
        double latAvgMs = 0;
        double latStddevMs = 0;
        double failedPerS = 0;
        int seconds = 0;          // samples merged into this point
    };

    void clear();
    void append(const svc::BenchSample &sample);

    // Every point, the one still being merged last.
    QList<Point> points() const;
    qsizetype size() const { return m_points.size() + (m_pending.seconds > 0 ? 1 : 0); }
    int samplesPerPoint() const { return m_stride; }
    qint64 sampleCount() const { return m_samples; }
    qint64 failedTotal() const { return m_failedTotal; }
    double lastT() const { return m_lastT; }
    bool isEmpty() const { return m_samples == 0; }

    // Chart lines. TPS drops to 0 across a gap in the samples (no client was connected);
    // latency has no value there and runs straight across.
    QList<QPointF> tpsLine() const;
    QList<QPointF> failedLine() const;
    QList<QPointF> latencyLine() const;
    // avg − stddev (never below 0) and avg + stddev.
    QList<QPointF> latencyLower() const;
    QList<QPointF> latencyUpper() const;
    double maxTps() const;
    double maxLatencyUpper() const;

    // Two points as one, weighted by their seconds; latency weighted by transactions, the spread
    // pooled (within and between).
    static Point merge(const Point &a, const Point &b);

private:
    QList<Point> m_points;
    Point m_pending;          // the point being filled, `m_stride` samples wide
    int m_stride = 1;
    qint64 m_samples = 0;
    qint64 m_failedTotal = 0;
    double m_lastT = 0;
};

} // namespace pgha::models
