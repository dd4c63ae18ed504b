// Mapping every source to members by what /cluster reports: addresses spelled in every way the
// sources spell them, HAProxy servers by address or name, proxies found by what they route to.
#include "clusterlayout.h"
#include "core/hostport.h"
#include "fixture.h"
#include "haproxy/haproxystats.h"
#include "membermap.h"
#include "patroni/patroniparser.h"

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
