// Mapping every source to members by what /cluster reports: addresses spelled in every way the
// sources spell them, HAProxy servers by address or name, proxies found by what they route to.
#include "clusterlayout.h"
#include "core/hostport.h"
#include "fixture.h"
#include "haproxy/haproxystats.h"
#include "membermap.h"
#include "patroni/patroniparser.h"
#include "pg/pgbouncerobservation.h"

#include <QTest>

using namespace pgha;
using namespace pgha::models;

namespace {
svc::ClusterSnapshot members(const QStringList &names, const QStringList &hosts, int port, int apiPort)
{
    svc::ClusterSnapshot s;
    for (int i = 0; i < names.size(); ++i) {
        svc::PatroniMember m;
        m.name = names[i];
        m.host = hosts[i];
        m.port = port;
        m.apiUrl = QStringLiteral("http://%1/patroni").arg(svc::HostPort{hosts[i], apiPort}.text());
        m.role = i == 1 ? svc::MemberRole::Leader : svc::MemberRole::Replica;
        m.state = QStringLiteral("running");
        s.members.append(m);
    }
    return s;
}
} // namespace

class TestClusterLayout : public QObject {
    Q_OBJECT
private slots:
    void hostPortSpellings()
    {
        QCOMPARE(svc::parseHostPort(QStringLiteral("10.0.0.1:5432")), (svc::HostPort{QStringLiteral("10.0.0.1"), 5432}));
        QCOMPARE(svc::parseHostPort(QStringLiteral("[::1]:6432")), (svc::HostPort{QStringLiteral("::1"), 6432}));
        // Without brackets an IPv6 address swallows a port that could be its last group: it is
        // read as an address (HAProxy and PgBouncer print IPv6 peers in brackets).
        QCOMPARE(svc::parseHostPort(QStringLiteral("fd00::5:5432")), (svc::HostPort{QStringLiteral("fd00::5:5432"), 0}));
        QCOMPARE(svc::parseHostPort(QStringLiteral("fd00::5:70000")).host, QString());
        QCOMPARE(svc::parseHostPort(QStringLiteral("fd00::5")), (svc::HostPort{QStringLiteral("fd00::5"), 0}));
        QCOMPARE(svc::parseHostPort(QStringLiteral("pg-1"), 5432), (svc::HostPort{QStringLiteral("pg-1"), 5432}));
        QVERIFY(!svc::parseHostPort(QStringLiteral("pg-1:notaport")).isValid());
        QVERIFY(!svc::parseHostPort(QStringLiteral("pg-1:70000")).isValid());
        QVERIFY(!svc::parseHostPort(QStringLiteral("[::1")).isValid());
        QVERIFY(!svc::parseHostPort(QString()).isValid());
        QCOMPARE((svc::HostPort{QStringLiteral("::1"), 5432}).text(), QStringLiteral("[::1]:5432"));

        for (const char *loopback : {"localhost", "LOCALHOST", "127.0.0.1", "::1", "[::1]", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"})
            QCOMPARE(svc::canonicalHost(QLatin1String(loopback)), QStringLiteral("localhost"));
        QCOMPARE(svc::canonicalHost(QStringLiteral("127.0.0.11")), QStringLiteral("127.0.0.11"));   // not the loopback's twin
        QCOMPARE(svc::canonicalHost(QStringLiteral("FD00:0:0::5")), QStringLiteral("fd00::5"));
        QCOMPARE(svc::canonicalHost(QStringLiteral("::ffff:10.0.0.7")), QStringLiteral("10.0.0.7"));
        QCOMPARE(svc::canonicalHost(QStringLiteral("PG-1.example.")), QStringLiteral("pg-1.example"));
        QVERIFY(svc::sameHostPort({QStringLiteral("localhost"), 5432}, {QStringLiteral("127.0.0.1"), 5432}));
        QVERIFY(!svc::sameHostPort({QStringLiteral("localhost"), 5432}, {QStringLiteral("127.0.0.1"), 5433}));
    }

    // Members on 127.0.0.11–13 with identical ports (the shape that broke the console): every
    // address names one member; the loopback is none of them.
    void sameportsDifferentAddresses()
    {
        const MemberMap map(members({"alpha", "bravo", "charlie"}, {"127.0.0.11", "127.0.0.12", "127.0.0.13"}, 5432, 8008));
        QCOMPARE(map.memberAt(QStringLiteral("127.0.0.12:5432")).value_or(QString()), QStringLiteral("bravo"));
        QVERIFY(!map.memberAt(QStringLiteral("127.0.0.1:5432")));
        QVERIFY(!map.memberAt(QStringLiteral("127.0.0.12:6432")));   // its PgBouncer, not its PostgreSQL
        QCOMPARE(map.memberOnHost(QStringLiteral("127.0.0.12")).value_or(QString()), QStringLiteral("bravo"));
        QCOMPARE(map.memberForRestApi(QUrl(QStringLiteral("http://127.0.0.13:8008"))).value_or(QString()), QStringLiteral("charlie"));
        QVERIFY(!map.memberForRestApi(QUrl(QStringLiteral("http://127.0.0.13:8009"))));
        QCOMPARE(map.memberForServer(QStringLiteral("node_b"), QStringLiteral("127.0.0.12:5432")).value_or(QString()), QStringLiteral("bravo"));
        QCOMPARE(map.memberForServer(QStringLiteral("postgresql_127.0.0.13_5432"), QString()).value_or(QString()), QStringLiteral("charlie"));
        QVERIFY(!map.memberForServer(QStringLiteral("node_b"), QString()));
        QCOMPARE(MemberMap::unmappedText(QStringLiteral("10.0.0.9:5432")), QStringLiteral("unmapped: 10.0.0.9:5432"));

        // Our own lab's shape: one host, distinct ports; a host shared by several is no answer.
        const MemberMap lab(members({"pg1", "pg2"}, {"127.0.0.1", "127.0.0.1"}, 5432, 8008));
        QVERIFY(!lab.memberOnHost(QStringLiteral("localhost")));
    }

    void ipv6AndNames()
    {
        const MemberMap map(members({"pg-1", "pg-2"}, {"fd00::11", "pg-2.lab"}, 5432, 8008),
                            {{QStringLiteral("pg-2.lab"), {QStringLiteral("10.0.0.12")}}});
        QCOMPARE(map.memberAt(QStringLiteral("[fd00:0::11]:5432")).value_or(QString()), QStringLiteral("pg-1"));
        QVERIFY(!map.memberAt(QStringLiteral("fd00::11:5432")));   // an address of its own, no port
        // A host name and the address it resolves to meet through the aliases.
        QCOMPARE(map.memberAt(QStringLiteral("10.0.0.12:5432")).value_or(QString()), QStringLiteral("pg-2"));
        QCOMPARE(map.memberAt(QStringLiteral("PG-2.lab:5432")).value_or(QString()), QStringLiteral("pg-2"));
    }

    // Proxies named anything: found by what their UP servers are; a profile's names override;
    // a proxy without an HTTP check is said to route by something else.
    // The Docker lab (and any cluster on its own DNS): members listed by names this machine
    // cannot resolve (pg1…), PgBouncer's servers at addresses (172.18.0.x). A pooler pointing at
    // one host name tells what that name is; a pooler spreading over several tells nothing.
    void poolersTeachWhatMemberNamesResolveTo()
    {
        const svc::ClusterSnapshot c = members({"pg1", "pg2", "pg3"}, {"pg1", "pg2", "pg3"}, 5432, 8008);
        svc::PgBouncerObservation one;
        one.name = QStringLiteral("pgbouncer1");
        one.databases.append({QStringLiteral("postgres"), QStringLiteral("pg1"), QStringLiteral("postgres"), QStringLiteral("session"),
                              5432, 20, 1});
        one.servers.append({QStringLiteral("postgres"), QStringLiteral("postgres"), QStringLiteral("idle"),
                            QStringLiteral("172.18.0.6"), 5432, QString(), QStringLiteral("172.18.0.13")});
        svc::PgBouncerObservation spread = one;
        spread.name = QStringLiteral("pgbouncer2");
        spread.databases[0].host = QStringLiteral("pg1,pg2");
        spread.servers[0].address = QStringLiteral("172.18.0.9");
        spread.servers[0].localAddress = QStringLiteral("172.18.0.14");
        ClusterLayout::Inputs in;
        in.cluster = c;
        in.pgbouncers = {{QStringLiteral("pgbouncer1"), QUrl(QStringLiteral("postgresql://127.0.0.1:6432"))},
                         {QStringLiteral("pgbouncer2"), QUrl(QStringLiteral("postgresql://127.0.0.1:6433"))}};
        in.bouncerObservations.insert(one.name, one);
        in.bouncerObservations.insert(spread.name, spread);
        const ClusterLayout l = ClusterLayout::derive(in);
        QCOMPARE(l.members.memberAt(QStringLiteral("172.18.0.6:5432")).value_or(QString()), QStringLiteral("pg1"));
        QVERIFY(!l.members.memberAt(QStringLiteral("172.18.0.9:5432")));   // pg1 or pg2? not guessed
        const auto *p1 = l.pooler(QStringLiteral("pgbouncer1"));
        QVERIFY(p1);
        QCOMPARE(p1->targets, QStringList{QStringLiteral("pg1")});
        QVERIFY2(p1->unmapped.isEmpty(), qPrintable(p1->unmapped.join(u", ")));
        const auto *p2 = l.pooler(QStringLiteral("pgbouncer2"));
        QVERIFY(p2);
        QCOMPARE(p2->unmapped, QStringList{QStringLiteral("unmapped: 172.18.0.9:5432")});

        // HAProxy reaches pgbouncer1 at its container address (172.18.0.13:6432), not at the
        // published port the profile names: SHOW SERVERS' local_addr says which pooler that is.
        svc::HaproxyRow server;
        server.kind = svc::HaproxyRow::Kind::Server;
        server.proxy = QStringLiteral("read_write");
        server.name = QStringLiteral("node-a");
        server.address = QStringLiteral("172.18.0.13:6432");
        server.status = QStringLiteral("UP");
        in.haproxy.rows.append(server);
        const ClusterLayout withProxy = ClusterLayout::derive(in);
        QCOMPARE(withProxy.serverPoolers.value(QStringLiteral("read_write/node-a")), QStringLiteral("pgbouncer1"));
        QCOMPARE(withProxy.serverMembers.value(QStringLiteral("read_write/node-a")), QStringLiteral("pg1"));
        QVERIFY(withProxy.pooler(QStringLiteral("pgbouncer1"))->inClientPath);
        QVERIFY(!withProxy.pooler(QStringLiteral("pgbouncer2"))->inClientPath);
        // Both poolers leaving from one address (one host for all): no guess.
        in.bouncerObservations[QStringLiteral("pgbouncer2")].servers[0].localAddress = QStringLiteral("172.18.0.13");
        QVERIFY(!ClusterLayout::derive(in).serverPoolers.contains(QStringLiteral("read_write/node-a")));
    }

    void proxiesByRouting()
    {
        const svc::ClusterSnapshot c = members({"alpha", "bravo", "charlie"}, {"127.0.0.11", "127.0.0.12", "127.0.0.13"}, 5432, 8008);
        auto stats = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-normal.csv"))).value();
        // Recorded with pg1 leader; rename and readdress as a user's HAProxy: pg1 → bravo (the leader here).
        const QHash<QString, QString> hostOf{{QStringLiteral("pg1"), QStringLiteral("127.0.0.12")},
                                             {QStringLiteral("pg2"), QStringLiteral("127.0.0.11")},
                                             {QStringLiteral("pg3"), QStringLiteral("127.0.0.13")}};
        for (auto &r : stats.rows) {
            if (r.kind != svc::HaproxyRow::Kind::Server)
                continue;
            r.address = hostOf.value(r.name) + QStringLiteral(":5432");
            r.name = QStringLiteral("srv%1").arg(r.name.right(1));
            r.proxy = r.proxy == u"read_write" ? QStringLiteral("pg_a") : QStringLiteral("pg_b");
        }
        ClusterLayout::Inputs in;
        in.cluster = c;
        in.haproxy = stats;
        ClusterLayout l = ClusterLayout::derive(in);
        QCOMPARE(l.haproxy.readWrite.proxy, QStringLiteral("pg_a"));
        QCOMPARE(l.haproxy.readWrite.how, HaproxyRoles::How::Routing);
        QCOMPARE(l.haproxy.readOnly.proxy, QStringLiteral("pg_b"));
        QCOMPARE(l.serverMembers.value(QStringLiteral("pg_a/srv1")), QStringLiteral("bravo"));
        QVERIFY2(l.haproxy.notes.isEmpty(), qPrintable(l.haproxy.notes.join(u'\n')));

        in.readWriteProxy = QStringLiteral("pg_b");   // the profile says otherwise: it wins
        in.readOnlyProxy = QStringLiteral("pg_a");
        l = ClusterLayout::derive(in);
        QCOMPARE(l.haproxy.readWrite.proxy, QStringLiteral("pg_b"));
        QCOMPARE(l.haproxy.readWrite.how, HaproxyRoles::How::Configured);
        in.readWriteProxy = QStringLiteral("nosuch");
        in.readOnlyProxy.clear();
        l = ClusterLayout::derive(in);
        QVERIFY(l.haproxy.readWrite.reason.contains(u"no proxy of that name"));

        // No HTTP check anywhere (plain TCP balancing): said in words.
        in.readWriteProxy.clear();
        for (auto &r : in.haproxy.rows) {
            r.checkStatus = QStringLiteral("L4OK");
            r.checkCode = 0;
        }
        l = ClusterLayout::derive(in);
        QVERIFY(l.haproxy.notes.join(u'\n').contains(u"pg_a has no HTTP health check"));

        // Names decide only when routing cannot: read_write is never taken for a read proxy.
        svc::HaproxyStats named = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-normal.csv"))).value();
        ClusterLayout::Inputs none;
        none.haproxy = named;   // no /cluster yet
        l = ClusterLayout::derive(none);
        QCOMPARE(l.haproxy.readWrite.proxy, QStringLiteral("read_write"));
        QCOMPARE(l.haproxy.readWrite.how, HaproxyRoles::How::Name);
        QCOMPARE(l.haproxy.readOnly.proxy, QStringLiteral("read_only"));
    }
};

QTEST_GUILESS_MAIN(TestClusterLayout)
#include "tst_clusterlayout.moc"
