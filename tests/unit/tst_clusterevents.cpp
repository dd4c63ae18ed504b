// Events from consecutive recorded observations: the real failover sequence, a node going
// DOWN in HAProxy, lag crossing a threshold, etcd leader change, sources failing.
#include "clusterevent.h"
#include "etcd/etcdtypes.h"
#include "eventtimelinemodel.h"
#include "leaderkey.h"
#include "memberreachability.h"
#include "fixture.h"
#include "patroni/patroniparser.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <QSet>

#include <optional>

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
    // Patroni's keys through a recorded switchover (tests/fixtures/etcd/watch): the events the
    // timeline gets from the watch, in order.
    void dcsEventsOfARecordedSwitchover()
    {
        // The stream was recorded from "now": each key's first prev_kv is what it was before.
        QList<svc::EtcdWatchMessage> stream;
        for (const QByteArray &line : readFixture(QStringLiteral("etcd/watch/patroni-switchover.jsonl")).split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const auto m = svc::parseEtcdWatchMessage(line);
            QVERIFY(m);
            stream.append(m.value());
        }
        QMap<QString, svc::EtcdKeyValue> keys;
        QSet<QString> touched;
        for (const auto &m : stream)
            for (const auto &e : m.events) {
                if (!touched.contains(e.kv.key) && e.previous)
                    keys.insert(e.kv.key, *e.previous);
                touched.insert(e.kv.key);
            }
        std::optional<svc::PatroniDcsScope> before = svc::patroniScopesFromKeys(keys.values(), QStringLiteral("/service/")).value(0);
        QCOMPARE(before->leader, QStringLiteral("pg2"));
        QStringList seen;
        for (const auto &message : stream) {
            for (const auto &e : message.events) {
                if (e.type == svc::EtcdWatchEvent::Type::Delete)
                    keys.remove(e.kv.key);
                else
                    keys.insert(e.kv.key, e.kv);
            }
            const auto scopes = svc::patroniScopesFromKeys(keys.values(), QStringLiteral("/service/"));
            if (scopes.isEmpty())
                continue;
            for (const auto &e : models::diffDcsScope(&*before, &scopes[0], 1000, QStringLiteral("etcd watch, revision %1").arg(message.revision)))
                seen.append(e.kind + QLatin1Char(':') + e.subject);
            before = scopes[0];
        }
        QCOMPARE(seen, (QStringList{QStringLiteral("dcs-failover:"), QStringLiteral("leader-key:pg2"), QStringLiteral("leader-key:pg1"),
                                    QStringLiteral("dcs-failover:")}));
        QVERIFY(models::diffDcsScope(nullptr, &*before, 1, {}).isEmpty());   // a baseline
    }

    void dcsMembersSyncAndFailsafe()
    {
        svc::PatroniDcsScope a;
        a.leader = QStringLiteral("pg1");
        a.members.insert(QStringLiteral("pg1"), {});
        a.members.insert(QStringLiteral("pg2"), {});
        svc::PatroniDcsScope b = a;
        b.members.remove(QStringLiteral("pg2"));
        b.sync = QJsonObject{{QStringLiteral("leader"), QStringLiteral("pg1")}, {QStringLiteral("sync_standby"), QStringLiteral("pg3")}};
        b.failsafe = QJsonObject{{QStringLiteral("pg1"), QStringLiteral("http://127.0.0.1:8008/patroni")}};
        const auto events = models::diffDcsScope(&a, &b, 5, QStringLiteral("etcd poll"));
        QCOMPARE(kinds(events), (QStringList{QStringLiteral("dcs-sync:pg3"), QStringLiteral("dcs-failsafe:"), QStringLiteral("dcs-member:pg2")}));
        QVERIFY(events[0].text.contains(u"none → pg3"));
        QVERIFY(events[2].text.endsWith(u"(etcd poll)"));
    }

    // A dropped session is a sign; the REST API's refusal is the verdict, dated from the sign.
    void reachability()
    {
        models::MemberReachability r;
        r.sessionLost(QStringLiteral("pg1"), 1000, QStringLiteral("server closed the connection unexpectedly"));
        QVERIFY(!r.isDown(QStringLiteral("pg1")));
        const auto down = r.restFailed(QStringLiteral("pg1"), 1012, QStringLiteral("refused"));
        QVERIFY(down);
        QCOMPARE(down->kind, QStringLiteral("member-unreachable"));
        QCOMPARE(down->atMs, 1000);
        QVERIFY2(down->text.contains(u"12 ms later"), qPrintable(down->text));
        QCOMPARE(r.down().value(QStringLiteral("pg1")).firstSource, QStringLiteral("PostgreSQL"));
        QVERIFY(r.down().value(QStringLiteral("pg1")).how.startsWith(u"REST refused at "));
        QVERIFY(!r.restFailed(QStringLiteral("pg1"), 2000, QStringLiteral("refused")));   // said once
        const auto up = r.restAnswered(QStringLiteral("pg1"), 9000);
        QVERIFY(up);
        QCOMPARE(up->kind, QStringLiteral("member-reachable"));
        QVERIFY(!r.isDown(QStringLiteral("pg1")));
        // PostgreSQL restarting under a living Patroni (a switchover): no verdict, one note.
        r.sessionLost(QStringLiteral("pg2"), 10000, QStringLiteral("terminating connection due to administrator command"));
        const auto note = r.restAnswered(QStringLiteral("pg2"), 10005);
        QVERIFY(note);
        QCOMPARE(note->kind, QStringLiteral("session-dropped"));
        QVERIFY(!r.restAnswered(QStringLiteral("pg2"), 10010));
        // The REST API alone.
        const auto alone = r.restFailed(QStringLiteral("pg3"), 20000, QStringLiteral("did not answer within 500 ms"));
        QVERIFY(alone);
        QCOMPARE(r.down().value(QStringLiteral("pg3")).firstSource, QStringLiteral("Patroni REST"));
    }

    void leaderKeyClock()
    {
        svc::EtcdLeaseClock lease;
        QCOMPARE(models::leaderKeyClock(lease, QStringLiteral("pg1"), true, 0, 2, false, 0).state, models::LeaderKeyClock::State::Unknown);
        lease.follow(QStringLiteral("7"));
        lease.observe(10'000, {QStringLiteral("7"), 9, 10});
        auto k = models::leaderKeyClock(lease, QStringLiteral("pg1"), true, 10'000, 2, false, 10'500);
        QCOMPARE(k.state, models::LeaderKeyClock::State::Renewing);
        QCOMPARE(k.text(), QStringLiteral("lease of 10 s, renewed by its holder"));
        // No renewal for loop_wait + 1 s: counting down.
        lease.observe(13'400, {QStringLiteral("7"), 6, 10});
        k = models::leaderKeyClock(lease, QStringLiteral("pg1"), true, 10'000, 2, false, 13'500);
        QCOMPARE(k.state, models::LeaderKeyClock::State::CountingDown);
        QCOMPARE(k.text(), QStringLiteral("key expires in 6.2 s"));   // expiry within [19.4, 20.0) s: its middle
        // The holder known dead: at once, even within loop_wait.
        k = models::leaderKeyClock(lease, QStringLiteral("pg1"), true, 10'000, 2, true, 10'600);
        QCOMPARE(k.state, models::LeaderKeyClock::State::CountingDown);
        // The key gone from the DCS.
        k = models::leaderKeyClock(lease, QStringLiteral("pg1"), false, 10'000, 2, true, 19'000);
        QCOMPARE(k.state, models::LeaderKeyClock::State::Expired);
        QCOMPARE(k.text(), QStringLiteral("leader key expired"));
    }

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
