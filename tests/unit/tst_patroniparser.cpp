// parsePatroniCluster on payloads recorded from the real lab (tests/fixtures/README.md says how
// each was captured) and on hostile input: every failure must be an error value, never a crash.
#include "fixture.h"
#include "patroni/patroniparser.h"

#include <QFile>
#include <QTest>

using namespace pgha::svc;

class TestPatroniParser : public QObject {
    Q_OBJECT

    static QByteArray fixture(const QString &name) { return readFixture(QStringLiteral("patroni/") + name); }

private slots:
    void recorded_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("members");
        QTest::addColumn<QString>("leader");
        QTest::addColumn<qint64>("leaderTimeline");
        QTest::addColumn<QString>("laggingMember");
        QTest::addColumn<qint64>("lagBytes");
        QTest::newRow("normal") << "cluster-normal.json" << 3 << "pg3" << qint64(3) << "pg1" << qint64(0);
        QTest::newRow("failover: dead leader still listed") << "cluster-failover-1-dead-leader-still-listed.json" << 3
                                                            << "pg3" << qint64(3) << "pg2" << qint64(0);
        QTest::newRow("failover: new leader, old timeline") << "cluster-failover-2-new-leader-old-timeline.json" << 2
                                                            << "pg2" << qint64(3) << "pg1" << qint64(0);
        QTest::newRow("failover: replica behind") << "cluster-failover-3-replica-behind.json" << 2 << "pg2" << qint64(4)
                                                  << "pg1" << qint64(280);
        QTest::newRow("failover: settled") << "cluster-failover-4-settled.json" << 2 << "pg2" << qint64(4) << "pg1"
                                           << qint64(0);
        QTest::newRow("after switchover") << "cluster-after-switchover.json" << 3 << "pg1" << qint64(3) << "pg3"
                                          << qint64(0);
    }

    void recorded()
    {
        QFETCH(QString, file);
        QFETCH(int, members);
        QFETCH(QString, leader);
        QFETCH(qint64, leaderTimeline);
        QFETCH(QString, laggingMember);
        QFETCH(qint64, lagBytes);

        const auto result = parsePatroniCluster(fixture(file));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
        const ClusterSnapshot &s = result.value();
        QCOMPARE(s.members.size(), members);
        QCOMPARE(s.leaderCount(), 1);
        QVERIFY(s.leader());
        QCOMPARE(s.leader()->name, leader);
        QCOMPARE(s.leader()->timeline.value_or(-1), leaderTimeline);
        QCOMPARE(s.leader()->lag.kind, MemberLag::Kind::None);   // the leader has no lag key
        bool found = false;
        for (const auto &m : s.members) {
            QVERIFY(!m.host.isEmpty());
            QVERIFY(m.port > 0);
            QVERIFY(m.apiUrl.startsWith(u"http://127.0.0.1:80"));
            QCOMPARE(m.state, QStringLiteral("running"));
            if (m.name == laggingMember) {
                found = true;
                QCOMPARE(m.role, MemberRole::Replica);
                QCOMPARE(m.lag.kind, MemberLag::Kind::Bytes);
                QCOMPARE(m.lag.bytes, lagBytes);
            }
        }
        QVERIFY(found);
    }

    void roleSpellings_data()
    {
        QTest::addColumn<QString>("spelling");
        QTest::addColumn<MemberRole>("role");
        QTest::newRow("3.x leader") << "leader" << MemberRole::Leader;
        QTest::newRow("2.x master") << "master" << MemberRole::Leader;
        QTest::newRow("4.x primary") << "primary" << MemberRole::Leader;
        QTest::newRow("standby cluster") << "standby_leader" << MemberRole::StandbyLeader;
        QTest::newRow("sync") << "sync_standby" << MemberRole::SyncStandby;
        QTest::newRow("quorum (4.x)") << "quorum_standby" << MemberRole::QuorumStandby;
        QTest::newRow("replica") << "replica" << MemberRole::Replica;
        QTest::newRow("unknown") << "bystander" << MemberRole::Unknown;
    }

    void roleSpellings()
    {
        QFETCH(QString, spelling);
        QFETCH(MemberRole, role);
        const QByteArray json = "{\"members\":[{\"name\":\"a\",\"role\":\"" + spelling.toUtf8() + "\",\"state\":\"running\"}]}";
        const auto r = parsePatroniCluster(json);
        QVERIFY(r.ok());
        QCOMPARE(r.value().members.front().role, role);
        QCOMPARE(r.value().members.front().rawRole, spelling);
    }

    // Recorded after `pgha restart pg3 --at …` and `pgha switchover --at …` on the native lab:
    // a scheduled restart is an object in /cluster, a scheduled switchover a top-level key.
    void scheduledActions()
    {
        const auto restart = parsePatroniCluster(fixture(QStringLiteral("cluster-scheduled-restart-3.0.2.json")));
        QVERIFY2(restart, qPrintable(restart ? QString() : restart.error().toString()));
        QStringList scheduled;
        for (const auto &m : restart.value().members)
            if (!m.scheduledRestart.isEmpty())
                scheduled << m.name + QLatin1Char('@') + m.scheduledRestart;
        QCOMPARE(scheduled.size(), 1);
        QVERIFY(scheduled.front().startsWith(u"pg3@2026-"));

        const auto switchover = parsePatroniCluster(fixture(QStringLiteral("cluster-scheduled-switchover-3.0.2.json")));
        QVERIFY(switchover);
        QVERIFY(switchover.value().scheduledSwitchover.has_value());
        QCOMPARE(switchover.value().scheduledSwitchover->from, QStringLiteral("pg1"));
    }

    void lagUnknownAndPause()
    {
        const auto r = parsePatroniCluster(
                "{\"members\":[{\"name\":\"a\",\"role\":\"replica\",\"state\":\"streaming\",\"lag\":\"unknown\"}],\"pause\":true,\"scope\":\"x\"}");
        QVERIFY(r.ok());
        QCOMPARE(r.value().members.front().lag.kind, MemberLag::Kind::Unknown);
        QVERIFY(r.value().paused);
        QCOMPARE(r.value().scope, QStringLiteral("x"));
        QCOMPARE(r.value().leaderCount(), 0);
    }

    void hostile_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("mentions");
        const QByteArray normal = fixture(QStringLiteral("cluster-normal.json"));
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("truncated") << normal.left(normal.size() / 2) << "invalid JSON";
        QTest::newRow("not an object") << QByteArray("[1,2,3]") << "not a JSON object";
        QTest::newRow("html error page") << QByteArray("<html><body>502 Bad Gateway</body></html>") << "invalid JSON";
        QTest::newRow("members missing") << QByteArray("{\"member\":[]}") << "\"members\" is missing";
        QTest::newRow("members wrong type") << QByteArray("{\"members\":{\"a\":1}}") << "\"members\" is an object";
        QTest::newRow("member not object") << QByteArray("{\"members\":[42]}") << "member 0";
        QTest::newRow("name missing") << QByteArray("{\"members\":[{\"role\":\"leader\"}]}") << "\"name\" is missing";
        QTest::newRow("name a number") << QByteArray("{\"members\":[{\"name\":7,\"role\":\"leader\"}]}") << "\"name\" is a number";
        QTest::newRow("role a bool") << QByteArray("{\"members\":[{\"name\":\"a\",\"role\":true}]}") << "\"role\" is a boolean";
        QTest::newRow("port out of range") << QByteArray("{\"members\":[{\"name\":\"a\",\"role\":\"leader\",\"port\":70000}]}")
                                           << "\"port\"";
        QTest::newRow("timeline a string") << QByteArray("{\"members\":[{\"name\":\"a\",\"role\":\"leader\",\"timeline\":\"two\"}]}")
                                           << "\"timeline\"";
        QTest::newRow("lag an array") << QByteArray("{\"members\":[{\"name\":\"a\",\"role\":\"replica\",\"lag\":[1]}]}") << "\"lag\"";
        QTest::newRow("second member bad") << QByteArray("{\"members\":[{\"name\":\"a\",\"role\":\"leader\"},{\"name\":null}]}")
                                           << "member 1";
        QTest::newRow("invalid UTF-8") << (normal.left(20) + QByteArray("\xff\xfe\xc3\x28") + normal.mid(20)) << "UTF-8";
        QTest::newRow("10 MB") << QByteArray(10 * 1024 * 1024, ' ') << "limit";
        QTest::newRow("deep nesting") << (QByteArray(100000, '[') + QByteArray(100000, ']')) << "Patroni /cluster";
    }

    void hostile()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, mentions);
        const auto r = parsePatroniCluster(payload);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
        QVERIFY(r.error().message.startsWith(u"Patroni /cluster"));   // names the source
        QVERIFY(!r.error().hint.isEmpty() || r.error().message.contains(u"member"));
    }
};

QTEST_GUILESS_MAIN(TestPatroniParser)
#include "tst_patroniparser.moc"
