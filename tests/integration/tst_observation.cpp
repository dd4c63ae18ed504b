// Observation of the shared lab through every source, in-process: a switchover made with
// patronictl reaches the model within two poll intervals; stopping a node yields HAProxy DOWN,
// an unreachable source and member-left events. Runs after the GUI test: it stops pg3.
#include "labtestutil.h"

#include "clustermodel.h"
#include "clusterobserver.h"
#include "consistencywatchdog.h"
#include "eventtimelinemodel.h"
#include "http/httpclient.h"
#include "lab/labprofile.h"
#include "lab/labstate.h"
#include "patroni/patronipoller.h"
#include "profile/profile.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace pgha;

class TestObservation : public QObject {
    Q_OBJECT

    static constexpr int kIntervalMs = 500;
    svc::HttpClient m_http;

    static bool hasEvent(const models::EventTimelineModel *t, const QString &kind, const QString &subject)
    {
        for (const auto &e : t->events())
            if (e.kind == kind && e.subject == subject)
                return true;
        return false;
    }

private slots:
    void initTestCase()
    {
        labtest::useTestLabDir();
        if (svc::NativeLab::inspect(svc::LabConfig::defaultLabDir()).status != svc::NativeLab::Status::Running)
            QFAIL("the shared test lab is not running: run this through ctest (fixture \"lab\")");
    }

