// The benchmark session's pure parts: plans, stored runs read back, grouping into
// configurations, comparisons with their intervals, the latency histogram, the manifest and
// the PgBouncer version rule. Data written here, by hand, so each expected figure is known.
#include "bench/benchmanifest.h"
#include "bench/benchseries.h"
#include "bench/benchsession.h"
#include "bench/txlog.h"

#include <QJsonArray>
#include <QtTest>

using namespace pgha::svc;

namespace {
BenchResult run(const QString &target, int clients, double tps, int repetition = 0)
{
    BenchResult r;
    r.id = QStringLiteral("%1-c%2-%3").arg(target).arg(clients).arg(repetition);
    r.series = QStringLiteral("s1");
    r.repetition = repetition;
    r.target.name = target;
    r.workload.builtin = QStringLiteral("select-only");
    r.workload.clients = clients;
    r.workload.threads = 1;
    r.workload.durationS = 20;
    r.tps = tps;
    r.transactions = qint64(tps * 20);
    LatencyPercentiles p;
    p.p50Us = 200;
    p.p95Us = 400 + repetition * 100;
    p.p99Us = 900;
    p.meanUs = 250;
    r.log.latency = p;
    return r;
}

TxLogEntry committed(qint64 latencyUs, qint64 epochS)
{
    TxLogEntry e;
    e.latencyUs = latencyUs;
    e.epochS = epochS;
    return e;
}
} // namespace

class TestBenchSeries : public QObject {
    Q_OBJECT
private slots:
    void clientsListParses()
    {
        QCOMPARE(parseClientsList(QStringLiteral("1,2, 4,8")).value(), (QList<int>{1, 2, 4, 8}));
        QVERIFY(!parseClientsList(QStringLiteral("1,x")));
        QVERIFY(parseClientsList(QStringLiteral("1,x")).error().toString().contains(QStringLiteral("\"x\"")));
        QVERIFY(!parseClientsList(QStringLiteral("0")));
        QVERIFY(!parseClientsList(QStringLiteral(",")));
    }

    void planProblems()
    {
        BenchPlan plan;
        QCOMPARE(plan.problem(), QString());
        QCOMPARE(plan.runCount(), 1);
        plan.repeat = 0;
        QVERIFY(plan.problem().contains(QStringLiteral("repetitions")));
        plan.repeat = 3;
        plan.targets = {QStringLiteral("direct"), QStringLiteral("rw")};
        plan.clientsSweep = {1, 2, 4};
        plan.workload.threads = 2;   // 1 client gets 1 thread: the sweep does not refuse it
        QCOMPARE(plan.problem(), QString());
        QCOMPARE(plan.runCount(), 2 * 3 * 3);
        QCOMPARE(plan.clientsList(), (QList<int>{1, 2, 4}));
        plan.warmupS = -1;
        QVERIFY(plan.problem().contains(QStringLiteral("warm-up")));
        plan.warmupS = 5;
        plan.targets.clear();
        QVERIFY(plan.problem().contains(QStringLiteral("no target")));
        plan.targets = {QStringLiteral("rw")};
        plan.workload.samplingRate = 1.5;
        QVERIFY(plan.problem().contains(QStringLiteral("sampling rate")));
    }

    void storedRunReadsBack()
    {
        BenchResult r = run(QStringLiteral("rw"), 8, 1234.5, 2);
        r.label = QStringLiteral("thesis");
        r.cold = true;
        r.warmupS = 10;
        r.workload.rate = 500;
        r.workload.samplingRate = 0.1;
        r.samples = {{1, 1200, 0.5, 0.1, 0}, {2, 1300, 0.4, 0.2, 3}};
        r.latencyHistogram = {{0.5, 10}, {1.0, 20}};
        r.answeredBy = {QStringLiteral("pg2 (primary, 127.0.0.1:5433)")};
        r.restarts = 1;
        r.abortedClients = 8;
        r.stopped = true;
        r.startedMs = 1'764'000'000'123;
        r.endedMs = 1'764'000'020'456;
        r.loadGenCpuAvg = 25;
        r.loadGenCpuMax = 40;
        const BenchResult back = BenchResult::fromJson(r.toJson());
        QCOMPARE(back.id, r.id);
        QCOMPARE(back.series, r.series);
        QCOMPARE(back.repetition, 2);
        QCOMPARE(back.label, r.label);
        QVERIFY(back.cold);
        QCOMPARE(back.warmupS, 10);
        QCOMPARE(back.workload.clients, 8);
        QCOMPARE(*back.workload.rate, 500.0);
        QCOMPARE(*back.workload.samplingRate, 0.1);
        QCOMPARE(back.tps, 1234.5);
        QCOMPARE(back.samples.size(), 2);
        QCOMPARE(back.samples[1].failed, 3);
        QCOMPARE(back.latencyHistogram.size(), 2);
        QCOMPARE(back.latencyHistogram[1].count, 20);
        QCOMPARE(back.log.latency->p95Us, 600);
        QCOMPARE(back.answeredBy, r.answeredBy);
        QCOMPARE(back.startedMs, r.startedMs);
        QCOMPARE(back.endedMs, r.endedMs);
        QVERIFY(back.stopped);
        QCOMPARE(back.loadGenCpuMax, 40.0);
        QCOMPARE(back.configurationKey(), r.configurationKey());
    }

