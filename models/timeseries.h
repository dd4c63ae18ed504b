#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>

#include <vector>

namespace pgha::models {

// A bounded time series for live charts. Two tiers: the raw samples of the last
// kRawSpanMs, and min/max/last buckets of kBucketMs covering kTieredSpanMs (24 h), so a day
// of 1 Hz samples costs ~8.6 k buckets, not 86 k points. window() returns at most two points
// (the min and the max) per requested bucket — about one bucket per pixel — so a chart never
// draws more than it can show.
class TimeSeries {
public:
    static constexpr qint64 kRawSpanMs = 15 * 60 * 1000;          // 15 min of raw samples
    static constexpr qint64 kBucketMs = 10 * 1000;                // coarse tier resolution
    static constexpr qint64 kTieredSpanMs = 24 * 3600 * 1000LL;   // 24 h
    static constexpr int kRawCapacity = 15 * 60 * 4;              // up to 4 Hz for 15 min

    void append(qint64 tMs, double value);
    // Points in [fromMs, toMs], min/max per bucket, `buckets` buckets at most (x = ms since epoch).
    QList<QPointF> window(qint64 fromMs, qint64 toMs, int buckets) const;
    // Every point in [fromMs, toMs] at full resolution (what a naive chart would draw).
    QList<QPointF> rawWindow(qint64 fromMs, qint64 toMs) const;

    bool isEmpty() const { return m_rawCount == 0 && m_bucketCount == 0; }
    qint64 lastTime() const { return m_lastT; }
    double lastValue() const { return m_lastV; }
    size_t memoryBytes() const;

private:
    struct Sample { qint64 t; double v; };
    struct Bucket { qint64 start; double min; double max; double last; };

    template <typename T, typename F> static void forEachInRing(const std::vector<T> &ring, size_t head, size_t count, F f);

    std::vector<Sample> m_raw = std::vector<Sample>(kRawCapacity);
    size_t m_rawHead = 0, m_rawCount = 0;
    std::vector<Bucket> m_buckets = std::vector<Bucket>(kTieredSpanMs / kBucketMs + 1);
    size_t m_bucketHead = 0, m_bucketCount = 0;
    qint64 m_lastT = 0;
    double m_lastV = 0;
};

// Named series ("lag_bytes:pg2" …), created on first append.
class SeriesStore {
public:
    void append(const QString &key, qint64 tMs, double value) { m_series[key].append(tMs, value); }
    const TimeSeries *series(const QString &key) const;
    QStringList keys(const QString &prefix = {}) const;
    size_t memoryBytes() const;

private:
    QHash<QString, TimeSeries> m_series;
};

} // namespace pgha::models
