// The Debian 13 stack the public HA labs run (Patroni 4.0.7, PostgreSQL 17, etcd 3.5.16,
// HAProxy 3.0, PgBouncer 1.24), read through the same parsers and models as everything else,
// from payloads recorded on the Docker lab built on Debian 13 (tests/fixtures/trixie: how each
// was captured is in tests/fixtures/README.md; capture.sh records them again).
#include "clusterevent.h"
#include "clusterlayout.h"
#include "fixture.h"
#include "topologymodel.h"

#include "actions/preflight.h"
#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"
#include "metrics/prometheustext.h"
#include "patroni/patroniparser.h"
#include "pg/pgbouncerobservation.h"

#include <QJsonObject>
#include <QTest>

using namespace pgha;
using namespace pgha::svc;
using Node = models::TopologyNodeSpec;
using models::TopologyModel;

class TestPatroni4 : public QObject {
    Q_OBJECT

    static QByteArray bytes(const QString &name) { return readFixture(QStringLiteral("trixie/") + name); }
    static ClusterSnapshot cluster(const QString &name, qint64 at = 1000)
    {
        const auto parsed = parsePatroniCluster(bytes(name));
        if (!parsed)
            qFatal("%s: %s", qPrintable(name), qPrintable(parsed.error().toString()));
        auto s = parsed.value();
        s.fetchedAtMs = at;
        return s;
    }
    static const PatroniMember *member(const ClusterSnapshot &c, const char *name)
    {
        for (const auto &m : c.members)
            if (m.name == QLatin1String(name))
                return &m;
        return nullptr;
    }
    static QStringList kinds(const QList<models::ClusterEvent> &events)
    {
        QStringList out;
        for (const auto &e : events)
            out.append(e.kind + QLatin1Char(':') + e.subject);
        return out;
    }
    static constexpr qint64 kLag = 16 * 1024 * 1024;

private slots:
    // Patroni 4 says "primary" where 3.0.2 said "master" (in /patroni), "streaming" for replicas
    // (3.0.2: "running"), and names its version; the console maps both to one leader role.
    void statusAndClusterAtRest()
    {
        const auto leader = parsePatroniStatus(bytes(QStringLiteral("patroni-leader.json")));
        QVERIFY(leader.ok());
        QCOMPARE(leader.value().rawRole, QStringLiteral("primary"));
        QCOMPARE(leader.value().role, MemberRole::Leader);
        QCOMPARE(leader.value().patroniVersion, QStringLiteral("4.0.7"));
        QCOMPARE(leader.value().serverVersion / 10000, 17);
        QCOMPARE(leader.value().replication.size(), 2);
        QCOMPARE(leader.value().replication[0].syncState, QStringLiteral("async"));
        const auto replica = parsePatroniStatus(bytes(QStringLiteral("patroni-replica.json")));
        QVERIFY(replica.ok());
        QCOMPARE(replica.value().role, MemberRole::Replica);
        QVERIFY(replica.value().replayedLocation.has_value());

        const auto c = cluster(QStringLiteral("cluster-normal.json"));
        QCOMPARE(c.members.size(), 3);
        QCOMPARE(c.leader()->name, QStringLiteral("pg2"));
        QCOMPARE(member(c, "pg1")->state, QStringLiteral("streaming"));
        QVERIFY(member(c, "pg1")->isRunning());
        QCOMPARE(member(c, "pg1")->lag.kind, MemberLag::Kind::Bytes);
        QCOMPARE(member(c, "pg1")->apiUrl, QStringLiteral("http://pg1:8008/patroni"));
    }

    // ttl 10 was asked (the demo-fast preset); Patroni 4 raised it to its minimum, 20, and the
    // DCS says so: budgets must come from /config, not from what the lab asked.
    void configIsWhatPatroniKept()
    {
        const auto c = parsePatroniConfig(bytes(QStringLiteral("config.json")));
        QVERIFY(c.ok());
        QCOMPARE(c.value().effectiveTtl(), 20);
        QCOMPARE(c.value().effectiveLoopWait(), 2);
        QCOMPARE(c.value().synchronousModeText(), QStringLiteral("off"));
        const auto quorum = parsePatroniConfig(bytes(QStringLiteral("config-quorum.json")));
        QVERIFY(quorum.ok());
        QVERIFY(quorum.value().synchronousMode);
        QVERIFY(quorum.value().synchronousQuorum);
        QCOMPARE(quorum.value().synchronousModeText(), QStringLiteral("quorum"));
    }

