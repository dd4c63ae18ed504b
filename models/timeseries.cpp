#include "timeseries.h"

#include <algorithm>
#include <limits>

namespace pgha::models {

template <typename T, typename F>
void TimeSeries::forEachInRing(const std::vector<T> &ring, size_t head, size_t count, F f)
{
    // `head` is the next write position; the oldest element is `count` before it.
    const size_t cap = ring.size();
    for (size_t i = 0; i < count; ++i)
        f(ring[(head + cap - count + i) % cap]);
}

void TimeSeries::append(qint64 tMs, double value)
{
    m_lastT = tMs;
    m_lastV = value;
    m_raw[m_rawHead] = {tMs, value};
    m_rawHead = (m_rawHead + 1) % m_raw.size();
    m_rawCount = std::min(m_rawCount + 1, m_raw.size());

    const qint64 start = tMs - tMs % kBucketMs;
    const size_t cap = m_buckets.size();
    if (m_bucketCount > 0) {
        Bucket &last = m_buckets[(m_bucketHead + cap - 1) % cap];
        if (last.start == start) {
            last.min = std::min(last.min, value);
            last.max = std::max(last.max, value);
            last.last = value;
            return;
        }
    }
    m_buckets[m_bucketHead] = {start, value, value, value};
    m_bucketHead = (m_bucketHead + 1) % cap;
    m_bucketCount = std::min(m_bucketCount + 1, cap);
}

QList<QPointF> TimeSeries::rawWindow(qint64 fromMs, qint64 toMs) const
{
    QList<QPointF> out;
    forEachInRing(m_raw, m_rawHead, m_rawCount, [&](const Sample &s) {
        if (s.t >= fromMs && s.t <= toMs)
            out.append(QPointF(static_cast<double>(s.t), s.v));
    });
    return out;
}

QList<QPointF> TimeSeries::window(qint64 fromMs, qint64 toMs, int buckets) const
{
    if (toMs <= fromMs || buckets <= 0 || isEmpty())
        return {};
    const double width = static_cast<double>(toMs - fromMs) / buckets;
    struct Acc { double min = std::numeric_limits<double>::max(); double max = std::numeric_limits<double>::lowest();
                 qint64 tMin = 0; qint64 tMax = 0; bool any = false; };
    std::vector<Acc> acc(static_cast<size_t>(buckets));
    auto add = [&](qint64 t, double lo, double hi) {
        if (t < fromMs || t > toMs)
            return;
        const auto i = std::min(static_cast<size_t>((t - fromMs) / width), acc.size() - 1);
        Acc &a = acc[i];
        if (lo < a.min) { a.min = lo; a.tMin = t; }
        if (hi > a.max) { a.max = hi; a.tMax = t; }
        a.any = true;
    };
    // Raw samples where they reach back far enough; coarse buckets for the rest.
    qint64 rawFrom = std::numeric_limits<qint64>::max();
    if (m_rawCount > 0)
        rawFrom = m_raw[(m_rawHead + m_raw.size() - m_rawCount) % m_raw.size()].t;
    forEachInRing(m_buckets, m_bucketHead, m_bucketCount, [&](const Bucket &b) {
        if (b.start + kBucketMs <= rawFrom)
            add(b.start + kBucketMs / 2, b.min, b.max);
    });
    forEachInRing(m_raw, m_rawHead, m_rawCount, [&](const Sample &s) { add(s.t, s.v, s.v); });

    QList<QPointF> out;
    out.reserve(buckets * 2);
    for (const Acc &a : acc) {
        if (!a.any)
            continue;
        // Min and max in time order, so the line keeps the shape of the data.
        if (a.tMin <= a.tMax) {
            out.append(QPointF(static_cast<double>(a.tMin), a.min));
            if (a.tMax != a.tMin || a.max != a.min)
                out.append(QPointF(static_cast<double>(a.tMax), a.max));
        } else {
            out.append(QPointF(static_cast<double>(a.tMax), a.max));
            out.append(QPointF(static_cast<double>(a.tMin), a.min));
        }
    }
    return out;
}

size_t TimeSeries::memoryBytes() const
{
    return sizeof(*this) + m_raw.capacity() * sizeof(Sample) + m_buckets.capacity() * sizeof(Bucket);
}

const TimeSeries *SeriesStore::series(const QString &key) const
{
    const auto it = m_series.constFind(key);
    return it == m_series.cend() ? nullptr : &*it;
}

QStringList SeriesStore::keys(const QString &prefix) const
{
    QStringList out;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
        if (it.key().startsWith(prefix))
            out.append(it.key());
    out.sort();
    return out;
}

size_t SeriesStore::memoryBytes() const
{
    size_t total = 0;
    for (const auto &s : m_series)
        total += s.memoryBytes();
    return total;
}

} // namespace pgha::models
