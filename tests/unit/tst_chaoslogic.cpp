// The pure part of chaos runs: the outage read off acknowledgement times, the budgets the
// timings predict, RPO as a set difference, expectations judged on recorded runs (and on
// copies changed to fail), the report's JSON/CSV forms and the run store.
#include "fixture.h"

#include "chaos/chaosreport.h"
#include "chaos/expectations.h"
#include "chaos/faultcatalog.h"
#include "chaos/measurement.h"
#include "profile/profile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace pgha::svc;

class TestChaosLogic : public QObject {
    Q_OBJECT

    static ChaosReport recorded(const QString &name)
    {
        auto r = ChaosReport::fromJson(QJsonDocument::fromJson(readFixture(QStringLiteral("chaos/") + name)).object());
        if (!r)
            qFatal("fixture %s does not read: %s", qPrintable(name), qPrintable(r.error().message));
        return r.value();
    }
    static bool allPassed(const QList<ChaosReport::Expectation> &es)
    {
        bool all = !es.isEmpty();
        for (const auto &e : es)
            all = all && e.passed;
        return all;
    }

private slots:
    // PgBouncer's own wait, from the events of a real run (tests/fixtures/experiment): the read
    // probe met "server_login_retry" while the old primary rejoined; before the fault nothing counts.
    void poolerRetryPlateauIsNamed()
    {
        QList<std::tuple<qint64, QString, QString>> events;
        for (const QByteArray &line : readFixture(QStringLiteral("experiment/tiny-runs.jsonl")).split('\n')) {
            const QJsonObject run = QJsonDocument::fromJson(line).object().value(QStringLiteral("run")).toObject();
            const QJsonArray list = run.value(QStringLiteral("events")).toArray();
            if (!QJsonDocument(list).toJson().contains(kPgBouncerLoginRetryText))
                continue;
            for (const auto &v : list) {
                const QJsonObject e = v.toObject();
                events.append({static_cast<qint64>(e.value(QStringLiteral("at_ms")).toDouble()), e.value(QStringLiteral("source")).toString(),
                               e.value(QStringLiteral("text")).toString()});
            }
            break;
        }
        QVERIFY2(!events.isEmpty(), "the fixture has a run where a probe met server_login_retry");
        const auto p = findPoolerRetryPlateau(events);
        QVERIFY(p.has_value());
        QVERIFY(p->refusals >= 1);
        QVERIFY(p->firstMs > 0 && p->lastMs >= p->firstMs);
        QCOMPARE(p->paths, QStringList{QStringLiteral("reads")});
        QVERIFY(p->sentence().contains(u"server_login_retry"));
        // Refusals before the fault are not the fault's; a run without any has no plateau.
        QVERIFY(!findPoolerRetryPlateau({{-500, QStringLiteral("probe"), QStringLiteral("writes fail: … (server_login_retry)")}}));
        QVERIFY(!findPoolerRetryPlateau({{500, QStringLiteral("probe"), QStringLiteral("writes fail: connection refused")}}));
        const auto both = findPoolerRetryPlateau({{1200, QStringLiteral("probe"), QStringLiteral("writes fail: (server_login_retry)")},
                                                  {1900, QStringLiteral("load"), QStringLiteral("pgbench: (server_login_retry)")}});
        QVERIFY(both);
        QCOMPARE(both->refusals, 2);
        QCOMPARE(both->paths, (QStringList{QStringLiteral("writes"), QStringLiteral("load")}));
        QCOMPARE(both->lastMs, 1900);
    }

    void outageIsTheLongestGapAfterTheFault()
    {
        // Acks every 50 ms until 1000, nothing until 10350, then every 50 ms; the fault at 1020.
        QList<qint64> acks;
        for (qint64 t = 0; t <= 1000; t += 50)
            acks << t;
        for (qint64 t = 10350; t <= 12000; t += 50)
            acks << t;
        const Outage o = measureOutage(acks, 1020, 12000);
        QVERIFY(o.seen);
        QCOMPARE(*o.rtoMs, 10350 - 1020);
        QCOMPARE(*o.gapMs, 10350 - 1000);
        QCOMPARE(*o.startMs, 1000 - 1020);
    }

