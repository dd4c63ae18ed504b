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

private slots:
    void haproxyAndPgBouncer()
    {
        const auto stats = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-with-addr.csv"))).value();
        QCOMPARE(stats.find(QStringLiteral("read_write"), QStringLiteral("pg1"))->address, QStringLiteral("127.0.0.1:6532"));
        QCOMPARE(readWriteProxy(stats, {}), QStringLiteral("read_write"));
        QCOMPARE(haproxyVoice(stats, QStringLiteral("read_write")).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        QVERIFY(!haproxyVoice(stats, QStringLiteral("no_such_proxy")).has_value());

        // pg1's PgBouncer forwards to pg1: the write path ends on pg1.
        QMap<QString, svc::PgBouncerObservation> obs{{QStringLiteral("pgbouncer1"), bouncer(QStringLiteral("pgbouncer1"), 5532)}};
        QCOMPARE(pgbouncerVoice(stats, QStringLiteral("read_write"), bouncers(), obs, cluster()).value_or(QStringLiteral("?")),
                 QStringLiteral("pg1"));
        // A PgBouncer misconfigured to forward to pg2: the voice says so (the fault we look for).
        obs[QStringLiteral("pgbouncer1")] = bouncer(QStringLiteral("pgbouncer1"), 5533);
        QCOMPARE(pgbouncerVoice(stats, QStringLiteral("read_write"), bouncers(), obs, cluster()).value_or(QStringLiteral("?")),
                 QStringLiteral("pg2"));
        // A target that is no member is named by host:port.
        obs[QStringLiteral("pgbouncer1")] = bouncer(QStringLiteral("pgbouncer1"), 7777);
        QCOMPARE(pgbouncerVoice(stats, QStringLiteral("read_write"), bouncers(), obs, cluster()).value_or(QStringLiteral("?")),
                 QStringLiteral("127.0.0.1:7777"));
        // Cannot say: the PgBouncer was not read, or no PgBouncer is configured.
        QVERIFY(!pgbouncerVoice(stats, QStringLiteral("read_write"), bouncers(), {}, cluster()).has_value());
        QVERIFY(!pgbouncerVoice(stats, QStringLiteral("read_write"), {}, obs, cluster()).has_value());
        // Before the first /cluster the voice abstains instead of naming an address.
        QVERIFY(!pgbouncerVoice(stats, QStringLiteral("read_write"), bouncers(), obs, {}).has_value());
        // HAProxy without the addr column (no `stats show-legends`): cannot say either.
        const auto plain = svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/stats-normal.csv"))).value();
        QVERIFY(!pgbouncerVoice(plain, QStringLiteral("read_write"), bouncers(), obs, cluster()).has_value());
    }

    void patroniPrimary()
    {
        QList<svc::PatroniNodeReport> nodes{{QStringLiteral("pg1"), {}, 200, 503, 200, 0, {}, 0},
                                            {QStringLiteral("pg2"), {}, 503, 200, 200, 0, {}, 0},
                                            {QStringLiteral("pg3"), {}, 0, 0, 0, 0, QStringLiteral("refused"), 0}};
        QCOMPARE(patroniPrimaryVoice(nodes).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        nodes[1].primaryCode = 200;   // two members claim it: both are named
        QCOMPARE(patroniPrimaryVoice(nodes).value_or(QStringLiteral("?")), QStringLiteral("pg1 + pg2"));
        nodes[0].primaryCode = nodes[1].primaryCode = 503;
        QCOMPARE(patroniPrimaryVoice(nodes).value_or(QStringLiteral("?")), QString());   // none: during a failover
        QVERIFY(!patroniPrimaryVoice({nodes[2]}).has_value());                           // nobody answered
    }

    void pgpool()
    {
        auto o = svc::parsePgpoolNodes(readCsvFixture(QStringLiteral("pgpool/show-pool-nodes.csv"))).value();
        QCOMPARE(pgpoolVoice(o, cluster()).value_or(QStringLiteral("?")), QStringLiteral("pg1"));
        o.nodes[0].status = QStringLiteral("down");
        QCOMPARE(pgpoolVoice(o, cluster()).value_or(QStringLiteral("?")), QString());
        QVERIFY(!pgpoolVoice({}, cluster()).has_value());
    }
};

QTEST_GUILESS_MAIN(TestPrimaryVoices)
#include "tst_primaryvoices.moc"
