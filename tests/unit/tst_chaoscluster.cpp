// Where a chaos run reaches a cluster the console did not build: members from /cluster (never by
// the lab's naming), HAProxy's write proxy and its servers found from the stats, the user's own
// faults allowed on every cluster but a production one, and their commands run with the target
// in their environment. Payloads recorded from tests/othercluster (tests/fixtures/othercluster/
// README.md says how).
#include "fixture.h"

#include "chaos/chaoscluster.h"
#include "chaos/commandfaults.h"
#include "chaos/faultcatalog.h"
#include "lab/labstate.h"
#include "patroni/patroniparser.h"

#include <QTest>

using namespace pgha::svc;

namespace {
Profile stagingProfile()
{
    Profile p;
    p.name = QStringLiteral("staging");
    p.kind = Profile::Kind::Staging;
    p.scope = QStringLiteral("staging-ha");
    p.dcsNamespace = QStringLiteral("/pgha-test");
    p.patroni.append({QString(), QUrl(QStringLiteral("http://127.0.0.11:8008"))});
    p.etcd.append({QString(), QUrl(QStringLiteral("http://127.0.0.21:2379"))});
    p.haproxyStats = QUrl(QStringLiteral("http://127.0.0.30:8404/stats"));
    p.readWrite.host = QStringLiteral("127.0.0.30");
    p.readWrite.port = 5000;
    p.readWrite.password = QStringLiteral("from-the-keychain");
    p.readOnly = p.readWrite;
    p.readOnly.port = 5001;
    return p;
}

ClusterSnapshot recordedCluster(const QString &file)
{
    auto c = parsePatroniCluster(readFixture(QStringLiteral("othercluster/") + file));
    if (!c)
        qFatal("%s: %s", qPrintable(file), qPrintable(c.error().message));
    return c.value();
}
} // namespace

class TestChaosCluster : public QObject {
    Q_OBJECT
private slots:
    void membersComeFromClusterNotFromNames()
    {
        auto c = chaosClusterForProfile(stagingProfile(), recordedCluster(QStringLiteral("patroni-cluster.json")));
        QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
        const ChaosCluster &cluster = c.value();
        QCOMPARE(cluster.members.size(), 3);
        QVERIFY(!cluster.builtInLab);
        QCOMPARE(cluster.api(QStringLiteral("bravo")).base, QUrl(QStringLiteral("http://127.0.0.12:8008")));
        QCOMPARE(cluster.postgres(QStringLiteral("charlie")).host, QStringLiteral("127.0.0.13"));
        QCOMPARE(cluster.postgres(QStringLiteral("charlie")).port, 5432);
        // The profile's user, TLS and password reach every member, not only the entry points.
        QCOMPARE(cluster.postgres(QStringLiteral("alpha")).password, QStringLiteral("from-the-keychain"));
        QCOMPARE(cluster.readOnly.port, 5001);
        QCOMPARE(cluster.leaderKey, QStringLiteral("/pgha-test/staging-ha/leader"));
        QCOMPARE(cluster.haproxyStats.path(), QStringLiteral("/stats;csv"));
        QVERIFY(!cluster.haproxyCheckKnown);
        // Addresses spelled otherwise are the same member.
        QCOMPARE(cluster.memberAt(QStringLiteral("127.0.0.12"), 5432), QStringLiteral("bravo"));
        QCOMPARE(cluster.memberAt(QStringLiteral("127.0.0.12"), 6432), QString());
        const HealthTargets health = cluster.healthTargets();
        QCOMPARE(health.memberAnswering(QStringLiteral("127.0.0.13"), 5432, QString()), QStringLiteral("charlie"));
        QCOMPARE(health.memberAnswering(QStringLiteral("10.9.9.9"), 5432, QStringLiteral("alpha")), QStringLiteral("alpha"));
        QCOMPARE(health.memberAnswering(QStringLiteral("10.9.9.9"), 5432, QString()), QString());
    }

    void profileEntriesNamedAfterMembersWin()
    {
        Profile p = stagingProfile();
        // Published ports of a Compose file: /cluster says 127.0.0.12:5432, the profile says how to get there.
        p.postgres.append({QStringLiteral("bravo"), QUrl(QStringLiteral("postgresql://localhost:15433"))});
        auto c = chaosClusterForProfile(p, recordedCluster(QStringLiteral("patroni-cluster.json")));
        QVERIFY(c);
        QCOMPARE(c.value().postgres(QStringLiteral("bravo")).port, 15433);
        QCOMPARE(c.value().memberAt(QStringLiteral("127.0.0.1"), 15433), QStringLiteral("bravo"));
    }

    void whatARunCannotDoWithoutIsSaid()
    {
        Profile p = stagingProfile();
        p.readWrite.host.clear();
        auto c = chaosClusterForProfile(p, recordedCluster(QStringLiteral("patroni-cluster.json")));
        QVERIFY(!c);
        QVERIFY2(c.error().toString().contains(u"read_write"), qPrintable(c.error().toString()));
        ClusterSnapshot one = recordedCluster(QStringLiteral("patroni-cluster.json"));
        one.members = one.members.mid(0, 1);
        QVERIFY(!chaosClusterForProfile(stagingProfile(), one));
    }

