// Which node each source names as the primary (the watchdog's voices), on payloads recorded
// from the lab: HAProxy's CSV with the addr column, PgBouncer's SHOW DATABASES, Pgpool-II's
// SHOW POOL_NODES, /cluster.
#include "fixture.h"
#include "haproxy/haproxystats.h"
#include "patroni/patroniparser.h"
#include "pg/pgbouncerobservation.h"
#include "primaryvoices.h"

#include <QTest>

using namespace pgha;
using namespace pgha::models;

class TestPrimaryVoices : public QObject {
    Q_OBJECT

    // The lab these payloads came from runs on port offset 100: pg1 is 127.0.0.1:5532 and
    // its PgBouncer 127.0.0.1:6532; pg1 was the leader.
    static svc::ClusterSnapshot cluster()
    {
        svc::ClusterSnapshot s;
        for (int i = 0; i < 3; ++i) {
            svc::PatroniMember m;
            m.name = QStringLiteral("pg%1").arg(i + 1);
            m.host = QStringLiteral("127.0.0.1");
            m.port = 5532 + i;
            m.role = i == 0 ? svc::MemberRole::Leader : svc::MemberRole::Replica;
            s.members.append(m);
        }
        return s;
    }
    static QList<svc::Profile::Endpoint> bouncers()
    {
        QList<svc::Profile::Endpoint> out;
        for (int i = 0; i < 3; ++i)
            out.append({QStringLiteral("pgbouncer%1").arg(i + 1), QUrl(QStringLiteral("postgresql://127.0.0.1:%1").arg(6532 + i))});
        return out;
    }
    static svc::PgBouncerObservation bouncer(const QString &name, int targetPort)
    {
        svc::PgResultSet dbs = readCsvFixture(QStringLiteral("pgbouncer/show-databases-named.csv"));
        dbs.rows[1][dbs.column(QStringLiteral("port"))] = QString::number(targetPort);
        auto o = svc::parsePgBouncer(dbs, readCsvFixture(QStringLiteral("pgbouncer/show-pools.csv"))).value();
        o.name = name;
        return o;
    }

