// The console pointed at a cluster it did not build, through a profile file as a user writes
// one: tests/othercluster/othercluster.sh starts Patroni, etcd, HAProxy, PgBouncer and
// Pgpool-II from the same Debian packages in other shapes than our lab (members alpha/bravo/
// charlie on 127.0.0.11-13 with identical ports, scope staging-ha in namespace /pgha-test/,
// HAProxy proxies primary/replicas or pg_primary/pg_replicas, only the first REST API in the
// profile, passwords in a libpq password file). Observation, the watchdog, `pgha status` and a
// switchover must tell that cluster's story, not our lab's. Built twice: tst_othercluster on
// this machine's packages, tst_othercluster17 on Debian 13's (Patroni 4.0.7, PostgreSQL 17 …)
// inside the Docker lab's image.
#include "clusterlayout.h"
#include "clustermodel.h"
#include "clusterobserver.h"
#include "consistencywatchdog.h"
#include "eventtimelinemodel.h"
#include "http/httpclient.h"
#include "patroni/patronipoller.h"
#include "profile/profile.h"
#include "topologymodel.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QTest>

using namespace pgha;

namespace {
constexpr int kStartTimeoutMs = 180000;
const QStringList kMembers{QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};

bool hasEvent(const models::EventTimelineModel *timeline, const QString &kind)
{
    for (const auto &e : timeline->events())
        if (e.kind == kind)
            return true;
    return false;
}
} // namespace

class TestOtherCluster : public QObject {
    Q_OBJECT

    QString m_script = QStringLiteral(PGHA_SOURCE_DIR "/tests/othercluster/othercluster.sh");
    QString m_dir;
    QString m_shape;
    bool m_up = false;   // the last startShape() succeeded

