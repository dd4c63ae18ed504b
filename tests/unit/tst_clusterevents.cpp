// Events from consecutive recorded observations: the real failover sequence, a node going
// DOWN in HAProxy, lag crossing a threshold, etcd leader change, sources failing.
#include "clusterevent.h"
#include "eventtimelinemodel.h"
#include "fixture.h"
#include "patroni/patroniparser.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha;
using models::ClusterEvent;

class TestClusterEvents : public QObject {
    Q_OBJECT

    static QByteArray bytes(const QString &name) { return readFixture(name); }
    static svc::ClusterSnapshot cluster(const QString &name, qint64 at = 1000)
    {
        auto s = svc::parsePatroniCluster(bytes(QStringLiteral("patroni/") + name)).value();
        s.fetchedAtMs = at;
        return s;
    }
    static QStringList kinds(const QList<ClusterEvent> &events)
    {
        QStringList out;
        for (const auto &e : events)
            out.append(e.kind + QLatin1Char(':') + e.subject);
        return out;
    }
    static constexpr qint64 kLag = 16 * 1024 * 1024;

private slots:
    void firstObservationIsABaseline()
    {
        QVERIFY(models::diffCluster({}, cluster(QStringLiteral("cluster-normal.json")), kLag).isEmpty());
    }

    void recordedFailoverSequence()
    {
        const auto s0 = cluster(QStringLiteral("cluster-normal.json"), 1000);
        const auto s1 = cluster(QStringLiteral("cluster-failover-1-dead-leader-still-listed.json"), 2000);
        const auto s2 = cluster(QStringLiteral("cluster-failover-2-new-leader-old-timeline.json"), 3000);
        const auto s3 = cluster(QStringLiteral("cluster-failover-3-replica-behind.json"), 4000);
        const auto s4 = cluster(QStringLiteral("cluster-failover-4-settled.json"), 5000);

        QVERIFY(models::diffCluster(s0, s1, kLag).isEmpty());   // the dead leader still listed: nothing seen yet
        const auto e2 = models::diffCluster(s1, s2, kLag);
        QCOMPARE(kinds(e2), (QStringList{QStringLiteral("leader-changed:pg2"), QStringLiteral("member-left:pg3")}));
        QCOMPARE(e2[0].text, QStringLiteral("leader changed: pg3 → pg2"));
        QCOMPARE(e2[0].atMs, 3000);
        const auto e3 = models::diffCluster(s2, s3, kLag);
        QCOMPARE(kinds(e3), QStringList{QStringLiteral("timeline-changed:pg2")});
        QCOMPARE(e3[0].text, QStringLiteral("timeline 3 → 4 on pg2"));
        QVERIFY(models::diffCluster(s3, s4, kLag).isEmpty());
    }

    void switchoverThroughANoLeaderSnapshot()
    {
        const auto s2 = cluster(QStringLiteral("cluster-failover-2-new-leader-old-timeline.json"));
        auto none = s2;
        for (auto &m : none.members)
            m.role = svc::MemberRole::Replica;   // between two leaders
        const auto e1 = models::diffCluster(s2, none, kLag);
        QCOMPARE(kinds(e1), QStringList{QStringLiteral("leader-changed:pg2")});
        QCOMPARE(e1[0].severity, ClusterEvent::Severity::Error);
        QVERIFY(e1[0].text.startsWith(u"no leader"));
        const auto e2 = models::diffCluster(none, cluster(QStringLiteral("cluster-failover-3-replica-behind.json")), kLag);
        QVERIFY(kinds(e2).contains(QStringLiteral("leader-changed:pg2")));
        QVERIFY(kinds(e2).contains(QStringLiteral("timeline-changed:pg2")));   // 3 → 4 seen across the gap
    }

