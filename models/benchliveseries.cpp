#include "benchliveseries.h"

#include <cmath>

namespace pgha::models {

void BenchLiveSeries::clear()
{
    *this = BenchLiveSeries();
}

BenchLiveSeries::Point BenchLiveSeries::merge(const Point &a, const Point &b)
{
    if (a.seconds == 0)
        return b;
    if (b.seconds == 0)
        return a;
    Point m;
    m.seconds = a.seconds + b.seconds;
    m.t = std::max(a.t, b.t);
    const double wa = a.seconds, wb = b.seconds;
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
        const double sd = std::isfinite(p.latStddevMs) ? p.latStddevMs : 0;
        return sd * sd + (p.latAvgMs - m.latAvgMs) * (p.latAvgMs - m.latAvgMs);
    };
    m.latStddevMs = std::sqrt((spread(a) * ta + spread(b) * tb) / (ta + tb));
    return m;
}

void BenchLiveSeries::append(const svc::BenchSample &s)
{
    Point p;
    p.t = s.t;
    p.tps = std::isfinite(s.tps) ? s.tps : 0;
    p.latAvgMs = std::isfinite(s.latAvgMs) ? s.latAvgMs : 0;
    p.latStddevMs = std::isfinite(s.latStddevMs) ? s.latStddevMs : 0;   // pgbench prints "nan" at times
    p.failedPerS = static_cast<double>(s.failed);
    p.seconds = 1;
    ++m_samples;
    m_failedTotal += s.failed;
    m_lastT = std::max(m_lastT, s.t);
    m_pending = merge(m_pending, p);
    if (m_pending.seconds < m_stride)
        return;
    m_points.append(m_pending);
    m_pending = Point();
    if (m_points.size() < kMaxPoints)
        return;
    // Full: halve the resolution of everything kept so far.
    QList<Point> halved;
    halved.reserve(kMaxPoints / 2 + 1);
    for (qsizetype i = 0; i + 1 < m_points.size(); i += 2)
        halved.append(merge(m_points[i], m_points[i + 1]));
    if (m_points.size() % 2)
        m_pending = m_points.last();
    m_points = std::move(halved);
    m_stride *= 2;
}

QList<BenchLiveSeries::Point> BenchLiveSeries::points() const
{
    QList<Point> out = m_points;
    if (m_pending.seconds > 0)
        out.append(m_pending);
    return out;
}

QList<QPointF> BenchLiveSeries::tpsLine() const
{
    const QList<Point> all = points();
    QList<QPointF> out;
    out.reserve(all.size() + 8);
    const double gap = kGapFactor * m_stride;
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (i > 0 && all[i].t - all[i - 1].t > gap) {
            out.append(QPointF(all[i - 1].t + 1, 0));
            out.append(QPointF(all[i].t - 1, 0));
        }
        out.append(QPointF(all[i].t, all[i].tps));
    }
    return out;
}

namespace {
template <typename F>
QList<QPointF> line(const QList<BenchLiveSeries::Point> &all, F value)
{
    QList<QPointF> out;
    out.reserve(all.size());
    for (const auto &p : all)
        out.append(QPointF(p.t, value(p)));
    return out;
}
} // namespace

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

double BenchLiveSeries::maxTps() const
{
    double m = 0;
    for (const auto &p : points())
        m = std::max({m, p.tps, p.failedPerS});
    return m;
}

double BenchLiveSeries::maxLatencyUpper() const
{
    double m = 0;
    for (const auto &p : points())
        m = std::max(m, p.latAvgMs + p.latStddevMs);
    return m;
}

} // namespace pgha::models
