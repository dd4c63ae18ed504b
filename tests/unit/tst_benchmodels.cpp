// The Bench tab's models on made-up runs: the runs table (columns, numbers for sorting, the
// filter through a proxy), the comparison against a chosen baseline with labels that say what
// differs, the sweep's curves, and the bounded live series (merging past its bound, gaps drawn
// as no commits). Figures chosen by hand so each expected value is known.
#include "benchliveseries.h"
#include "benchrunsmodel.h"
#include "benchsummary.h"

#include <QSortFilterProxyModel>
#include <QtTest>

using namespace pgha;
using models::BenchLiveSeries;
using models::BenchRunsModel;

namespace {
svc::BenchResult run(const QString &target, int clients, double tps, int repetition = 0, const QString &label = QStringLiteral("A"))
{
    svc::BenchResult r;
    r.id = QStringLiteral("%1-c%2-%3").arg(target).arg(clients).arg(repetition);
    r.series = QStringLiteral("s1");
    r.label = label;
    r.repetition = repetition;
    r.target.name = target;
    r.workload.builtin = QStringLiteral("select-only");
    r.workload.clients = clients;
    r.workload.durationS = 20;
    r.tps = tps;
    r.transactions = qint64(tps * 20);
    r.startedMs = 1'800'000'000'000 + clients * 60'000 + repetition * 1000;
    svc::LatencyPercentiles p;
    p.p50Us = 200 * clients;
    p.p95Us = 400 * clients;
    p.p99Us = 900 * clients;
    r.log.latency = p;
    return r;
}

svc::BenchSample sample(double t, double tps, double lat = 1.0, double sd = 0.5, qint64 failed = 0)
{
    svc::BenchSample s;
    s.t = t;
    s.tps = tps;
    s.latAvgMs = lat;
    s.latStddevMs = sd;
    s.failed = failed;
    return s;
}
} // namespace

