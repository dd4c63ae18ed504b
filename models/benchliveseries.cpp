#include "benchliveseries.h"

#include <cmath>

namespace pgha::models {

namespace {
double finiteOr0(double v)
{
    return std::isfinite(v) ? v : 0;   // pgbench prints "nan" for a stddev at times
}

template <typename P, typename F>
QList<QPointF> line(const QList<P> &all, F value)
{
    QList<QPointF> out;
    out.reserve(all.size());
    for (const auto &p : all)
        out.append(QPointF(p.t, value(p)));
    return out;
}
} // namespace

BenchLiveSeries::Point BenchLiveSeries::Point::merge(const Point &a, const Point &b)
{
    if (a.seconds == 0)
        return b;
    if (b.seconds == 0)
        return a;
    Point m;
    m.seconds = a.seconds + b.seconds;
    m.t = std::max(a.t, b.t);
    const double wa = a.seconds;
    const double wb = b.seconds;
    m.tps = (a.tps * wa + b.tps * wb) / m.seconds;
    m.failedPerS = (a.failedPerS * wa + b.failedPerS * wb) / m.seconds;
    // Latency is per transaction: weight by the transactions each span committed.
    double ta = a.tps * wa;
    double tb = b.tps * wb;
    if (ta + tb <= 0) {   // nothing committed: the plain mean of the two
        ta = wa;
        tb = wb;
    }
    m.latAvgMs = (a.latAvgMs * ta + b.latAvgMs * tb) / (ta + tb);
    const auto spread = [&m](const Point &p) {
        return p.latStddevMs * p.latStddevMs + (p.latAvgMs - m.latAvgMs) * (p.latAvgMs - m.latAvgMs);
    };
    m.latStddevMs = std::sqrt((spread(a) * ta + spread(b) * tb) / (ta + tb));
    return m;
}

BenchLiveSeries::LatencyPoint BenchLiveSeries::LatencyPoint::merge(const LatencyPoint &a, const LatencyPoint &b)
{
    if (a.seconds == 0)
        return b;
    if (b.seconds == 0)
        return a;
    LatencyPoint m;
    m.seconds = a.seconds + b.seconds;
    m.t = std::max(a.t, b.t);
    m.count = a.count + b.count;
    double wa = static_cast<double>(a.count);
    double wb = static_cast<double>(b.count);
    if (wa + wb <= 0) {
        wa = 1;
        wb = 1;
    }
    m.p50Ms = (a.p50Ms * wa + b.p50Ms * wb) / (wa + wb);
    m.p95Ms = (a.p95Ms * wa + b.p95Ms * wb) / (wa + wb);
    m.p99Ms = (a.p99Ms * wa + b.p99Ms * wb) / (wa + wb);
    return m;
}

void BenchLiveSeries::clear()
{
    *this = BenchLiveSeries();
}

void BenchLiveSeries::append(const svc::BenchSample &s)
{
    Point p;
    p.t = s.t;
    p.tps = finiteOr0(s.tps);
    p.latAvgMs = finiteOr0(s.latAvgMs);
    p.latStddevMs = finiteOr0(s.latStddevMs);
    p.failedPerS = static_cast<double>(s.failed);
    p.seconds = 1;
    ++m_sampleCount;
    m_failedTotal += s.failed;
    m_lastT = std::max(m_lastT, s.t);
    m_samples.append(p, kMaxPoints);
}

void BenchLiveSeries::appendLatency(const svc::BenchLatencySecond &s)
{
    LatencyPoint p;
    p.t = s.t;
    p.p50Ms = finiteOr0(s.p50Ms);
    p.p95Ms = finiteOr0(s.p95Ms);
    p.p99Ms = finiteOr0(s.p99Ms);
    p.count = s.count;
    p.seconds = 1;
    ++m_latencyCount;
    m_lastT = std::max(m_lastT, s.t);
    m_latency.append(p, kMaxPoints);
}

QList<QPointF> BenchLiveSeries::tpsLine() const
{
    const QList<Point> all = points();
    QList<QPointF> out;
    out.reserve(all.size() + 8);
    const double gap = kGapFactor * samplesPerPoint();
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (i > 0 && all[i].t - all[i - 1].t > gap) {
            out.append(QPointF(all[i - 1].t + 1, 0));
            out.append(QPointF(all[i].t - 1, 0));
        }
        out.append(QPointF(all[i].t, all[i].tps));
    }
    return out;
}

QList<QPointF> BenchLiveSeries::failedLine() const
{
    return line(points(), [](const Point &p) { return p.failedPerS; });
}

QList<QPointF> BenchLiveSeries::latencyLine() const
{
    return line(points(), [](const Point &p) { return p.latAvgMs; });
}

QList<QPointF> BenchLiveSeries::latencyLower() const
{
    return line(points(), [](const Point &p) { return std::max(0.0, p.latAvgMs - p.latStddevMs); });
}

QList<QPointF> BenchLiveSeries::latencyUpper() const
{
    return line(points(), [](const Point &p) { return p.latAvgMs + p.latStddevMs; });
}

QList<QPointF> BenchLiveSeries::p50Line() const
{
    return line(latencyPoints(), [](const LatencyPoint &p) { return p.p50Ms; });
}

QList<QPointF> BenchLiveSeries::p95Line() const
{
    return line(latencyPoints(), [](const LatencyPoint &p) { return p.p95Ms; });
}

QList<QPointF> BenchLiveSeries::p99Line() const
{
    return line(latencyPoints(), [](const LatencyPoint &p) { return p.p99Ms; });
}

double BenchLiveSeries::maxTps() const
{
    double m = 0;
    for (const auto &p : points())
        m = std::max({m, p.tps, p.failedPerS});
    return m;
}

double BenchLiveSeries::maxLatencyShown() const
{
    double m = 0;
    if (hasPercentiles()) {
        for (const auto &p : latencyPoints())
            m = std::max(m, p.p99Ms);
        for (const auto &p : points())
            m = std::max(m, p.latAvgMs);
        return m;
    }
    for (const auto &p : points())
        m = std::max(m, p.latAvgMs + p.latStddevMs);
    return m;
}

} // namespace pgha::models