    void anOutageThatStartsLaterIsStillTheOutage()
    {
        // Quorum loss: writes go on for 5 s after the fault, then stop for 4 s.
        QList<qint64> acks;
        for (qint64 t = 0; t <= 5000; t += 50)
            acks << t;
        for (qint64 t = 9000; t <= 10000; t += 50)
            acks << t;
        const Outage o = measureOutage(acks, 100, 10000);
        QVERIFY(o.seen);
        QCOMPARE(*o.rtoMs, 9000 - 100);
        QCOMPARE(*o.gapMs, 4000);
        QCOMPARE(*o.startMs, 5000 - 100);
    }

    void noOutageGivesTheFirstWriteAfterTheFault()
    {
        QList<qint64> acks;
        for (qint64 t = 0; t <= 3000; t += 50)
            acks << t;
        const Outage o = measureOutage(acks, 1010, 3000);
        QVERIFY(!o.seen);
        QCOMPARE(*o.rtoMs, 1050 - 1010);
        QCOMPARE(*o.gapMs, 50);
    }

    void neverRecoveredHasNoRto()
    {
        const Outage o = measureOutage({0, 50, 100}, 120, 20000);
        QVERIFY(o.seen);
        QVERIFY(!o.rtoMs);
        QCOMPARE(*o.gapMs, 20000 - 100);
    }

    void budgetsFollowTheTimings()
    {
        const Budget crash = faultBudget(FaultKind::CrashPrimary, {10, 2, 4, false}, kLabHaproxyCheck);
        QCOMPARE(*crash.ms, 10000 + 2000 + 1000 + 1000);
        QVERIFY(crash.formula.contains(u"ttl 10 s"));
        const Budget defaults = faultBudget(FaultKind::CrashPrimary, {30, 10, 10, false}, kLabHaproxyCheck);
        QCOMPARE(*defaults.ms, 30000 + 10000 + 1000 + 1000);
        // With synchronous_mode a standby must follow the new primary first: one more loop.
        const Budget sync = faultBudget(FaultKind::CrashPrimary, {10, 2, 4, true}, kLabHaproxyCheck);
        QCOMPARE(*sync.ms, *crash.ms + 2000 + 1000);
        QVERIFY(sync.formula.contains(u"synchronous_mode"));
        // A graceful stop does not wait for the ttl.
        QVERIFY(*faultBudget(FaultKind::StopPrimary, {30, 10, 10, false}, kLabHaproxyCheck).ms < 30000);
        QVERIFY(!faultBudget(FaultKind::CrashReplica, {10, 2, 4, false}, kLabHaproxyCheck).ms);
    }

    void lsnParses()
    {
        QCOMPARE(*parseLsn(QStringLiteral("0/3000060")), 0x3000060LL);
        QCOMPARE(*parseLsn(QStringLiteral("1/0")), 1LL << 32);
        QVERIFY(!parseLsn(QStringLiteral("unknown")));
        QVERIFY(!parseLsn(QString()));
    }

    void lostWritesAreASetDifferenceNotMaxMinusCount()
    {
        // Ids 5 and 7 were acknowledged but are gone; 4 and 6 were never acknowledged but are
        // present (abandoned writes that committed after all).
        const QList<qint64> acked{1, 2, 3, 5, 7};
        const QList<qint64> present{1, 2, 3, 4, 6};
        QCOMPARE(missingIds(acked, present), (QList<qint64>{5, 7}));
        // What the public labs compute, max(id) − count(*) on the new primary, says 1.
        QCOMPARE(*std::max_element(present.cbegin(), present.cend()) - present.size(), 1);
    }

    void statsAreMedianP95Max()
    {
        const auto s = statsOf({9000, 10000, 11000, 9500, 30000});
        QCOMPARE(s.count, 5);
        QCOMPARE(s.median, 10000);
        QCOMPARE(s.p95, 30000);
        QCOMPARE(s.max, 30000);
        QCOMPARE(s.min, 9000);
        QCOMPARE(statsOf({1000, 2000}).median, 1500);
        QCOMPARE(statsOf({}).count, 0);
    }

    void recordedCrashPassesAndFailsWhenTooSlow()
    {
        ChaosReport r = recorded(QStringLiteral("run-crash-primary.json"));
        QCOMPARE(r.faultId, QStringLiteral("crash-primary"));
        QVERIFY(allPassed(judgeRun(FaultKind::CrashPrimary, r)));
        ChaosReport slow = r;
        slow.rtoMs = *r.budgetMs + 1;
        const auto verdicts = judgeRun(FaultKind::CrashPrimary, slow);
        QVERIFY(!verdicts.front().passed);
        QVERIFY2(verdicts.front().decidedBy.contains(u"RTO"), qPrintable(verdicts.front().decidedBy));
        ChaosReport noRejoin = r;
        noRejoin.rejoin.state = QStringLiteral("needs_reinit");
        QVERIFY(!allPassed(judgeRun(FaultKind::CrashPrimary, noRejoin)));
        ChaosReport sameLeader = r;
        sameLeader.newLeader = r.oldLeader;
        QVERIFY(!allPassed(judgeRun(FaultKind::CrashPrimary, sameLeader)));
    }