class TestBenchModels : public QObject {
    Q_OBJECT
private slots:
    void runsTableShowsAndSortsNumbers()
    {
        BenchRunsModel model;
        svc::BenchResult stopped = run(QStringLiteral("direct"), 10, 950.5, 0, QStringLiteral("B"));
        stopped.stopped = true;
        stopped.restarts = 2;
        stopped.failed = 3;
        model.setRuns({run(QStringLiteral("rw"), 9, 1200), stopped, run(QStringLiteral("rw"), 2, 80)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(BenchRunsModel::ColumnCount));
        auto at = [&model](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
        QCOMPARE(at(1, BenchRunsModel::Target).toString(), QStringLiteral("direct"));
        QCOMPARE(at(1, BenchRunsModel::Tps).toString(), QStringLiteral("950.5"));
        QCOMPARE(at(1, BenchRunsModel::P95).toString(), QStringLiteral("4.000"));   // 4000 µs
        QCOMPARE(at(1, BenchRunsModel::P99).toString(), QStringLiteral("9.000"));
        QCOMPARE(at(1, BenchRunsModel::Failed).toString(), QStringLiteral("3"));
        QCOMPARE(at(1, BenchRunsModel::Restarts).toString(), QStringLiteral("2"));
        QCOMPARE(at(1, BenchRunsModel::Stopped).toString(), QStringLiteral("stopped"));
        QVERIFY(at(1, 0, BenchRunsModel::ProblemRole).toBool());
        QVERIFY(!at(0, 0, BenchRunsModel::ProblemRole).toBool());
        QCOMPARE(at(0, 0, BenchRunsModel::ConfigurationRole).toString(), model.runs()[0].configurationKey());
        QCOMPARE(model.rowOf(QStringLiteral("rw-c2-0")), 2);
        QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
        QVERIFY(!model.run(3));

        // Sorted by number, not by text: 80 < 950.5 < 1200 and clients 2 < 9 < 10.
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(BenchRunsModel::SortRole);
        proxy.sort(BenchRunsModel::Tps, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, BenchRunsModel::Tps).data().toString(), QStringLiteral("80.0"));
        QCOMPARE(proxy.index(2, BenchRunsModel::Tps).data().toString(), QStringLiteral("1200.0"));
        proxy.sort(BenchRunsModel::Clients, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, BenchRunsModel::Clients).data().toString(), QStringLiteral("2"));
        QCOMPARE(proxy.index(2, BenchRunsModel::Clients).data().toString(), QStringLiteral("10"));
        // The filter looks at every column.
        proxy.setFilterKeyColumn(-1);
        proxy.setFilterFixedString(QStringLiteral("direct"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterFixedString(QStringLiteral("B"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterFixedString({});
        QCOMPARE(proxy.rowCount(), 3);
    }

    void workloadAndLatencyTexts()
    {
        svc::BenchWorkload w;
        w.builtin.clear();
        w.scripts = {QStringLiteral("/home/me/a.sql@3"), QStringLiteral("/tmp/x@y/b.sql")};
        QCOMPARE(models::benchWorkloadText(w), QStringLiteral("a.sql@3 + b.sql"));
        QCOMPARE(models::benchMsText(0.4123), QStringLiteral("0.412"));
        QCOMPARE(models::benchMsText(12.34), QStringLiteral("12.3"));
        QCOMPARE(models::benchMsText(1520.4), QStringLiteral("1520"));
        svc::BenchResult none;
        QVERIFY(!models::benchPercentileMs(none, models::Percentile::P95));
    }

    void comparisonAgainstAChosenBaseline()
    {
        // rw: 100, 110; direct: 150, 160 — direct is +47.6 % against rw's mean (155 against 105), an interval that excludes 0.
        const QList<svc::BenchResult> runs{run(QStringLiteral("rw"), 4, 100, 0), run(QStringLiteral("direct"), 4, 150, 0),
                                           run(QStringLiteral("rw"), 4, 110, 1), run(QStringLiteral("direct"), 4, 160, 1)};
        const auto c = models::compareConfigurations(runs);
        QCOMPARE(c.entries.size(), 2);
        QCOMPARE(c.baseline, 0);
        QCOMPARE(c.entries[0].label, QStringLiteral("rw"));        // the shared parts left out
        QCOMPARE(c.entries[1].label, QStringLiteral("direct"));
        QCOMPARE(c.entries[0].config.tps.n, 2);
        QCOMPARE(c.entries[0].config.tps.median, 105.0);
        QVERIFY(!c.entries[0].vsBaseline);
        QVERIFY(c.entries[1].vsBaseline && c.entries[1].vsBaseline->withInterval);
        QCOMPARE(qRound(c.entries[1].vsBaseline->percent * 10), 476);
        QVERIFY(c.entries[1].vsBaseline->withInterval->significant);

        // The other way round when direct is the baseline.
        const auto d = models::compareConfigurations(runs, c.entries[1].config.key);
        QCOMPARE(d.baseline, 1);
        QVERIFY(d.entries[0].vsBaseline->percent < 0);
        QVERIFY(!d.entries[1].vsBaseline);

        // One run each: a percentage of the medians, no interval.
        const auto single = models::compareConfigurations({run(QStringLiteral("rw"), 4, 100), run(QStringLiteral("ro"), 4, 120)});
        QVERIFY(!single.entries[1].vsBaseline->withInterval);
        QCOMPARE(qRound(single.entries[1].vsBaseline->percent), 20);

        QCOMPARE(models::compareConfigurations({}).baseline, -1);
    }

    void sweepCurvesNeedTwoClientCounts()
    {
        const QList<svc::BenchResult> runs{run(QStringLiteral("rw"), 1, 100, 0), run(QStringLiteral("rw"), 1, 120, 1),
                                           run(QStringLiteral("rw"), 4, 300), run(QStringLiteral("direct"), 1, 200),
                                           run(QStringLiteral("direct"), 4, 500), run(QStringLiteral("ro"), 8, 50)};
        const auto curves = models::sweepCurves(runs);
        QCOMPARE(curves.size(), 2);   // ro ran one client count: no curve
        QCOMPARE(curves[0].name, QStringLiteral("rw"));
        QCOMPARE(curves[1].name, QStringLiteral("direct"));
        QCOMPARE(curves[0].tps, (QList<QPointF>{{1, 110}, {4, 300}}));   // median of the repetitions
        QCOMPARE(curves[0].p95Ms, (QList<QPointF>{{1, 0.4}, {4, 1.6}}));
        QVERIFY(models::sweepCurves({run(QStringLiteral("rw"), 1, 100)}).isEmpty());
    }

    void liveSeriesStaysBounded()
    {
        BenchLiveSeries s;
        for (int i = 1; i <= 10; ++i)
            s.append(sample(i, 100 + i, 2.0, 0.5, i == 5 ? 7 : 0));
        QCOMPARE(s.sampleCount(), 10);
        QCOMPARE(s.points().size(), 10);
        QCOMPARE(s.failedTotal(), 7);
        QCOMPARE(s.maxTps(), 110.0);
        QCOMPARE(s.latencyLower().first().y(), 1.5);
        QCOMPARE(s.latencyUpper().first().y(), 2.5);
        QVERIFY(!s.hasPercentiles());
        QCOMPARE(s.maxLatencyShown(), 2.5);

        // Ten hours of seconds: never more than the bound, every second still counted.
        BenchLiveSeries longRun;
        constexpr int kSeconds = 36000;
        for (int i = 1; i <= kSeconds; ++i)
            longRun.append(sample(i, 1000));
        QVERIFY(longRun.points().size() <= BenchLiveSeries::kMaxPoints);
        QVERIFY(longRun.points().size() >= BenchLiveSeries::kMaxPoints / 2);
        QCOMPARE(longRun.sampleCount(), kSeconds);
        QCOMPARE(longRun.samplesPerPoint(), 32);
        int seconds = 0;
        for (const auto &p : longRun.points())
            seconds += p.seconds;
        QCOMPARE(seconds, kSeconds);
        QCOMPARE(longRun.points().last().t, double(kSeconds));
        QCOMPARE(longRun.maxTps(), 1000.0);
    }

    void mergeWeighsLatencyByTransactions()
    {
        BenchLiveSeries::Point a{1, 100, 1.0, 0.0, 0, 1};
        BenchLiveSeries::Point b{2, 300, 3.0, 0.0, 2, 1};
        const auto m = BenchLiveSeries::Point::merge(a, b);
        QCOMPARE(m.seconds, 2);
        QCOMPARE(m.t, 2.0);
        QCOMPARE(m.tps, 200.0);
        QCOMPARE(m.failedPerS, 1.0);
        QCOMPARE(m.latAvgMs, 2.5);   // 100 × 1 ms and 300 × 3 ms
        QVERIFY(m.latStddevMs > 0);  // the two averages differ: spread between them
        BenchLiveSeries::LatencyPoint p{1, 1, 2, 3, 100, 1};
        BenchLiveSeries::LatencyPoint q{2, 3, 4, 5, 300, 1};
        const auto l = BenchLiveSeries::LatencyPoint::merge(p, q);
        QCOMPARE(l.count, 400);
        QCOMPARE(l.p95Ms, 3.5);
    }

    void gapsAreNoCommits()
    {
        BenchLiveSeries s;
        s.append(sample(1, 100));
        s.append(sample(2, 100));
        s.append(sample(7, 90));   // pgbench reconnecting from 2 s to 7 s
        const QList<QPointF> tps = s.tpsLine();
        QCOMPARE(tps.size(), 5);
        QCOMPARE(tps[2], QPointF(3, 0));
        QCOMPARE(tps[3], QPointF(6, 0));
        QCOMPARE(s.latencyLine().size(), 3);   // no latency invented for the gap
    }

    void percentilesReplaceTheStddevBand()
    {
        BenchLiveSeries s;
        s.append(sample(1, 100, 2.0, 5.0));
        svc::BenchLatencySecond l;
        l.t = 1;
        l.count = 100;
        l.p50Ms = 1.5;
        l.p95Ms = 4;
        l.p99Ms = 9;
        s.appendLatency(l);
        QVERIFY(s.hasPercentiles());
        QCOMPARE(s.p95Line(), (QList<QPointF>{{1, 4}}));
        QCOMPARE(s.maxLatencyShown(), 9.0);   // p99, not avg + stddev (7)
        s.clear();
        QVERIFY(s.isEmpty() && !s.hasPercentiles());
    }
};

QTEST_GUILESS_MAIN(TestBenchModels)
#include "tst_benchmodels.moc"