    void aLongRunIsStoredInBoundedSamples()
    {
        BenchResult r = run(QStringLiteral("rw"), 1, 100);
        for (int i = 0; i < 36'000; ++i)   // ten hours, one sample a second
            r.samples.append({double(i), i % 2 ? 110.0 : 90.0, 1.0, 0.1, i % 10 == 0 ? 1 : 0});
        const QJsonObject o = r.toJson();
        QCOMPARE(o.value(u"samplesStepS").toInt(), 10);
        const QJsonArray kept = o.value(u"samples").toArray();
        QCOMPARE(kept.size(), kMaxStoredSamples);
        QCOMPARE(kept[1].toObject().value(u"t").toDouble(), 10.0);
        QCOMPARE(kept[1].toObject().value(u"tps").toDouble(), 100.0);      // the mean of 90 and 110, five each
        QCOMPARE(kept[1].toObject().value(u"failed").toDouble(), 1.0);     // summed
        QCOMPARE(run(QStringLiteral("rw"), 1, 1).toJson().value(u"samplesStepS").toInt(), 1);
    }

    void configurationsGroupRepetitions()
    {
        const QList<BenchResult> runs{run(QStringLiteral("direct"), 4, 1000, 0), run(QStringLiteral("rw"), 4, 700, 0),
                                      run(QStringLiteral("direct"), 4, 1100, 1), run(QStringLiteral("rw"), 4, 710, 1),
                                      run(QStringLiteral("direct"), 4, 1050, 2), run(QStringLiteral("rw"), 4, 690, 2),
                                      run(QStringLiteral("rw"), 8, 900, 0)};
        const auto groups = summarizeByConfiguration(runs);
        QCOMPARE(groups.size(), 3);
        QCOMPARE(groups[0].runs.size(), 3);
        QCOMPARE(groups[0].tps.median, 1050.0);
        QCOMPARE(groups[0].medianP95Ms, 0.5);   // 0.4, 0.5, 0.6
        QVERIFY(groups[0].text.startsWith(QStringLiteral("direct · select-only · c4")));
        QCOMPARE(groups[1].tps.median, 700.0);
        QVERIFY(!groups[1].noisy());              // 700 ± 10: CV 1.4 %
        QVERIFY(!groups[0].noisy());              // 1000, 1100, 1050: CV 4.8 %, just under 5 %
        QCOMPARE(groups[2].runs.size(), 1);
        QVERIFY(!groups[2].tps.ciHalfWidth);
    }

    void aSpreadAboveFivePercentIsNoisy()
    {
        const auto groups = summarizeByConfiguration(
            {run(QStringLiteral("rw"), 4, 1000, 0), run(QStringLiteral("rw"), 4, 1200, 1), run(QStringLiteral("rw"), 4, 1100, 2)});
        QCOMPARE(groups.size(), 1);
        QVERIFY(groups[0].noisy());               // sd 100 over a mean of 1100: CV 9.1 %
        QCOMPARE(*groups[0].tps.cv, 100.0 / 1100.0);
    }

    void comparisonsCarryTheirInterval()
    {
        const QList<BenchResult> runs{run(QStringLiteral("direct"), 4, 1000, 0), run(QStringLiteral("direct"), 4, 1010, 1),
                                      run(QStringLiteral("direct"), 4, 990, 2),  run(QStringLiteral("rw"), 4, 700, 0),
                                      run(QStringLiteral("rw"), 4, 705, 1),      run(QStringLiteral("rw"), 4, 695, 2)};
        const auto groups = summarizeByConfiguration(runs);
        const BenchComparison c = compareTps(groups[0], groups[1]);
        QVERIFY(c.withInterval);
        QCOMPARE(c.percent, -30.0);
        QVERIFY(c.withInterval->significant);
        QVERIFY(c.withInterval->ciLowPercent < -30.0 && c.withInterval->ciHighPercent > -30.0);
        QVERIFY(describeComparison(c).startsWith(QStringLiteral("−30.0 % [")));

        const auto single = summarizeByConfiguration({run(QStringLiteral("direct"), 1, 1000), run(QStringLiteral("rw"), 1, 1100)});
        const BenchComparison one = compareTps(single[0], single[1]);
        QVERIFY(!one.withInterval);
        QCOMPARE(one.percent, 10.0);
        QVERIFY(describeComparison(one).contains(QStringLiteral("no interval")));
    }

    void failedRunsWithoutTransactionsAreLeftOut()
    {
        BenchResult failed = run(QStringLiteral("rw"), 1, 0);
        failed.transactions = 0;
        failed.error = QStringLiteral("refused");
        QCOMPARE(summarizeByConfiguration({failed}).size(), 0);
    }

    void histogramCountsEveryCommit()
    {
        TxLogAccumulator acc;
        const int s = acc.addStream();
        qint64 t = 1'700'000'000;
        const QList<qint64> latencies{100, 150, 200, 400, 800, 1600, 3200, 1'500'000};   // one above the exact buckets
        for (const qint64 l : latencies)
            acc.add(s, committed(l, t++));
        acc.finishStream(s);
        const auto h = acc.histogram(8);
        QVERIFY(!h.isEmpty());
        qint64 total = 0;
        for (qsizetype i = 0; i < h.size(); ++i) {
            total += h[i].second;
            if (i > 0)
                QVERIFY(h[i].first > h[i - 1].first);
        }
        QCOMPARE(total, qint64(latencies.size()));
        QCOMPARE(h.last().first, 1'500'000);
        QCOMPARE(h.last().second, 1);
        QVERIFY(h.first().first >= 100);
        QVERIFY(TxLogAccumulator().histogram(8).isEmpty());
    }

    void recentLatenciesGiveOutCompleteSeconds()
    {
        RecentLatencies recent(100'000'000);   // the run started at epoch 100 s
        TxLogAccumulator acc;
        acc.setRecentLatencies(&recent);
        const int a = acc.addStream();
        const int b = acc.addStream();
        // Second 100: latencies 1…100 µs spread over both files; file a moves on to 101 first.
        for (int i = 1; i <= 100; ++i)
            acc.add(i % 2 ? a : b, committed(i, 100));
        acc.add(a, committed(500, 101));
        QVERIFY(recent.takeCompleted().isEmpty());   // file b may still write second 100
        acc.add(b, committed(700, 101));
        const auto done = recent.takeCompleted();
        QCOMPARE(done.size(), 1);
        QCOMPARE(done[0].index, 0);
        QCOMPARE(done[0].count, 100);
        QCOMPARE(done[0].p50Us, 50);
        QCOMPARE(done[0].p95Us, 95);
        QCOMPARE(done[0].p99Us, 99);
        QVERIFY(recent.takeCompleted().isEmpty());   // given out once
        acc.finishStream(a);
        acc.finishStream(b);
        const auto rest = recent.takeCompleted();    // every file finished: second 101 too
        QCOMPARE(rest.size(), 1);
        QCOMPARE(rest[0].p99Us, 700);
    }

    void pgbouncerPreparedStatementsFrom121()
    {
        QVERIFY(!pgbouncerSupportsPrepared(QStringLiteral("PgBouncer 1.18.0")));
        QVERIFY(!pgbouncerSupportsPrepared(QStringLiteral("PgBouncer 1.20.1")));
        QVERIFY(pgbouncerSupportsPrepared(QStringLiteral("PgBouncer 1.21.0")));
        QVERIFY(pgbouncerSupportsPrepared(QStringLiteral("PgBouncer 1.24.1")));
        QVERIFY(pgbouncerSupportsPrepared(QStringLiteral("PgBouncer 2.0.0")));
        QVERIFY(!pgbouncerSupportsPrepared(QString()));   // unknown: refuse rather than fail every transaction
        QCOMPARE(parseMajorMinor(QStringLiteral("HAProxy version 2.6.12-1+deb12u4")), (std::pair{2, 6}));
    }

    void manifestReadsBack()
    {
        BenchManifest m;
        fillMachine(m);
        QVERIFY(m.cores >= 1);
        QVERIFY(!m.kernel.isEmpty());
        m.serverVersion = QStringLiteral("15.20");
        m.synchronousMode = true;
        m.scale = 10;
        m.notes = {QStringLiteral("HAProxy version: not on its stats page")};
        const BenchManifest back = BenchManifest::fromJson(m.toJson());
        QCOMPARE(back.serverVersion, m.serverVersion);
        QCOMPARE(back.synchronousMode, std::optional<bool>(true));
        QCOMPARE(back.scale, 10);
        QCOMPARE(back.cores, m.cores);
        QCOMPARE(back.memoryBytes, m.memoryBytes);
        QCOMPARE(back.notes, m.notes);
        QVERIFY(!BenchManifest::fromJson({}).synchronousMode);
    }
};

QTEST_GUILESS_MAIN(TestBenchSeries)
#include "tst_benchseries.moc"