    void lagThreshold()
    {
        const auto behind = cluster(QStringLiteral("cluster-failover-3-replica-behind.json"));
        const auto settled = cluster(QStringLiteral("cluster-failover-4-settled.json"));
        const auto e = models::diffCluster(cluster(QStringLiteral("cluster-failover-2-new-leader-old-timeline.json")), behind, 100);
        QVERIFY(kinds(e).contains(QStringLiteral("lag-high:pg1")));
        QCOMPARE(kinds(models::diffCluster(behind, settled, 100)), QStringList{QStringLiteral("lag-ok:pg1")});
        QVERIFY(!kinds(models::diffCluster(behind, settled, kLag)).contains(QStringLiteral("lag-ok:pg1")));
    }

    void haproxyServerDown()
    {
        const auto normal = svc::parseHaproxyCsv(bytes(QStringLiteral("haproxy/stats-normal.csv"))).value();
        const auto down = svc::parseHaproxyCsv(bytes(QStringLiteral("haproxy/stats-pg3-down.csv"))).value();
        const auto e = models::diffHaproxy(normal, down, 42);
        QCOMPARE(kinds(e), QStringList{QStringLiteral("server-down:read_only/pg3")});
        QCOMPARE(e[0].text, QStringLiteral("read_only/pg3 DOWN (check L4CON)"));
        QCOMPARE(kinds(models::diffHaproxy(down, normal, 43)), QStringList{QStringLiteral("server-up:read_only/pg3")});
        QVERIFY(models::diffHaproxy({}, normal, 1).isEmpty());
    }

    void etcdLeaderAndSourceHealth()
    {
        svc::EtcdSnapshot a, b;
        a.leaderName = QStringLiteral("etcd1");
        a.statusByEndpoint.insert(QStringLiteral("etcd1"), {});
        b.leaderName = QStringLiteral("etcd3");
        b.fetchedAtMs = 7;
        QCOMPARE(kinds(models::diffEtcd(a, b)), QStringList{QStringLiteral("etcd-leader-changed:etcd3")});
        QVERIFY(models::diffEtcd({}, b).isEmpty());

        // Patroni's keys in v2 are said once, on the first snapshot that finds them; v3 is the
        // usual case and says nothing until the keys move.
        svc::EtcdSnapshot v2 = b, v3 = b;
        v2.keyspace = QStringLiteral("v2");
        v2.keyspaceNote = svc::EtcdPoller::v2KeyspaceNote();
        v3.keyspace = QStringLiteral("v3");
        const auto found = models::diffEtcd({}, v2);
        QCOMPARE(kinds(found), QStringList{QStringLiteral("etcd-keyspace:v2")});
        QVERIFY2(found[0].text.contains(u"--enable-v2"), qPrintable(found[0].text));
        QVERIFY(models::diffEtcd(v2, v2).isEmpty());
        QVERIFY(models::diffEtcd({}, v3).isEmpty());
        QCOMPARE(kinds(models::diffEtcd(v2, v3)), QStringList{QStringLiteral("etcd-keyspace:v3")});

        svc::SourceHealth up{QStringLiteral("patroni:pg1"), QStringLiteral("pg1 REST"), {}, true, true, 3, 1, 1000, 0, {}};
        svc::SourceHealth down = up;
        down.reachable = false;
        down.lastError = QStringLiteral("Connection refused");
        QCOMPARE(kinds(models::diffHealth(up, down, 5)), QStringList{QStringLiteral("source-unreachable:pg1 REST")});
        QCOMPARE(kinds(models::diffHealth(down, up, 6)), QStringList{QStringLiteral("source-recovered:pg1 REST")});
        QVERIFY(models::diffHealth(up, up, 7).isEmpty());
        QVERIFY(models::diffHealth({}, up, 8).isEmpty());   // first answer: no "recovered"
    }