    void aThawedPrimaryTakingItsKeyBackFails()
    {
        ChaosReport r = recorded(QStringLiteral("run-crash-primary.json"));
        r.leaderHistory = {{9200, QString()}, {9400, QStringLiteral("pg3")}};
        QVERIFY(allPassed(judgeRun(FaultKind::FreezePrimary, r)));
        r.leaderHistory.append({10500, QStringLiteral("pg2")});   // pg2 was the old leader
        const auto verdicts = judgeRun(FaultKind::FreezePrimary, r);
        QVERIFY(!allPassed(verdicts));
        bool named = false;
        for (const auto &e : verdicts)
            named = named || (!e.passed && e.decidedBy.contains(u"pg2 → none (9.20 s) → pg3 (9.40 s) → pg2 (10.50 s)"));
        QVERIFY(named);
    }

    void lostWritesFailOnlyWithSynchronousMode()
    {
        ChaosReport r = recorded(QStringLiteral("run-stall-then-crash-async.json"));
        QCOMPARE(r.rpo.missing, 39);
        QVERIFY(!r.synchronousMode);
        // Asynchronous replication may lose acknowledged writes: reported, not judged.
        QVERIFY(allPassed(judgeRun(FaultKind::StallThenCrash, r)));
        ChaosReport sync = r;
        sync.synchronousMode = true;
        const auto verdicts = judgeRun(FaultKind::StallThenCrash, sync);
        QVERIFY(!allPassed(verdicts));
        QVERIFY(verdicts.back().text.contains(u"no acknowledged write lost"));
        QVERIFY(verdicts.back().decidedBy.contains(u"39 of"));
    }

    void quorumLossWithoutFailsafeMustStopWrites()
    {
        ChaosReport r = recorded(QStringLiteral("run-lose-etcd-quorum.json"));
        QVERIFY(allPassed(judgeRun(FaultKind::LoseEtcdQuorum, r)));
        // With failsafe_mode on the same figures are a failure: writes stopped.
        QVERIFY(!allPassed(judgeRun(FaultKind::LoseEtcdQuorumFailsafe, r)));
    }

    void pausedMeansNoFailover()
    {
        ChaosReport r = recorded(QStringLiteral("run-crash-primary.json"));
        r.paused = true;
        const auto verdicts = judgeRun(FaultKind::CrashPrimary, r);
        QCOMPARE(verdicts.size(), 1);
        QVERIFY(verdicts.front().text.contains(u"paused"));
        QVERIFY(!verdicts.front().passed);   // pg3 answered /primary: a failover happened
        for (auto &p : r.phases)
            if (p.key == u"new_primary_200")
                p.atMs.reset();
        r.newLeader = r.oldLeader;
        QVERIFY(judgeRun(FaultKind::CrashPrimary, r).front().passed);
    }