    static ClusterLayout layout(const svc::HaproxyStats &stats, const QMap<QString, svc::PgBouncerObservation> &obs,
                                const QList<svc::Profile::Endpoint> &pgbouncers, const svc::ClusterSnapshot &c)
    {
        ClusterLayout::Inputs in;
        in.cluster = c;
        in.haproxy = stats;
        in.pgbouncers = pgbouncers;
        in.bouncerObservations = obs;
        return ClusterLayout::derive(in);
    }
    static svc::PatroniNodeReport report(const QString &member, int primaryCode)
    {
        svc::PatroniNodeReport r;
        r.name = member;
        r.member = member;
        r.primaryCode = primaryCode;
        return r;
    }

private slots:
    void haproxyAndPgBouncer()
    {
        const auto stats = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-with-addr.csv"))).value();
        QCOMPARE(stats.find(QStringLiteral("read_write"), QStringLiteral("pg1"))->address, QStringLiteral("127.0.0.1:6532"));
        QMap<QString, svc::PgBouncerObservation> obs{{QStringLiteral("pgbouncer1"), bouncer(QStringLiteral("pgbouncer1"), 5532)}};
        ClusterLayout l = layout(stats, obs, bouncers(), cluster());
        QCOMPARE(l.haproxy.readWrite.proxy, QStringLiteral("read_write"));
        QCOMPARE(l.haproxy.readWrite.how, HaproxyRoles::How::Routing);
        QCOMPARE(haproxyVoice(stats, l).value_or(QStringLiteral("?")), QStringLiteral("pg1"));

        // pg1's PgBouncer forwards to pg1: the write path ends on pg1.
        QCOMPARE(pgbouncerVoice(stats, l, obs).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        // A PgBouncer misconfigured to forward to pg2: the voice says so (the fault we look for).
        obs[QStringLiteral("pgbouncer1")] = bouncer(QStringLiteral("pgbouncer1"), 5533);
        l = layout(stats, obs, bouncers(), cluster());
        QCOMPARE(pgbouncerVoice(stats, l, obs).value_or(QStringLiteral("?")), QStringLiteral("pg2"));
        // One that spreads the database over pg1 and pg2 names both: writes may land on either.
        auto spread = bouncer(QStringLiteral("pgbouncer1"), 5532);
        spread.databases[0].host = QStringLiteral("127.0.0.1,localhost");
        spread.databases.append(spread.databases[0]);
        spread.databases[1].port = 5533;
        obs[QStringLiteral("pgbouncer1")] = spread;
        l = layout(stats, obs, bouncers(), cluster());
        QCOMPARE(pgbouncerVoice(stats, l, obs).value_or(QStringLiteral("?")), QStringLiteral("pg1 + pg2"));
        QVERIFY(l.pooler(QStringLiteral("pgbouncer1"))->spreadsOverRoles);
        // A target no member stands at cannot vote (it is shown as unmapped, not as a disagreement).
        obs[QStringLiteral("pgbouncer1")] = bouncer(QStringLiteral("pgbouncer1"), 7777);
        l = layout(stats, obs, bouncers(), cluster());
        QVERIFY(!pgbouncerVoice(stats, l, obs).has_value());
        QCOMPARE(l.pooler(QStringLiteral("pgbouncer1"))->unmapped, QStringList{QStringLiteral("unmapped: 127.0.0.1:7777")});
        // Cannot say: the PgBouncer was not read, or no PgBouncer is configured.
        QVERIFY(!pgbouncerVoice(stats, l, {}).has_value());
        QVERIFY(!pgbouncerVoice(stats, layout(stats, obs, {}, cluster()), obs).has_value());
        // Before the first /cluster the voice abstains instead of naming an address.
        QVERIFY(!pgbouncerVoice(stats, layout(stats, obs, bouncers(), {}), obs).has_value());
        // HAProxy without the addr column (no `stats show-legends`): cannot say either.
        const auto plain = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-normal.csv"))).value();
        QVERIFY(!pgbouncerVoice(plain, layout(plain, obs, bouncers(), cluster()), obs).has_value());
    }

    // The proxies found by what they route to, whatever they are called; an UP server no member
    // stands for makes HAProxy abstain rather than vote a name.
    void haproxyByRouting()
    {
        auto stats = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-normal.csv"))).value();
        for (auto &r : stats.rows)
            r.proxy = r.proxy == u"read_write" ? QStringLiteral("alpha") : r.proxy == u"read_only" ? QStringLiteral("beta") : r.proxy;
        svc::ClusterSnapshot c = cluster();
        for (auto &m : c.members)
            m.state = QStringLiteral("running");
        ClusterLayout l = layout(stats, {}, {}, c);
        QCOMPARE(l.haproxy.readWrite.proxy, QStringLiteral("alpha"));
        QCOMPARE(l.haproxy.readOnly.proxy, QStringLiteral("beta"));
        QCOMPARE(l.haproxy.readOnly.how, HaproxyRoles::How::Routing);
        QCOMPARE(haproxyVoice(stats, l).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        // Every server DOWN mid-failover: the choice made by routing is kept.
        auto down = stats;
        for (auto &r : down.rows)
            if (r.kind == svc::HaproxyRow::Kind::Server)
                r.status = QStringLiteral("DOWN");
        ClusterLayout next = ClusterLayout::derive({c, down, {}, {}, {}, {}, {}, {}}, l);
        QCOMPARE(next.haproxy.readWrite.proxy, QStringLiteral("alpha"));
        QCOMPARE(next.haproxy.readWrite.how, HaproxyRoles::How::Kept);
        QCOMPARE(haproxyVoice(down, next).value_or(QStringLiteral("?")), QString());
        // An UP server that maps to no member: HAProxy cannot say.
        auto stray = stats;
        for (auto &r : stray.rows)
            if (r.proxy == u"alpha" && r.name == u"pg1")
                r.name = QStringLiteral("spare");
        ClusterLayout strayLayout = ClusterLayout::derive({c, stray, {}, {}, {}, {}, {}, {}}, l);
        QVERIFY(!haproxyVoice(stray, strayLayout).has_value());
        QVERIFY(strayLayout.haproxy.notes.join(u' ').contains(u"alpha/spare"));
    }

    void patroniPrimary()
    {
        QList<svc::PatroniNodeReport> nodes{report(QStringLiteral("pg1"), 200), report(QStringLiteral("pg2"), 503),
                                            report(QStringLiteral("pg3"), 0)};
        svc::ClusterSnapshot c = cluster();
        c.members[2].state = QStringLiteral("stopped");   // pg3 does not answer: it is down
        for (int i = 0; i < 2; ++i)
            c.members[i].state = QStringLiteral("running");
        QCOMPARE(patroniPrimaryVoice(nodes, c).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        nodes[1].primaryCode = 200;   // two members claim it: both are named
        QCOMPARE(patroniPrimaryVoice(nodes, c).value_or(QStringLiteral("?")), QStringLiteral("pg1 + pg2"));
        nodes[0].primaryCode = nodes[1].primaryCode = 503;
        QCOMPARE(patroniPrimaryVoice(nodes, c).value_or(QStringLiteral("?")), QString());   // none: during a failover
        QVERIFY(!patroniPrimaryVoice({nodes[2]}, c).has_value());                           // nobody answered
        // Only one member asked so far (discovery adds the others next round): a replica's 503
        // says nothing about the rest — no "none" vote at startup.
        QVERIFY(!patroniPrimaryVoice({nodes[1]}, c).has_value());
        // An API /cluster does not list (a profile URL nobody maps) claims the primary: abstain.
        nodes[0].primaryCode = 200;
        nodes[0].member.clear();
        QVERIFY(!patroniPrimaryVoice(nodes, c).has_value());
    }

    // PostgreSQL endpoints listed by address (as a user's profile does) vote as the members at
    // those addresses — the defect was voting "127.0.0.12:5432" against everyone's "pg2".
    void postgresByAddress()
    {
        svc::ClusterSnapshot c = cluster();
        QList<svc::Profile::Endpoint> endpoints;
        for (const auto &m : c.members)
            endpoints.append({QStringLiteral("localhost:%1").arg(m.port), QUrl(QStringLiteral("postgresql://localhost:%1").arg(m.port))});
        endpoints.append({QStringLiteral("10.9.9.9:5432"), QUrl(QStringLiteral("postgresql://10.9.9.9:5432"))});
        ClusterLayout::Inputs in;
        in.cluster = c;
        in.postgres = endpoints;
        const ClusterLayout l = ClusterLayout::derive(in);
        QMap<QString, svc::PgNodeObservation> obs;
        for (int i = 0; i < 3; ++i) {
            svc::PgNodeObservation o;
            o.name = endpoints[i].name;
            o.inRecovery = i != 1;
            obs.insert(o.name, o);
        }
        QCOMPARE(postgresVoice(obs, l).value_or(QStringLiteral("?")), QStringLiteral("pg2"));
        QCOMPARE(l.postgresMemberOrUnmapped(QStringLiteral("10.9.9.9:5432"), QStringLiteral("10.9.9.9:5432")),
                 QStringLiteral("unmapped: 10.9.9.9:5432"));
        // A primary at an address no member stands at: no vote, rather than a disagreement.
        svc::PgNodeObservation stray;
        stray.name = QStringLiteral("10.9.9.9:5432");
        obs.insert(stray.name, stray);
        QVERIFY(!postgresVoice(obs, l).has_value());
        QVERIFY(!postgresVoice(obs, ClusterLayout{}).has_value());   // before /cluster
    }

    void pgpool()
    {
        auto o = svc::parsePgpoolNodes(readCsvFixture(QStringLiteral("pgpool/show-pool-nodes.csv"))).value();
        const MemberMap members(cluster());
        QCOMPARE(pgpoolVoice(o, members).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        o.nodes[0].status = QStringLiteral("down");
        QCOMPARE(pgpoolVoice(o, members).value_or(QStringLiteral("?")), QString());
        QVERIFY(!pgpoolVoice({}, members).has_value());
    }
};

QTEST_GUILESS_MAIN(TestPrimaryVoices)
#include "tst_primaryvoices.moc"