    void timelineExports()
    {
        models::EventTimelineModel t;
        t.append({1795320000000, QStringLiteral("haproxy"), ClusterEvent::Severity::Warning, QStringLiteral("server-down"),
                  QStringLiteral("read_only/pg3"), QStringLiteral("read_only/pg3 DOWN, \"check\" L4CON")});
        t.append({1795320000500, QStringLiteral("patroni"), ClusterEvent::Severity::Info, QStringLiteral("leader-changed"),
                  QStringLiteral("pg1"), QStringLiteral("pg1 is the leader")});
        const QByteArray csv = t.toCsv();
        QVERIFY(csv.startsWith("time,severity,source,kind,subject,text\n"));
        QVERIFY(csv.contains("\"read_only/pg3 DOWN, \"\"check\"\" L4CON\""));   // quoted, quotes doubled
        QVERIFY(csv.contains("2026-11-22T"));
        QCOMPARE(t.toJsonl().count('\n'), 2);
        QTemporaryDir dir;
        QVERIFY(t.exportTo(dir.filePath(QStringLiteral("e.jsonl"))).ok());
        QVERIFY(!t.exportTo(QStringLiteral("/nonexistent-dir/e.csv")).ok());
    }

    void configChanges()
    {
        const auto before = svc::parsePatroniConfig(bytes(QStringLiteral("patroni/config.json"))).value();
        QVERIFY(models::diffConfig({}, before, 1).isEmpty());       // the first reading is a baseline
        QVERIFY(models::diffConfig(before, before, 1).isEmpty());
        QJsonObject raw = before.raw;
        raw.insert(QStringLiteral("ttl"), 20);
        raw.insert(QStringLiteral("synchronous_mode"), true);
        QJsonObject pg = raw.value(u"postgresql").toObject();
        QJsonObject params = pg.value(u"parameters").toObject();
        params.insert(QStringLiteral("max_wal_senders"), 20);
        pg.insert(QStringLiteral("parameters"), params);
        raw.insert(QStringLiteral("postgresql"), pg);
        const auto after = svc::parsePatroniConfig(QJsonDocument(raw).toJson()).value();
        const auto events = models::diffConfig(before, after, 5);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].kind, QStringLiteral("config-changed"));
        QVERIFY2(events[0].text.contains(u"ttl 10 → 20"), qPrintable(events[0].text));
        QVERIFY(events[0].text.contains(u"synchronous_mode (unset) → true"));
        QVERIFY(events[0].text.contains(u"postgresql.parameters.max_wal_senders 10 → 20"));
    }

    void roleChecks()
    {
        const QList<svc::PatroniNodeReport> before{{QStringLiteral("pg1"), {}, 200, 503, 200, 0, {}, 1, {}, QStringLiteral("pg1")},
                                                   {QStringLiteral("pg2"), {}, 503, 200, 200, 0, {}, 1, {}, QStringLiteral("pg2")}};
        QList<svc::PatroniNodeReport> after = before;
        after[0].primaryCode = 503;   // a switchover: pg1 steps down …
        after[1].primaryCode = 200;   // … pg2 takes over
        const auto events = models::diffRoleChecks(before, after);
        QCOMPARE(events.size(), 2);
        QVERIFY(events[0].text.contains(u"pg1 /primary now answers 503 (was 200)"));
        after[1].replicaCode = 0;     // no answer: not a role change (source-unreachable says it)
        QCOMPARE(models::diffRoleChecks(before, after).size(), 2);
    }

    void pgpoolChanges()
    {
        auto before = svc::parsePgpoolNodes(readCsvFixture(QStringLiteral("pgpool/show-pool-nodes.csv"))).value();
        before.name = QStringLiteral("pgpool");
        auto after = before;
        after.nodes[0].status = QStringLiteral("down");
        after.nodes[1].role = QStringLiteral("primary");
        const auto events = models::diffPgpool(before, after);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].kind, QStringLiteral("server-down"));
        QCOMPARE(events[1].kind, QStringLiteral("pgpool-role"));
        QVERIFY(events[1].text.contains(u"127.0.0.1:5533"));
    }
};

QTEST_GUILESS_MAIN(TestClusterEvents)
#include "tst_clusterevents.moc"
