#pragma once

#include "bench/benchrun.h"

#include <QList>
#include <QPointF>

#include <utility>

// The per-second figures of the benchmark run in progress, for the live chart: pgbench's -P
// samples (TPS, latency average and stddev, failures) and the exact per-second percentiles
// the runner reads from the -l logs a second or so later. Bounded, so a week-long run costs
// what a twenty-minute one does: past kMaxPoints neighbouring points are merged in pairs (two
// seconds become one point, then four …). Memory and the points a chart draws never grow past
// the bound, and no second is dropped, only averaged.
namespace pgha::models {

namespace detail {
// Points with a `seconds` weight and a static merge(a, b), kept under kMax by halving.
template <typename P>
class HalvingBuffer {
public:
    void append(const P &p, int max)
    {
        m_pending = P::merge(m_pending, p);
        if (m_pending.seconds < m_stride)
            return;
        m_points.append(m_pending);
        m_pending = P();
        if (m_points.size() < max)
            return;
        QList<P> halved;
        halved.reserve(max / 2 + 1);
        for (qsizetype i = 0; i + 1 < m_points.size(); i += 2)
            halved.append(P::merge(m_points[i], m_points[i + 1]));
        if (m_points.size() % 2)
            m_pending = m_points.last();
        m_points = std::move(halved);
        m_stride *= 2;
    }
    QList<P> points() const
    {
        QList<P> out = m_points;
        if (m_pending.seconds > 0)
            out.append(m_pending);
        return out;
    }
    int stride() const { return m_stride; }

private:
    QList<P> m_points;
    P m_pending;          // the point being filled, `m_stride` seconds wide
    int m_stride = 1;
};
} // namespace detail

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
        // Weighted by seconds; latency weighted by transactions, the spread pooled.
        static Point merge(const Point &a, const Point &b);
    };
    struct LatencyPoint {
        double t = 0;
        double p50Ms = 0;
        double p95Ms = 0;
        double p99Ms = 0;
        qint64 count = 0;
        int seconds = 0;
        // Percentiles of merged seconds are the count-weighted means of theirs: close, not exact.
        static LatencyPoint merge(const LatencyPoint &a, const LatencyPoint &b);
    };

    void clear();
    void append(const svc::BenchSample &sample);
    void appendLatency(const svc::BenchLatencySecond &second);

    QList<Point> points() const { return m_samples.points(); }
    QList<LatencyPoint> latencyPoints() const { return m_latency.points(); }
    int samplesPerPoint() const { return m_samples.stride(); }
    qint64 sampleCount() const { return m_sampleCount; }
    qint64 latencySecondCount() const { return m_latencyCount; }
    bool hasPercentiles() const { return m_latencyCount > 0; }
    qint64 failedTotal() const { return m_failedTotal; }
    double lastT() const { return m_lastT; }
    bool isEmpty() const { return m_sampleCount == 0; }

    // Chart lines. TPS drops to 0 across a gap in the samples (no client was connected);
    // latency has no value there and runs straight across.
    QList<QPointF> tpsLine() const;
    QList<QPointF> failedLine() const;
    QList<QPointF> latencyLine() const;
    QList<QPointF> latencyLower() const;   // avg − stddev, never below 0
    QList<QPointF> latencyUpper() const;   // avg + stddev
    QList<QPointF> p50Line() const;
    QList<QPointF> p95Line() const;
    QList<QPointF> p99Line() const;
    double maxTps() const;
    // The highest latency the chart draws: p99 when there are percentiles, else avg + stddev.
    double maxLatencyShown() const;

private:
    detail::HalvingBuffer<Point> m_samples;
    detail::HalvingBuffer<LatencyPoint> m_latency;
    qint64 m_sampleCount = 0;
    qint64 m_latencyCount = 0;
    qint64 m_failedTotal = 0;
    double m_lastT = 0;
};

} // namespace pgha::models