    // Every source of the lab answers and agrees: the members' role checks, the dynamic
    // configuration, /metrics from Patroni, etcd and the exporters, PgBouncer's and Pgpool's
    // targets — and every watchdog voice names the same primary.
    void everySourceSpeaks()
    {
        const auto state = svc::LabState::load(svc::LabConfig::defaultLabDir()).value();
        models::ClusterObserver observer(&m_http);
        const svc::Profile watched = svc::resolveProfile(QStringLiteral("lab"), svc::LabConfig::defaultLabDir()).value();
        observer.setProfile(watched);
        observer.setPasswords(svc::labPasswords(watched));
        observer.setIntervalMs(kIntervalMs);
        observer.start();
        QTRY_COMPARE_WITH_TIMEOUT(observer.cluster()->leaderCount(), 1, 10000);
        const QString leader = observer.cluster()->snapshot().leader()->name;

        QTRY_COMPARE_WITH_TIMEOUT(observer.patroniNodes().size(), 3, 5000);
        for (const auto &n : observer.patroniNodes()) {
            QCOMPARE(n.primaryCode, n.name == leader ? 200 : 503);
            QCOMPARE(n.replicaCode, n.name == leader ? 503 : 200);
            QCOMPARE(n.healthCode, 200);
            QVERIFY2(n.status && n.status->patroniVersion.size() > 0, qPrintable(n.error));
        }
        QTRY_VERIFY_WITH_TIMEOUT(observer.dynamicConfig().ttl.has_value(), 15000);
        QCOMPARE(*observer.dynamicConfig().ttl, state.config.timings.ttl);
        QCOMPARE(*observer.dynamicConfig().loopWait, state.config.timings.loopWait);

        // Patroni ×3, etcd ×3 and postgres_exporter ×3 at /metrics.
        QTRY_COMPARE_WITH_TIMEOUT(observer.metrics().size(), 9, 15000);
        int patroni = 0, etcd = 0, exporters = 0;
        for (const auto &d : observer.metrics()) {
            patroni += d.origin == svc::MetricsDigest::Origin::Patroni;
            etcd += d.origin == svc::MetricsDigest::Origin::Etcd;
            if (d.origin == svc::MetricsDigest::Origin::PostgresExporter) {
                ++exporters;
                QCOMPARE(d.value(QStringLiteral("pg_up")).value_or(0), 1.0);
            }
        }
        QCOMPARE(patroni, 3);
        QCOMPARE(etcd, 3);
        QCOMPARE(exporters, 3);
        QCOMPARE(observer.metrics().value(leader + QStringLiteral(" Patroni")).value(QStringLiteral("primary")).value_or(0), 1.0);

        // PgBouncer: the four admin commands on one connection; each points at its own node.
        QTRY_COMPARE_WITH_TIMEOUT(observer.pgbouncers().size(), 3, 5000);
        for (const auto &b : observer.pgbouncers())
            QCOMPARE(b.target(), QStringLiteral("127.0.0.1:%1").arg(state.config.ports.postgres[b.name.right(1).toInt() - 1]));
        // Pgpool-II attached every backend and writes to the leader.
        QTRY_VERIFY_WITH_TIMEOUT(!observer.pgpools().isEmpty(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(observer.pgpools().first().primaries().size(), 1, 10000);

        // Every voice: DCS, /cluster, /primary, HAProxy, PgBouncer, Pgpool, PostgreSQL.
        QTRY_COMPARE_WITH_TIMEOUT(observer.watchdog()->views().size(), 7, 10000);
        const auto views = observer.watchdog()->views();
        for (auto it = views.cbegin(); it != views.cend(); ++it)
            QVERIFY2(it.value() == leader, qPrintable(it.key() + QStringLiteral(" says ") + it.value()));
        QVERIFY(!observer.watchdog()->inDisagreement());
    }

    // One Patroni URL is enough: the other members are found through /cluster's api_url.
    void discoveryFromOneUrl()
    {
        auto profile = svc::resolveProfile(QStringLiteral("lab"), svc::LabConfig::defaultLabDir()).value();
        profile.patroni = {profile.patroni.at(1)};
        profile.etcd.clear();
        profile.postgres.clear();
        profile.pgbouncers.clear();
        profile.pgpools.clear();
        profile.metrics.clear();
        profile.haproxyStats = {};
        models::ClusterObserver observer(&m_http);
        observer.setProfile(profile);
        observer.setPasswords(svc::labPasswords(profile));
        observer.setIntervalMs(kIntervalMs);
        observer.start();
        QTRY_COMPARE_WITH_TIMEOUT(observer.patroni()->endpoints().size(), 3, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(observer.patroniNodes().size(), 3, 5000);
        int discovered = 0;
        for (const auto &e : observer.timeline()->events())
            discovered += e.kind == u"member-discovered";
        QCOMPARE(discovered, 2);
        // Discovered members' /metrics are scraped too, from the metrics round after the
        // discovery (a round in flight is never cut short by a new endpoint list).
        QTRY_COMPARE_WITH_TIMEOUT(observer.metricsEndpointCount(), 3, 15000);
    }

    void switchoverWithPatronictlReachesTheModel()
    {
        const QString patronictl = QStandardPaths::findExecutable(QStringLiteral("patronictl"));
        if (patronictl.isEmpty())
            QSKIP("patronictl is not installed (Debian package patroni)");
        const auto state = svc::LabState::load(svc::LabConfig::defaultLabDir()).value();
        models::ClusterObserver observer(&m_http);
        const svc::Profile watched = svc::resolveProfile(QStringLiteral("lab"), svc::LabConfig::defaultLabDir()).value();
        observer.setProfile(watched);
        observer.setPasswords(svc::labPasswords(watched));
        observer.setIntervalMs(kIntervalMs);
        observer.start();
        QTRY_COMPARE_WITH_TIMEOUT(observer.cluster()->leaderCount(), 1, 10000);
        const QString before = observer.cluster()->snapshot().leader()->name;
        QString candidate;
        for (const auto &m : observer.cluster()->snapshot().members)
            if (m.name != before && candidate.isEmpty())
                candidate = m.name;

        // patronictl talks to etcd itself, through its own configuration.
        QTemporaryDir dir;
        QFile cfg(dir.filePath(QStringLiteral("patronictl.yml")));
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write(QStringLiteral("scope: %1\nnamespace: /service/\netcd3:\n  hosts: 127.0.0.1:%2,127.0.0.1:%3,127.0.0.1:%4\n")
                          .arg(state.config.scope).arg(state.config.ports.etcdClient[0]).arg(state.config.ports.etcdClient[1])
                          .arg(state.config.ports.etcdClient[2]).toUtf8());
        cfg.close();
        QProcess ctl;
        ctl.start(patronictl, {QStringLiteral("-c"), cfg.fileName(), QStringLiteral("switchover"), QStringLiteral("--leader"),
                               before, QStringLiteral("--candidate"), candidate, QStringLiteral("--force")});
        QVERIFY(ctl.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(ctl.state() == QProcess::NotRunning, 60000);   // the event loop runs meanwhile
        QVERIFY2(ctl.exitCode() == 0, ctl.readAllStandardError().constData());
        QVERIFY2(ctl.readAllStandardOutput().contains("Successfully switched over"), "patronictl did not report success");

        // patronictl returns once Patroni completed the switchover: the model must follow
        // within two poll intervals.
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(observer.cluster()->snapshot().leader()
                                         && observer.cluster()->snapshot().leader()->name == candidate,
                                 2 * kIntervalMs + 500);
        qInfo("switchover %s → %s reached the model %lld ms after patronictl returned (poll interval %d ms)",
              qPrintable(before), qPrintable(candidate), static_cast<long long>(clock.elapsed()), kIntervalMs);
        QVERIFY(hasEvent(observer.timeline(), QStringLiteral("leader-changed"), candidate));
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("server-up"), QStringLiteral("read_write/") + candidate), 10000);
        // The new leader is often first reported on the old timeline (promotion still running,
        // as in the recorded failover fixtures); the timeline event follows a poll later.
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("timeline-changed"), candidate), 5000);
        // The sources cannot all move at once: the watchdog saw a window and saw it close.
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("disagreement-ended"), candidate), 10000);
        // Pgpool-II follows Patroni: it finds the new primary itself (it never promotes).
        QTRY_COMPARE_WITH_TIMEOUT(observer.watchdog()->views().value(models::ConsistencyWatchdog::kPgpool), candidate, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("role-check"), candidate), 5000);
        QVERIFY(observer.watchdog()->windows() >= 1);
        for (const auto &e : observer.timeline()->events())
            if (e.source == u"watchdog")
                qInfo("watchdog: %s", qPrintable(e.text));
    }

    void stoppingANodeYieldsDownAndLeftEvents()
    {
        const QString labDir = svc::LabConfig::defaultLabDir();
        auto state = svc::LabState::load(labDir).value();
        models::ClusterObserver observer(&m_http);
        const svc::Profile watched = svc::resolveProfile(QStringLiteral("lab"), labDir).value();
        observer.setProfile(watched);
        observer.setPasswords(svc::labPasswords(watched));
        observer.setIntervalMs(kIntervalMs);
        observer.start();
        QTRY_COMPARE_WITH_TIMEOUT(observer.cluster()->rowCount(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!observer.haproxy().rows.isEmpty(), 5000);
        // A replica, so the leader keeps serving the suites that follow.
        QString victim;
        for (const auto &m : observer.cluster()->snapshot().members)
            if (!m.isLeader())
                victim = m.name;
        // Right after the previous test's switchover the old leader may still be DOWN for reads:
        // wait until HAProxy sends reads to the victim, so stopping it is an UP → DOWN change.
        QTRY_VERIFY_WITH_TIMEOUT(observer.haproxy().find(QStringLiteral("read_only"), victim)
                                         && observer.haproxy().find(QStringLiteral("read_only"), victim)->isUp(),
                                 20000);
        const auto *proc = state.process(victim);
        QVERIFY(proc);
        QVERIFY(svc::proc::terminateGroup(proc->pid, proc->pgid));   // graceful: Patroni stops PostgreSQL

        const auto ttl = state.config.timings.ttl;
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("server-down"), QStringLiteral("read_only/") + victim), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("source-unreachable"), victim + QStringLiteral(" REST")), 15000);
        // Its member key expires after at most ttl: then it leaves /cluster.
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(observer.timeline(), QStringLiteral("member-left"), victim), (ttl + 10) * 1000);
        QCOMPARE(observer.cluster()->rowCount(), 2);
        for (const auto &e : observer.timeline()->events())
            qInfo("%s %-8s %-20s %s", qPrintable(QDateTime::fromMSecsSinceEpoch(e.atMs).toString(u"hh:mm:ss.zzz")),
                  qPrintable(models::ClusterEvent::severityName(e.severity)), qPrintable(e.source), qPrintable(e.text));

        // Exports of the same timeline.
        QTemporaryDir dir;
        QVERIFY(observer.timeline()->exportTo(dir.filePath(QStringLiteral("t.csv"))).ok());
        QVERIFY(observer.timeline()->exportTo(dir.filePath(QStringLiteral("t.jsonl"))).ok());
        QFile jsonl(dir.filePath(QStringLiteral("t.jsonl")));
        QVERIFY(jsonl.open(QIODevice::ReadOnly));
        QCOMPARE(jsonl.readAll().count('\n'), observer.timeline()->rowCount());
    }
};

QTEST_GUILESS_MAIN(TestObservation)
#include "tst_observation.moc"