    // Runs the fixture script (the test may block: it is not the console's GUI thread).
    bool script(const QStringList &args, int timeoutMs, QString *output = nullptr)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("bash"), QStringList{m_script} + args);
        const bool finished = p.waitForFinished(timeoutMs);
        if (!finished)
            p.kill();
        const QString out = QString::fromLocal8Bit(p.readAll());
        if (output)
            *output = out;
        if (!finished || p.exitCode() != 0)
            qWarning().noquote() << "othercluster.sh" << args.join(u' ') << "failed:\n" << out;
        return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    bool startShape(const QString &shape)
    {
        if (!m_shape.isEmpty())
            script({QStringLiteral("stop"), m_dir, QStringLiteral("--purge")}, 60000);
        m_shape = shape;
        m_up = script({QStringLiteral("start"), shape, m_dir}, kStartTimeoutMs);
        return m_up;
    }

    svc::Profile profile()
    {
        auto p = svc::loadProfileFile(m_dir + QStringLiteral("/profile.yaml"));
        if (!p)
            qFatal("profile: %s", qPrintable(p.error().toString()));
        return p.value();
    }

    // `pgha ARGS --profile FILE`, with the fixture's password file as libpq's.
    QString pgha(const QStringList &args, int *exitCode, int timeoutMs = 60000, const QString &passFile = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSFILE"), passFile.isEmpty() ? m_dir + QStringLiteral("/pgpass") : passFile);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PGHA_CLI), args + QStringList{QStringLiteral("--profile"), m_dir + QStringLiteral("/profile.yaml")});
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return QString::fromUtf8(p.readAllStandardOutput()) + QString::fromUtf8(p.readAllStandardError());
    }

    static QString viewsText(const models::ClusterObserver &observer)
    {
        QStringList parts;
        const auto views = observer.watchdog()->views();
        for (auto it = views.cbegin(); it != views.cend(); ++it)
            parts.append(it.key() + QStringLiteral(": ") + it.value());
        return parts.join(QStringLiteral(", "));
    }
    // Watches until every source has spoken and the voices settled.
    void waitSettled(models::ClusterObserver &observer, int voices)
    {
        QTRY_COMPARE_WITH_TIMEOUT(observer.cluster()->leaderCount(), 1, 15000);
        // Discovery from the one REST URL in the profile: all three members' APIs, each
        // report keyed by its member (by api_url), not by the profile's "127.0.0.11:8008".
        QTRY_COMPARE_WITH_TIMEOUT(observer.patroni()->endpoints().size(), 3, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(observer.patroniNodes().size(), 3, 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(observer.watchdog()->views().size() == voices, qPrintable(viewsText(observer)), 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(!observer.watchdog()->inDisagreement(), qPrintable(viewsText(observer)), 20000);
    }
    static QString leaderOf(const models::ClusterObserver &observer)
    {
        const auto *l = observer.cluster()->snapshot().leader();
        return l ? l->name : QString();
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(m_script))
            QFAIL(qPrintable(QStringLiteral("no fixture script at %1").arg(m_script)));
#ifdef PGHA_OTHERCLUSTER_IMAGE
        // Debian 13's stack, from the Docker lab's image (tst_dockerstack17 builds it).
        QProcess inspect;
        inspect.start(QStringLiteral("docker"), {QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral(PGHA_OTHERCLUSTER_IMAGE)});
        if (!inspect.waitForFinished(30000) || inspect.exitStatus() != QProcess::NormalExit || inspect.exitCode() != 0) {
            const QString why = QStringLiteral("the image %1 is not here (tst_dockerstack17 builds it; no Docker engine, or it did "
                                               "not run): the Debian 13 shapes cannot start")
                                        .arg(QLatin1String(PGHA_OTHERCLUSTER_IMAGE));
            qWarning().noquote() << "SKIPPED, not passed:" << why;
            QSKIP(qPrintable(why));
        }
        qputenv("PGHA_OTHERCLUSTER_IMAGE", PGHA_OTHERCLUSTER_IMAGE);
        qInfo().noquote() << "shapes from the image" << PGHA_OTHERCLUSTER_IMAGE;
#endif
        m_dir = QDir::tempPath() + QStringLiteral("/pgha-othercluster-%1").arg(QCoreApplication::applicationPid());
        qputenv("PGPASSFILE", (m_dir + QStringLiteral("/pgpass")).toLocal8Bit());
    }

    void cleanupTestCase()
    {
        if (!m_shape.isEmpty())
            QVERIFY(script({QStringLiteral("stop"), m_dir, QStringLiteral("--purge")}, 60000));
        // Skipped in initTestCase (no image, e.g. no Docker engine): no folder was ever named,
        // and QDir("") would be the working directory.
        if (!m_dir.isEmpty())
            QVERIFY(!QDir(m_dir).exists());
    }

    // A PgBouncer per node behind HAProxy proxies named primary/replicas, HAProxy without
    // `stats show-legends` (so no server address in its CSV), Patroni on etcd v3.
    void bouncerShape()
    {
        QVERIFY(startShape(QStringLiteral("bouncer")));
        svc::HttpClient http;
        models::ClusterObserver observer(&http);
        observer.setIntervalMs(500);
        observer.setProfile(profile());
        observer.start();
        // Patroni, /primary, PostgreSQL, DCS (v3) speak; HAProxy and PgBouncer cannot map
        // node_a… to members without addresses and abstain instead of disagreeing.
        waitSettled(observer, 4);
        if (QTest::currentTestFailed())
            return;
        const QString leader = leaderOf(observer);
        QVERIFY(kMembers.contains(leader));
        const auto views = observer.watchdog()->views();
        for (const QString &voice : {models::ConsistencyWatchdog::kPatroni, models::ConsistencyWatchdog::kPatroniPrimary,
                                     models::ConsistencyWatchdog::kPostgres, models::ConsistencyWatchdog::kDcs})
            QCOMPARE(views.value(voice), leader);
        for (const auto &n : observer.patroniNodes())
            QVERIFY2(kMembers.contains(n.member), qPrintable(n.name + QStringLiteral(" → ") + n.member));
        // The members found by discovery are scraped too: three Patroni and three etcd /metrics.
        QTRY_COMPARE_WITH_TIMEOUT(observer.metricsEndpointCount(), 6, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(observer.metrics().size(), 6, 15000);
        // PgBouncer's admin console with the password from the libpq password file.
        QTRY_COMPARE_WITH_TIMEOUT(observer.pgbouncers().size(), 3, 10000);

        const auto &layout = observer.layout();
        QCOMPARE(layout.haproxy.readWrite.proxy, QStringLiteral("primary"));
        QCOMPARE(layout.haproxy.readOnly.proxy, QStringLiteral("replicas"));
        QVERIFY2(layout.haproxy.notes.join(u'\n').contains(u"show-legends"), qPrintable(layout.haproxy.notes.join(u'\n')));
        QCOMPARE(layout.postgresMembers.value(QStringLiteral("127.0.0.12:5432")), QStringLiteral("bravo"));

        // The topology draws the write proxy with its UP server, never "no server UP".
        models::TopologyModel topology;
        topology.setCluster(observer.cluster()->snapshot());
        topology.setHaproxy(observer.haproxy());
        topology.setPgBouncers(observer.pgbouncers());
        topology.setPatroniNodes(observer.patroniNodes());
        topology.setMetrics(observer.metrics());
        topology.setLayout(layout);
        const auto t = topology.topology();
        QCOMPARE(t.node(QStringLiteral("haproxy:rw"))->state, models::TopologyNodeSpec::State::Normal);
        // node_a, node_b, node_c stand before alpha, bravo, charlie (which HAProxy cannot tell).
        QCOMPARE(t.node(QStringLiteral("haproxy:rw"))->subtitle, QStringLiteral("→ node_") + leader.left(1));
        // Each member's pooler found by what it forwards to; each member's /metrics in its details.
        for (const auto &m : kMembers) {
            QCOMPARE(t.node(QStringLiteral("pgbouncer:") + m)->state, models::TopologyNodeSpec::State::Normal);
            const auto &details = t.node(QStringLiteral("member:") + m)->details;
            QVERIFY2(std::any_of(details.cbegin(), details.cend(), [](const auto &r) { return r.first.contains(u" Patroni: "); }),
                     qPrintable(m));
        }

        // `pgha status` tells the same story, within its deadline.
        int code = -1;
        const QString status = pgha({QStringLiteral("status")}, &code);
        QCOMPARE(code, 0);
        QVERIFY2(status.contains(QStringLiteral("primary [read-write")), qPrintable(status));
        QVERIFY2(!status.contains(u"DISAGREE"), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("%1 (127.0.0.1").arg(leader)), qPrintable(status));

        // Without a password anywhere, the refused logins say where one goes.
        const QString noPass = pgha({QStringLiteral("status"), QStringLiteral("--json")}, &code, 60000, m_dir + QStringLiteral("/none"));
        QVERIFY2(noPass.contains(u"no password supplied") && noPass.contains(u"PGPASSFILE") && noPass.contains(u"/pgbouncer"),
                 qPrintable(noPass.left(3000)));

        // A switchover through the profile: the model follows and every voice agrees again.
        QString candidate;
        for (const auto &m : kMembers)
            if (m != leader)
                candidate = m;
        const QString out = pgha({QStringLiteral("switchover"), QStringLiteral("--yes"), QStringLiteral("--candidate"), candidate,
                                  QStringLiteral("--no-probe")},
                                 &code, 90000);
        QVERIFY2(code == 0, qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(leaderOf(observer), candidate, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(observer.watchdog()->views().value(models::ConsistencyWatchdog::kPostgres), candidate, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!observer.watchdog()->inDisagreement(), 30000);
        QCOMPARE(observer.layout().haproxy.readWrite.proxy, QStringLiteral("primary"));
        QVERIFY(!hasEvent(observer.timeline(), QStringLiteral("unmapped")) || !observer.layout().haproxy.notes.isEmpty());
        observer.stop();
    }

    // A fault the user injects into their own cluster (here with the fixture's crash/revive, as
    // `docker kill`/`docker start` would on a Compose lab), measured through the profile:
    // members from /cluster, HAProxy's write proxy found without a name or an address, the
    // client-side RTO, the phases, the RPO read back and the rejoin — and a command that fails
    // ends the run with its reason, leaving the cluster as it was.
    void yourFaultOnYourCluster()
    {
        if (m_shape != u"bouncer" || !m_up)
            QVERIFY(startShape(QStringLiteral("bouncer")));
        const QString report = m_dir + QStringLiteral("/chaos-report.json");
        const QString store = m_dir + QStringLiteral("/chaos-runs.jsonl");
        const QString fixture = QStringLiteral("bash %1 %2 %3 \"$PGHA_TARGET\"");
        int code = -1;
        const QString out = pgha({QStringLiteral("chaos"), QStringLiteral("external-primary"), QStringLiteral("--inject"),
                                  fixture.arg(m_script, QStringLiteral("crash"), m_dir), QStringLiteral("--undo"),
                                  fixture.arg(m_script, QStringLiteral("revive"), m_dir), QStringLiteral("--report"), report,
                                  QStringLiteral("--store"), store},
                                 &code, 240000);
        QVERIFY2(code == 0, qPrintable(out.right(6000)));
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject run = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("runs")).toArray().at(0).toObject();
        QCOMPARE(run.value(QStringLiteral("verdict")).toString(), QStringLiteral("PASS"));
        QCOMPARE(run.value(QStringLiteral("lab")).toObject().value(QStringLiteral("flavor")).toString(), QStringLiteral("profile"));
        const QString oldLeader = run.value(QStringLiteral("old_leader")).toString();
        const QString newLeader = run.value(QStringLiteral("new_leader")).toString();
        QVERIFY2(kMembers.contains(oldLeader) && kMembers.contains(newLeader) && oldLeader != newLeader,
                 qPrintable(oldLeader + QStringLiteral(" → ") + newLeader));
        QVERIFY(run.value(QStringLiteral("rto_ms")).toDouble() > 0);
        // Every phase seen on this cluster: its etcd key, its /primary, and HAProxy's node_a…
        // servers named after members (the leader's by the one UP server, the new one by /primary).
        const QStringList phases{QStringLiteral("haproxy_old_down"), QStringLiteral("leader_key_gone"), QStringLiteral("new_leader_key"),
                                 QStringLiteral("new_primary_200"), QStringLiteral("haproxy_new_up")};
        for (const QString &key : phases) {
            bool seen = false;
            for (const auto &v : run.value(QStringLiteral("phases")).toArray())
                seen |= v.toObject().value(QStringLiteral("key")).toString() == key && v.toObject().value(QStringLiteral("at_ms")).isDouble();
            QVERIFY2(seen, qPrintable(key + QStringLiteral(" not seen:\n") + out.right(4000)));
        }
        QVERIFY(run.value(QStringLiteral("rpo")).toObject().value(QStringLiteral("checked")).toBool());
        QCOMPARE(run.value(QStringLiteral("rejoin")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("streaming"));
        // The command got the leader's name in PGHA_TARGET, and what it said is in the timeline.
        QVERIFY2(out.contains(QStringLiteral("killed patroni-") + oldLeader), qPrintable(out.right(4000)));

        // A command that fails: the run ends in ERROR naming it; nothing was hit, the cluster is whole.
        const QString failed = pgha({QStringLiteral("chaos"), QStringLiteral("external-replica"), QStringLiteral("--inject"),
                                     QStringLiteral("echo cannot reach the host >&2; exit 7"), QStringLiteral("--store"), store},
                                    &code, 120000);
        QCOMPARE(code, 1);
        QVERIFY2(failed.contains(u"the inject command failed") && failed.contains(u"exited with status 7")
                         && failed.contains(u"cannot reach the host"),
                 qPrintable(failed.right(4000)));
        // On a production profile the console runs no fault, and says why.
        QString yaml;
        {
            QFile pf(m_dir + QStringLiteral("/profile.yaml"));
            QVERIFY(pf.open(QIODevice::ReadOnly));
            yaml = QString::fromUtf8(pf.readAll());
        }
        yaml.replace(QStringLiteral("kind: staging"), QStringLiteral("kind: production"));
        QFile prod(m_dir + QStringLiteral("/production.yaml"));
        QVERIFY(prod.open(QIODevice::WriteOnly));
        prod.write(yaml.toUtf8());
        prod.close();
        QProcess p;
        p.start(QStringLiteral(PGHA_CLI), {QStringLiteral("chaos"), QStringLiteral("external-primary"), QStringLiteral("--profile"),
                                           prod.fileName(), QStringLiteral("--inject"), QStringLiteral("true")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(QString::fromUtf8(p.readAllStandardError()).contains(u"production"), "no reason given");
        // And the cluster is whole: three members, one leader, both replicas streaming.
        QString status;
        QVERIFY(script({QStringLiteral("status"), m_dir}, 30000, &status));
    }

    // The public labs' shape: HAProxy pg_primary/pg_replicas straight to PostgreSQL (with
    // addresses in its CSV), PgBouncers beside, Patroni on etcd v2 with no timings in the DCS.
    void directShape()
    {
        QVERIFY(startShape(QStringLiteral("direct")));
        svc::HttpClient http;
        models::ClusterObserver observer(&http);
        observer.setIntervalMs(500);
        observer.setProfile(profile());
        observer.start();
        // Patroni, /primary, PostgreSQL, HAProxy (mapped by address) and the DCS — the leader
        // key read from etcd's v2 keyspace, since the v3 range is empty — speak.
        waitSettled(observer, 5);
        if (QTest::currentTestFailed())
            return;
        const QString leader = leaderOf(observer);
        const auto views = observer.watchdog()->views();
        QCOMPARE(views.value(models::ConsistencyWatchdog::kHaproxy), leader);
        QCOMPARE(views.value(models::ConsistencyWatchdog::kPostgres), leader);
        QCOMPARE(views.value(models::ConsistencyWatchdog::kDcs), leader);
        QCOMPARE(observer.etcd().keyspace, QStringLiteral("v2"));
        // Only alpha's REST URL is in the profile: the others were found, and are said so.
        const QString found = observer.discoveredSummary().join(u'\n');
        QVERIFY2(found.contains(u"Patroni REST APIs of") && found.contains(u"bravo") && found.contains(u"charlie")
                         && !found.contains(u"alpha ("),
                 qPrintable(found));
        QVERIFY(hasEvent(observer.timeline(), QStringLiteral("etcd-keyspace")));
        const auto &layout = observer.layout();
        QCOMPARE(layout.haproxy.readWrite.proxy, QStringLiteral("pg_primary"));
        QCOMPARE(layout.haproxy.readWrite.how, models::HaproxyRoles::How::Routing);
        QCOMPARE(layout.haproxy.readOnly.proxy, QStringLiteral("pg_replicas"));
        QCOMPARE(layout.serverMembers.value(QStringLiteral("pg_primary/pg-1")), QStringLiteral("alpha"));
        // No timings in the DCS: Patroni's defaults, said as such.
        QTRY_VERIFY_WITH_TIMEOUT(!observer.dynamicConfig().raw.isEmpty(), 15000);
        QVERIFY(!observer.dynamicConfig().setsAnyTiming());
        QCOMPARE(observer.dynamicConfig().effectiveTtl(), 30);
        QVERIFY(observer.dynamicConfig().describeTimings().startsWith(u"Patroni defaults (not set in the DCS)"));
        int code = -1;
        const QString status = pgha({QStringLiteral("status")}, &code);
        QCOMPARE(code, 0);
        QVERIFY2(status.contains(QStringLiteral("pg_primary [read-write, by what it routes to] → pg-")), qPrintable(status));
        QVERIFY2(status.contains(u"Patroni defaults (not set in the DCS): ttl 30 s"), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("Patroni scopes: staging-ha (leader key: %1, ttl ").arg(leader)), qPrintable(status));
        QVERIFY2(status.contains(u"in the v2 keyspace"), qPrintable(status));
        // The PgBouncers are beside the path (HAProxy goes to PostgreSQL itself) and each spreads
        // its database over every node: drawn so, and said in words.
        QTRY_COMPARE_WITH_TIMEOUT(observer.pgbouncers().size(), 3, 10000);
        for (const auto &p : observer.layout().poolers) {
            QVERIFY2(!p.inClientPath, qPrintable(p.name));
            QCOMPARE(p.targets, kMembers);
            QVERIFY(p.spreadsOverRoles);
        }
        QVERIFY(hasEvent(observer.timeline(), QStringLiteral("unmapped")));
        QVERIFY2(status.contains(u"sends writes to replicas"), qPrintable(status));
        models::TopologyModel topology;
        topology.setCluster(observer.cluster()->snapshot());
        topology.setHaproxy(observer.haproxy());
        topology.setPgBouncers(observer.pgbouncers());
        topology.setLayout(observer.layout());
        const auto t = topology.topology();
        for (const auto &e : t.edgesOf(models::TopologyEdgeSpec::Kind::Route))
            QVERIFY2(e.to.startsWith(u"member:"), qPrintable(e.to));
        QCOMPARE(t.edgesOf(models::TopologyEdgeSpec::Kind::Pool).size(), 9);
        observer.stop();

        // Your fault on a replica here: the leader key followed in etcd's v2 keyspace, HAProxy's
        // servers named by their addresses, writes going on, the replica streaming again.
        const QString fixture = QStringLiteral("bash %1 %2 %3 \"$PGHA_TARGET\"");
        const QString report = m_dir + QStringLiteral("/replica-report.json");
        const QString out = pgha({QStringLiteral("chaos"), QStringLiteral("external-replica"), QStringLiteral("--inject"),
                                  fixture.arg(m_script, QStringLiteral("crash"), m_dir), QStringLiteral("--undo"),
                                  fixture.arg(m_script, QStringLiteral("revive"), m_dir), QStringLiteral("--report"), report,
                                  QStringLiteral("--store"), m_dir + QStringLiteral("/chaos-runs.jsonl")},
                                 &code, 180000);
        QVERIFY2(code == 0, qPrintable(out.right(6000)));
        QVERIFY2(out.contains(u"in etcd's v2 keyspace") && out.contains(QStringLiteral("leader key held by %1").arg(leader)),
                 qPrintable(out.right(4000)));
        QVERIFY2(out.contains(u"pg-1 = alpha, pg-2 = bravo, pg-3 = charlie"), qPrintable(out.right(4000)));
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject run = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("runs")).toArray().at(0).toObject();
        QCOMPARE(run.value(QStringLiteral("verdict")).toString(), QStringLiteral("PASS"));
        QVERIFY(run.value(QStringLiteral("target")).toString() != leader);
        QCOMPARE(run.value(QStringLiteral("new_leader")).toString(), leader);
    }

    // Pgpool-II in front, nothing else: its backends named through /cluster.
    void pgpoolShape()
    {
        QVERIFY(startShape(QStringLiteral("pgpool")));
        svc::HttpClient http;
        models::ClusterObserver observer(&http);
        observer.setIntervalMs(500);
        observer.setProfile(profile());
        observer.start();
        waitSettled(observer, 5);
        if (QTest::currentTestFailed())
            return;
        const QString leader = leaderOf(observer);
        QCOMPARE(observer.watchdog()->views().value(models::ConsistencyWatchdog::kPgpool), leader);
        models::TopologyModel topology;
        topology.setCluster(observer.cluster()->snapshot());
        topology.setPgpools(observer.pgpools());
        topology.setLayout(observer.layout());
        const auto t = topology.topology();
        QCOMPARE(t.node(QStringLiteral("pgpool:127.0.0.40:9999"))->subtitle, QStringLiteral("writes → %1").arg(leader));
        QCOMPARE(t.edgesOf(models::TopologyEdgeSpec::Kind::PgpoolBackend).size(), 3);
        observer.stop();

        // A profile naming another scope than the cluster's: every REST API is left out, with a
        // warning that names both scopes, instead of showing this cluster as that one.
        svc::Profile wrong = profile();
        wrong.scope = QStringLiteral("not-this-one");
        models::ClusterObserver other(&http);
        other.setIntervalMs(500);
        other.setProfile(wrong);
        other.start();
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(other.timeline(), QStringLiteral("foreign-scope")), 10000);
        QTest::qWait(1500);
        QCOMPARE(other.cluster()->rowCount(), 0);
        bool named = false;
        for (const auto &e : other.timeline()->events())
            named |= e.kind == u"foreign-scope" && e.text.contains(u"\"staging-ha\", not \"not-this-one\"");
        QVERIFY(named);
        other.stop();

        // One Patroni URL and nothing else: PostgreSQL is found at the addresses /cluster gives,
        // and votes as the members.
        svc::Profile bare = profile();
        bare.postgres.clear();
        bare.pgpools.clear();
        bare.etcd.clear();
        models::ClusterObserver discovering(&http);
        discovering.setIntervalMs(500);
        discovering.setProfile(bare);
        discovering.start();
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(discovering.timeline(), QStringLiteral("postgres-discovered")), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(discovering.postgres().size(), 3, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(discovering.watchdog()->views().value(models::ConsistencyWatchdog::kPostgres), leaderOf(discovering), 15000);
        QCOMPARE(discovering.layout().postgresMembers.value(QStringLiteral("alpha")), QStringLiteral("alpha"));
        discovering.stop();
    }
};

QTEST_GUILESS_MAIN(TestOtherCluster)
#include "tst_othercluster.moc"