    // synchronous_mode on, then quorum (Patroni 4), recorded by PATCH /config.
    void synchronousAndQuorumRoles()
    {
        const auto sync = cluster(QStringLiteral("cluster-sync.json"));
        int syncStandbys = 0;
        for (const auto &m : sync.members)
            syncStandbys += m.role == MemberRole::SyncStandby ? 1 : 0;
        QCOMPARE(syncStandbys, 1);
        const auto quorum = cluster(QStringLiteral("cluster-quorum.json"));
        int quorumStandbys = 0;
        for (const auto &m : quorum.members)
            quorumStandbys += m.role == MemberRole::QuorumStandby ? 1 : 0;
        QCOMPARE(quorumStandbys, 2);

        const auto status = parsePatroniStatus(bytes(QStringLiteral("patroni-leader-quorum.json")));
        QVERIFY(status.ok());
        QCOMPARE(status.value().replication.value(0).syncState, QStringLiteral("quorum"));

        // A switchover in quorum mode may go to any quorum standby; in plain synchronous mode
        // only to the sync standby.
        auto config = parsePatroniConfig(bytes(QStringLiteral("config-quorum.json"))).value();
        PreflightContext ctx;
        ctx.cluster = quorum;
        ctx.config = config;
        const auto verdicts = judgeCandidates(ctx, true);
        QCOMPARE(verdicts.size(), 2);
        for (const auto &v : verdicts)
            QVERIFY2(v.eligible, qPrintable(v.name + QLatin1String(": ") + v.reasons.join(u"; ")));
        ctx.cluster = sync;
        config.synchronousQuorum = false;
        ctx.config = config;
        int eligible = 0;
        for (const auto &v : judgeCandidates(ctx, true)) {
            eligible += v.eligible ? 1 : 0;
            if (!v.eligible)
                QVERIFY(v.reasons.join(u' ').contains(u"not the sync standby"));
        }
        QCOMPARE(eligible, 1);

        // Patroni 3.0.2 stores "quorum" too but ignores it (seen on the native lab: members stay
        // async, no quorum_standby): no candidate is refused for it.
        const auto v3 = parsePatroniCluster(readFixture(QStringLiteral("patroni/cluster-normal.json"))).value();
        config.synchronousQuorum = true;
        ctx.cluster = v3;
        ctx.config = config;
        for (const auto &v : judgeCandidates(ctx, true))
            QVERIFY2(!v.reasons.join(u' ').contains(u"quorum"), qPrintable(v.reasons.join(u"; ")));
    }

    // Pending restart with its reason, a scheduled switchover and pause, all recorded at once.
    void pendingScheduledPaused()
    {
        const auto c = cluster(QStringLiteral("cluster-sync-pending-scheduled-paused.json"));
        QVERIFY(c.paused);
        QVERIFY(c.scheduledSwitchover.has_value());
        QCOMPARE(c.scheduledSwitchover->from, QStringLiteral("pg2"));
        QVERIFY(c.scheduledSwitchover->to.isEmpty());   // "from" only: Patroni picks the candidate
        for (const auto &m : c.members) {
            QVERIFY(m.pendingRestart);
            QVERIFY(m.pendingRestartReason.contains(u"max_connections"));
            QCOMPARE(m.pendingRestartReason.value(u"max_connections").toObject().value(u"new_value").toString(), QStringLiteral("150"));
        }
    }

