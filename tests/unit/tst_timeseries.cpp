// TimeSeries: a day of 1 Hz samples in bounded memory, windows decimated to min/max per
// bucket without losing the extremes, raw precision for recent windows.
#include "timeseries.h"

#include <QTest>

#include <cmath>

using pgha::models::SeriesStore;
using pgha::models::TimeSeries;

class TestTimeSeries : public QObject {
    Q_OBJECT

    static constexpr qint64 kStart = 1795300000000LL;
    static constexpr qint64 kDay = 86400;

private slots:
    void dayOfSamples()
    {
        TimeSeries s;
        for (qint64 i = 0; i < kDay; ++i)
            s.append(kStart + i * 1000, 1000 + 1000 * std::sin(i / 600.0) + (i == 40000 ? 50000 : 0));   // one spike
        const qint64 end = kStart + (kDay - 1) * 1000;
        const auto w = s.window(end - kDay * 1000, end, 800);
        QVERIFY(w.size() <= 1600);
        QVERIFY(w.size() > 700);
        double maxSeen = 0;
        for (const auto &p : w)
            maxSeen = std::max(maxSeen, p.y());
        QCOMPARE(maxSeen, 1000 + 1000 * std::sin(40000 / 600.0) + 50000);   // the spike survives decimation
        for (int i = 1; i < w.size(); ++i)
            QVERIFY(w[i].x() >= w[i - 1].x());   // time order

        // The last minute comes from raw samples: every point, exact.
        const auto minute = s.window(end - 60000, end, 800);
        QCOMPARE(minute.size(), 61);
        QCOMPARE(minute.last().y(), s.lastValue());
        QCOMPARE(s.rawWindow(end - TimeSeries::kRawSpanMs, end).size(), 901);
        QVERIFY(s.memoryBytes() < 512 * 1024);   // bounded, whatever the length of the run
    }

    void olderThanADayIsForgotten()
    {
        TimeSeries s;
        for (qint64 i = 0; i < kDay + 7200; ++i)
            s.append(kStart + i * 1000, i < 3600 ? 99999 : 1);
        const qint64 end = kStart + (kDay + 7199) * 1000;
        double maxSeen = 0;
        for (const auto &p : s.window(kStart, end, 500))
            maxSeen = std::max(maxSeen, p.y());
        QCOMPARE(maxSeen, 1.0);   // the first hour (99999) fell out of the 24 h tier
    }

    void edgeCases()
    {
        TimeSeries s;
        QVERIFY(s.window(0, 1000, 10).isEmpty());
        s.append(kStart, 5);
        QCOMPARE(s.window(kStart - 1000, kStart + 1000, 10).size(), 1);
        QVERIFY(s.window(kStart + 1000, kStart, 10).isEmpty());   // reversed range
        QVERIFY(s.window(kStart - 1000, kStart + 1000, 0).isEmpty());
        SeriesStore store;
        store.append(QStringLiteral("lag_bytes:pg2"), kStart, 1);
        store.append(QStringLiteral("other"), kStart, 1);
        QCOMPARE(store.keys(QStringLiteral("lag_bytes:")), QStringList{QStringLiteral("lag_bytes:pg2")});
        QVERIFY(store.series(QStringLiteral("none")) == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestTimeSeries)
#include "tst_timeseries.moc"