    void jsonRoundTripsAndCsvQuotes()
    {
        const ChaosReport r = recorded(QStringLiteral("run-stall-then-crash-async.json"));
        const auto again = ChaosReport::fromJson(r.toJson());
        QVERIFY(again.ok());
        QCOMPARE(again.value().toJson(), r.toJson());
        // Recorded before runs carried their environment: null, and none read back.
        QVERIFY(r.toJson().value(QStringLiteral("environment")).isNull());
        QVERIFY(again.value().environment.isEmpty());
        ChaosReport withEnvironment = r;
        withEnvironment.environment = QJsonObject{{QStringLiteral("versions"), QJsonObject{{QStringLiteral("patroni"), QStringLiteral("3.0.2")}}}};
        const auto envBack = ChaosReport::fromJson(withEnvironment.toJson());
        QVERIFY(envBack.ok());
        QCOMPARE(envBack.value().environment, withEnvironment.environment);
        QVERIFY(!ChaosReport::fromJson(QJsonObject{{QStringLiteral("schema"), QStringLiteral("other/1")}}).ok());
        QCOMPARE(ChaosReport::csvHeader().size(), r.csvRow().size());
        QCOMPARE(r.csvRow().at(ChaosReport::csvHeader().indexOf(QStringLiteral("lost_writes"))), QStringLiteral("39"));

        QTemporaryDir dir;
        ChaosReport comma = r;
        comma.error = QStringLiteral("a, \"quoted\" error");
        QVERIFY(exportChaosRuns(dir.filePath(QStringLiteral("runs.csv")), {comma}).ok());
        QFile csv(dir.filePath(QStringLiteral("runs.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QVERIFY(lines.at(0).startsWith("run_id,started_at,fault,"));
        QVERIFY2(lines.at(1).endsWith("\"a, \"\"quoted\"\" error\""), lines.at(1).constData());
    }

    void storeKeepsEveryRunAndSurvivesATornLine()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("sub/runs.jsonl"));
        const ChaosReport a = recorded(QStringLiteral("run-crash-primary.json"));
        const ChaosReport b = recorded(QStringLiteral("run-lose-etcd-quorum.json"));
        QVERIFY(appendChaosRun(store, a).ok());
        {
            QFile f(store);
            QVERIFY(f.open(QIODevice::Append));
            f.write("{\"schema\": \"pgha.chaos.run/1\", \"fau");   // a torn write
            f.write("\n");
        }
        QVERIFY(appendChaosRun(store, b).ok());
        int skipped = 0;
        const auto runs = loadChaosRuns(store, &skipped);
        QVERIFY(runs.ok());
        QCOMPARE(runs.value().size(), 2);
        QCOMPARE(skipped, 1);
        QCOMPARE(runs.value().at(1).faultId, QStringLiteral("lose-etcd-quorum"));
        const ChaosSummary s = summarizeRuns(runs.value());
        QCOMPARE(s.runs, 2);
        QCOMPARE(s.passed, 2);
        QVERIFY(!loadChaosRuns(dir.filePath(QStringLiteral("none.jsonl"))).value().size());
    }

    void storeIsOwnerOnly_data()
    {
        QTest::addColumn<int>("existingMode");   // -1: no store yet
        QTest::newRow("new store") << -1;
        QTest::newRow("existing 0644 store") << 0644;
        QTest::newRow("existing 0666 store") << 0666;
        QTest::newRow("existing 0640 store") << 0640;
    }

    // Runs name the lab directory, its members and their addresses: the store is the owner's.
    void storeIsOwnerOnly()
    {
        QFETCH(int, existingMode);
        // The usual umask, under which a plain create would leave the store world-readable.
        const mode_t umaskBefore = ::umask(022);
        const auto restoreUmask = qScopeGuard([umaskBefore] { ::umask(umaskBefore); });
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("runs.jsonl"));
        const ChaosReport a = recorded(QStringLiteral("run-crash-primary.json"));
        if (existingMode >= 0) {
            QVERIFY(appendChaosRun(store, a).ok());
            QCOMPARE(::chmod(QFile::encodeName(store).constData(), static_cast<mode_t>(existingMode)), 0);
        }
        QVERIFY(appendChaosRun(store, a).ok());
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(store).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, 0600u);
        const auto runs = loadChaosRuns(store);
        QVERIFY(runs.ok());
        QCOMPARE(runs.value().size(), existingMode >= 0 ? 2 : 1);   // appended, nothing lost
    }

    // pgbench through a fault: the steady state before, the time without a commit, and when
    // throughput is back within 10 % for three seconds running (not at the first good second).
    void theLoadSeesTheOutageAndTheRecovery()
    {
        const qint64 faultS = 1'800'000'000;
        BenchResult b;
        b.workload.builtin = QStringLiteral("tpcb-like");
        b.workload.clients = 8;
        b.startedMs = (faultS - 12) * 1000;
        for (qint64 s = faultS - 12; s < faultS; ++s)   // 2 s of start-up, then 100 tps
            b.log.perSecond.append({s, s < faultS - 10 ? 20 : 100, 0, 0});
        b.log.perSecond.append({faultS, 30, 0, 0});      // the fault's second
        // nothing for 6 s; then 95, 50 (a dip), 95 ×3
        const QList<qint64> after{95, 50, 95, 95, 95};
        for (int i = 0; i < after.size(); ++i)
            b.log.perSecond.append({faultS + 7 + i, after.at(i), 0, 0});
        b.log.longestGapMs = 6400;
        b.log.longestGapStartUs = (faultS * 1000 + 300) * 1000;
        for (int t = 1; t <= 12; ++t)
            b.latencySeconds.append({double(t), 100, 1.0, 2.0, t <= 2 ? 50.0 : 4.0});
        for (int t = 20; t <= 24; ++t)
            b.latencySeconds.append({double(t), 100, 1.0, 2.0, 6.0});
        b.restarts = 3;
        b.abortedClients = 8;

        const ChaosLoadReport r = analyzeLoad(b, faultS * 1000);
        QCOMPARE(r.workload, QStringLiteral("tpcb-like, 8 clients"));
        QCOMPARE(r.preFaultTps.value_or(-1), 100.0);            // start-up seconds left out
        QCOMPARE(r.gapMs.value_or(-1), 6400);
        QCOMPARE(r.gapStartMs.value_or(-1), 300);
        QCOMPARE(r.throughputRecoveryMs.value_or(-1), 9000);    // 95 ×3 from +9 s, not the lone 95 at +7 s
        QCOMPARE(r.p99BeforeMs.value_or(-1), 4.0);
        QCOMPARE(r.p99AfterMs.value_or(-1), 6.0);
        QCOMPARE(r.restarts, 3);
        // The report keeps it, and reads it back (with TPC-B's history count when there is one).
        ChaosReport run;
        run.load = r;
        run.load->historyRows = 1990;
        run.load->lostTransactions = 12;
        run.load->unacknowledgedRows = 2;
        const auto back = ChaosReport::fromJson(run.toJson());
        QVERIFY(back);
        QVERIFY(back.value().load);
        QCOMPARE(back.value().load->throughputRecoveryMs, r.throughputRecoveryMs);
        QCOMPARE(back.value().load->seconds.size(), r.seconds.size());
        QCOMPARE(back.value().load->lostTransactions.value_or(-1), 12);
        QVERIFY(back.value().load->cardLines().join(u'\n').contains(u"12 lost, 2 without a line in pgbench's log"));
        // Commits again but slower than before: a pass, with the slowness said; never again: a fail.
        auto loadExpectation = [](const ChaosReport &rep) {
            for (const auto &e : judgeRun(FaultKind::CrashPrimary, rep))
                if (e.text.contains(u"load commits again"))
                    return std::optional<ChaosReport::Expectation>(e);
            return std::optional<ChaosReport::Expectation>();
        };
        ChaosLoadReport slow = r;
        slow.throughputRecoveryMs.reset();
        run.load = slow;
        auto judged = loadExpectation(run);
        QVERIFY(judged && judged->passed);
        QVERIFY2(judged->decidedBy.contains(u"not back within 10 %"), qPrintable(judged->decidedBy));
        ChaosLoadReport dead = slow;
        dead.seconds.erase(std::remove_if(dead.seconds.begin(), dead.seconds.end(), [](const auto &s) { return s.atMs > 0; }),
                           dead.seconds.end());
        run.load = dead;
        judged = loadExpectation(run);
        QVERIFY(judged && !judged->passed);
    }

    void faultsRunOnlyOnLabsTheConsoleStarted()
    {
        QSet<QString> ids;
        for (const auto &f : faultCatalog()) {
            QVERIFY2(!ids.contains(f.id), qPrintable(f.id));
            ids.insert(f.id);
            QVERIFY(!f.what.isEmpty() && !f.undo.isEmpty());
        }
        const FaultInfo &crash = *faultById(QStringLiteral("crash-primary"));
        Profile staging;
        staging.kind = Profile::Kind::Staging;
        const auto onStaging = faultAvailability(crash, chaosEnvironmentFor(staging));
        QVERIFY(!onStaging.available);
        QVERIFY(onStaging.reason.contains(u"kind lab"));
        Profile fileLab;
        fileLab.kind = Profile::Kind::Lab;
        QVERIFY(faultAvailability(crash, chaosEnvironmentFor(fileLab)).reason.contains(u"names no lab"));
        const ChaosEnvironment native{true, QStringLiteral("/tmp/x"), QStringLiteral("native"), true, false, true};
        QVERIFY(faultAvailability(crash, native).available);
        const auto partition = faultAvailability(*faultById(QStringLiteral("partition-primary")), native);
        QVERIFY(!partition.available);
        QVERIFY(partition.reason.contains(u"Docker"));
        const ChaosEnvironment stopped{true, QStringLiteral("/tmp/x"), QStringLiteral("native"), false, false, true};
        QVERIFY(faultAvailability(crash, stopped).reason.contains(u"not running"));
        QVERIFY(!faultById(QStringLiteral("no-such-fault")));
    }
};

QTEST_GUILESS_MAIN(TestChaosLogic)
#include "tst_chaoslogic.moc"