    // A switchover as /cluster served it every 0.2 s: the old leader demotes (timeline
    // missing), stops, starts and streams again; the new leader's timeline moves on.
    void recordedSwitchover()
    {
        QList<ClusterSnapshot> states;
        for (int i = 1; i <= 6; ++i)
            states.append(cluster(QStringLiteral("switchover-%1.json").arg(i, 2, 10, QLatin1Char('0')), 1000 * i));
        QCOMPARE(states[0].leader()->name, QStringLiteral("pg2"));
        QVERIFY(!member(states[1], "pg2")->timeline.has_value());   // demoting: no timeline
        QCOMPARE(member(states[2], "pg2")->state, QStringLiteral("stopped"));
        QCOMPARE(member(states[2], "pg2")->lag.kind, MemberLag::Kind::Unknown);
        QCOMPARE(states.last().leader()->name, QStringLiteral("pg3"));

        QStringList seen;
        for (int i = 1; i < states.size(); ++i)
            seen += kinds(models::diffCluster(states[i - 1], states[i], kLag));
        QVERIFY2(seen.contains(u"leader-changed:pg3"), qPrintable(seen.join(u", ")));
        QVERIFY2(seen.contains(u"timeline-changed:pg3"), qPrintable(seen.join(u", ")));
    }

    // A SIGKILLed leader (docker kill): still listed as the running leader until its key
    // expires (≈19 s at ttl 20), then no leader, then the new leader on its old timeline.
    void recordedCrashFailover()
    {
        const auto s1 = cluster(QStringLiteral("failover-02.json"), 2000);
        const auto s2 = cluster(QStringLiteral("failover-03.json"), 3000);
        const auto s3 = cluster(QStringLiteral("failover-04.json"), 4000);
        QCOMPARE(s1.leader()->name, QStringLiteral("pg3"));   // dead, and still "running"
        QCOMPARE(member(s1, "pg3")->state, QStringLiteral("running"));
        QVERIFY(!s2.leader());
        QVERIFY(!member(s2, "pg3"));
        QCOMPARE(s3.leader()->name, QStringLiteral("pg2"));
        QCOMPARE(member(s3, "pg2")->timeline.value_or(0), 4);   // promoted, timeline not yet bumped
        QCOMPARE(member(s3, "pg1")->timeline.value_or(0), 5);

        const auto left = kinds(models::diffCluster(s1, s2, kLag));
        QVERIFY2(left.contains(u"member-left:pg3"), qPrintable(left.join(u", ")));
        const auto lead = kinds(models::diffCluster(s2, s3, kLag));
        QVERIFY2(lead.join(u' ').contains(u"pg2"), qPrintable(lead.join(u", ")));

        // The topology draws the window with no leader as such, not as a healthy cluster.
        TopologyModel model;
        model.setCluster(s2);
        QVERIFY(!model.topology().node(QStringLiteral("member:pg3")));
        model.setCluster(s3);
        const auto settled = model.topology();   // the nodes live as long as it does
        const Node *pg2 = settled.node(QStringLiteral("member:pg2"));
        QVERIFY(pg2);
        QCOMPARE(pg2->role, MemberRole::Leader);
    }

    // Read from the new leader as soon as it led: the timeline it is promoting to is not in
    // its history yet (the last switch is the earlier switchover to pg3).
    void historyAfterFailover()
    {
        const auto h = parsePatroniHistory(bytes(QStringLiteral("history-after-failover.json")));
        QVERIFY(h.ok());
        QCOMPARE(h.value().size(), 3);
        QCOMPARE(h.value().last().timeline, 3);
        QCOMPARE(h.value().last().newLeader, QStringLiteral("pg3"));
        const auto before = parsePatroniHistory(bytes(QStringLiteral("history-after-switchover.json")));
        QVERIFY(before.ok());
        QCOMPARE(before.value().size(), 3);
    }

    // etcd 3.5.16: the v3 gateway's status and the scope's keys, with Patroni 4's /sync of
    // quorum mode.
    void etcd35()
    {
        const auto st = parseEtcdStatus(bytes(QStringLiteral("etcd-3.5-status.json")));
        QVERIFY(st.ok());
        QCOMPARE(st.value().version, QStringLiteral("3.5.16"));
        const auto list = parseEtcdMemberList(bytes(QStringLiteral("etcd-3.5-member-list.json")));
        QVERIFY(list.ok());
        QCOMPARE(list.value().members.size(), 3);
        const auto kvs = parseEtcdRange(bytes(QStringLiteral("etcd-3.5-range-service-quorum.json")));
        QVERIFY(kvs.ok());
        const auto scopes = patroniScopesFromKeys(kvs.value(), QStringLiteral("/service/"));
        QCOMPARE(scopes.size(), 1);
        QCOMPARE(scopes.front().scope, QStringLiteral("pgha-lab"));
        QVERIFY(!scopes.front().leader.isEmpty());
        QVERIFY(!scopes.front().leaderLease.isEmpty());
        QCOMPARE(scopes.front().config.value(u"synchronous_mode").toString(), QStringLiteral("quorum"));
    }