    void writeProxyFoundByWhatItRoutesTo()
    {
        // With addresses (show-legends): pg_primary routes to bravo, the leader.
        auto c = chaosClusterForProfile(stagingProfile(), recordedCluster(QStringLiteral("patroni-cluster-direct.json")));
        QVERIFY(c);
        const QByteArray csv = readFixture(QStringLiteral("othercluster/haproxy-stats-direct.csv"));
        QCOMPARE(findReadWriteProxy(csv, c.value(), QStringLiteral("bravo")), QStringLiteral("pg_primary"));
        const auto servers = haproxyServerMembers(csv, c.value());
        QCOMPARE(servers.value(QStringLiteral("pg-1")), QStringLiteral("alpha"));
        QCOMPARE(servers.value(QStringLiteral("pg-3")), QStringLiteral("charlie"));
        // The override wins.
        ChaosCluster named = c.value();
        named.haproxyReadWriteProxy = QStringLiteral("pg_replicas");
        QCOMPARE(findReadWriteProxy(csv, named, QStringLiteral("bravo")), QStringLiteral("pg_replicas"));
    }

    void writeProxyFoundByItsShapeWithoutAddresses()
    {
        // No addresses in the CSV: `primary` is the proxy with one server UP of three.
        auto c = chaosClusterForProfile(stagingProfile(), recordedCluster(QStringLiteral("patroni-cluster.json")));
        QVERIFY(c);
        const QByteArray csv = readFixture(QStringLiteral("othercluster/haproxy-stats-bouncer.csv"));
        QCOMPARE(findReadWriteProxy(csv, c.value(), QStringLiteral("alpha")), QStringLiteral("primary"));
        QVERIFY(haproxyServerMembers(csv, c.value()).isEmpty());
        QCOMPARE(findReadWriteProxy(QByteArray("not a csv"), c.value(), QStringLiteral("alpha")), QString());
    }

    void theLabIsReachedAsBefore()
    {
        LabState state;
        state.secrets.superuser = QStringLiteral("lab-secret");
        const ChaosCluster lab = chaosClusterForLab(state, QStringLiteral("/tmp/lab"));
        QVERIFY(lab.builtInLab);
        QCOMPARE(lab.members.size(), kLabMembers);
        QCOMPARE(lab.postgres(QStringLiteral("pg2")).port, state.config.ports.postgres[1]);
        QCOMPARE(lab.readWrite.port, state.config.ports.haproxyReadWrite);
        QCOMPARE(lab.readWrite.password, QStringLiteral("lab-secret"));
        QCOMPARE(lab.haproxyReadWriteProxy, QStringLiteral("read_write"));
        QCOMPARE(lab.leaderKey, QStringLiteral("/service/%1/leader").arg(state.config.scope));
        QVERIFY(lab.haproxyCheckKnown);
    }

    void yourFaultsRunEverywhereButProduction()
    {
        const FaultInfo &primary = *faultById(QStringLiteral("external-primary"));
        QVERIFY(isExternalFault(primary.kind));
        QVERIFY(primary.expectsFailover);
        QVERIFY(!faultById(QStringLiteral("external-replica"))->expectsFailover);
        QVERIFY(faultAvailability(primary, chaosEnvironmentFor(stagingProfile())).available);
        // The console's own faults still need its lab.
        QVERIFY(!faultAvailability(*faultById(QStringLiteral("crash-primary")), chaosEnvironmentFor(stagingProfile())).available);
        Profile production = stagingProfile();
        production.kind = Profile::Kind::Production;
        const auto refused = faultAvailability(primary, chaosEnvironmentFor(production));
        QVERIFY(!refused.available);
        QVERIFY(refused.reason.contains(u"production"));
        Profile noEntry = stagingProfile();
        noEntry.readWrite.host.clear();
        QVERIFY(faultAvailability(primary, chaosEnvironmentFor(noEntry)).reason.contains(u"read_write"));
    }

    void yourCommandGetsTheTargetAndNoPassword()
    {
#ifdef Q_OS_WIN
        QSKIP("the command is written for /bin/sh");
#else
        qputenv("PGPASSWORD", "must-not-leak");
        CommandFaults commands;
        QString sentence;
        bool ok = false;
        bool done = false;
        commands.run(QStringLiteral("inject"), QStringLiteral("echo \"$PGHA_TARGET@$PGHA_TARGET_HOST:$PGHA_TARGET_PORT ${PGPASSWORD:-none}\""),
                     CommandFaults::targetEnvironment(QStringLiteral("bravo"), QStringLiteral("127.0.0.12"), 5432,
                                                      QStringLiteral("http://127.0.0.12:8008"), QStringLiteral("staging-ha")),
                     [&](const QString &s, bool good) {
                         sentence = s;
                         ok = good;
                         done = true;
                     });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QVERIFY2(ok, qPrintable(sentence));
        QVERIFY2(sentence.contains(u"bravo@127.0.0.12:5432 none"), qPrintable(sentence));
        // A failing command says how it failed, with what it printed.
        done = false;
        commands.run(QStringLiteral("undo"), QStringLiteral("echo no such container >&2; exit 3"), {}, [&](const QString &s, bool good) {
            sentence = s;
            ok = good;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QVERIFY(!ok);
        QVERIFY2(sentence.contains(u"exited with status 3") && sentence.contains(u"no such container"), qPrintable(sentence));
        qunsetenv("PGPASSWORD");
#endif
    }
};

QTEST_GUILESS_MAIN(TestChaosCluster)
#include "tst_chaoscluster.moc"