    // HAProxy 3.0's CSV: same columns the console reads; the lab's tracked servers.
    void haproxy30()
    {
        const auto r = parseHaproxyCsv(bytes(QStringLiteral("haproxy-3.0-stats.csv")));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        int up = 0;
        for (const auto &s : r.value().servers(QStringLiteral("read_write")))
            up += s.isUp() ? 1 : 0;
        QCOMPARE(up, 1);
        const auto *check = r.value().find(QStringLiteral("leader_check"), QStringLiteral("pg2"));
        QVERIFY(check);
        QCOMPARE(check->checkStatus, QStringLiteral("L7OK"));
        QCOMPARE(check->checkCode, 200);
        QVERIFY(!r.value().find(QStringLiteral("read_write"), QStringLiteral("pg2"))->address.isEmpty());
        // The lab's read_write servers track leader_check's: checked by Patroni, though their
        // own check columns are empty.
        QCOMPARE(r.value().find(QStringLiteral("read_write"), QStringLiteral("pg2"))->tracked, QStringLiteral("leader_check/pg2"));
        models::ClusterLayout::Inputs in;
        in.cluster = cluster(QStringLiteral("cluster-normal.json"));
        in.haproxy = r.value();
        const auto layout = models::ClusterLayout::derive(in);
        QCOMPARE(layout.haproxy.readWrite.proxy, QStringLiteral("read_write"));
        QCOMPARE(layout.haproxy.readOnly.proxy, QStringLiteral("read_only"));
        QVERIFY2(!layout.haproxy.notes.join(u' ').contains(u"no HTTP health check"), qPrintable(layout.haproxy.notes.join(u'\n')));
    }

    // PgBouncer 1.24 adds columns (replication, prepared_statements, id): read by name.
    void pgbouncer124()
    {
        const auto r = parsePgBouncer({readCsvFixture(QStringLiteral("trixie/pgbouncer-1.24-show-databases.csv")),
                                       readCsvFixture(QStringLiteral("trixie/pgbouncer-1.24-show-pools.csv")),
                                       readCsvFixture(QStringLiteral("trixie/pgbouncer-1.24-show-stats.csv")),
                                       readCsvFixture(QStringLiteral("trixie/pgbouncer-1.24-show-servers.csv")),
                                       readCsvFixture(QStringLiteral("trixie/pgbouncer-1.24-show-clients.csv"))});
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r.value().target(), QStringLiteral("pg1:5432"));
        QCOMPARE(r.value().servers.size(), 1);
        QCOMPARE(r.value().servers[0].state, QStringLiteral("active"));
        QCOMPARE(r.value().servers[0].port, 5432);
        QCOMPARE(r.value().servers[0].localAddress, QStringLiteral("172.18.0.13"));
        // Its own address inside the Compose network, which the published port hides.
        QCOMPARE(r.value().ownAddresses, QStringList{QStringLiteral("172.22.0.11")});
    }

    void patroniMetrics()
    {
        const auto families = parsePrometheusText(bytes(QStringLiteral("metrics-leader.txt")));
        QVERIFY(families.ok());
        QCOMPARE(maxSampleOf(families.value(), "patroni_primary"), 1.0);
        QCOMPARE(maxSampleOf(families.value(), "patroni_postgres_running"), 1.0);
        QVERIFY(maxSampleOf(families.value(), "patroni_postgres_timeline") >= 1.0);
    }

private:
    static double maxSampleOf(const QList<PromFamily> &families, const char *name)
    {
        for (const auto &f : families)
            if (f.name == QLatin1String(name) && !f.samples.isEmpty())
                return f.samples.front().value;
        return -1;
    }
};

QTEST_GUILESS_MAIN(TestPatroni4)
#include "tst_patroni4.moc"
