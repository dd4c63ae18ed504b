// parsePgObservation on result sets recorded from the lab's primary and a replica
// (tests/fixtures/postgres, psql --csv with NULL printed as NULL).
#include "fixture.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgobservation.h"
#include "pg/pgpoolobservation.h"

#include <QTest>

using namespace pgha::svc;

class TestPgObservation : public QObject {
    Q_OBJECT

    static PgResultSet csvSet(const QString &file) { return readCsvFixture(QStringLiteral("postgres/") + file); }
    static PgResultSet csvAt(const QString &path)
    {
        return csvSet(QStringLiteral("../") + path);
    }
    static QList<PgResultSet> sets(const QString &role)
    {
        return {csvSet(role + QStringLiteral("-set1.csv")), csvSet(role + QStringLiteral("-set2.csv")),
                csvSet(role + QStringLiteral("-set3.csv"))};
    }

private slots:
    void primary()
    {
        const auto r = parsePgObservation(sets(QStringLiteral("leader")));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const auto &o = r.value();
        QVERIFY(!o.inRecovery);
        QCOMPARE(o.timeline.value_or(0), 1);
        QCOMPARE(o.currentLsn, QStringLiteral("0/4028BA8"));
        QVERIFY(o.serverVersion.startsWith(u"15."));
        QCOMPARE(o.replication.size(), 2);
        QCOMPARE(o.replication[0].state, QStringLiteral("streaming"));
        QVERIFY(o.replication[0].replayLagS.has_value());       // WAL was flowing to pg1
        QVERIFY(!o.replication[1].replayLagS.has_value());      // NULL: nothing flowing to pg3
        QCOMPARE(o.replication[1].replayLagBytes.value_or(-1), 0);
        QVERIFY(!o.walReceiver.has_value());
    }

    void replica()
    {
        const auto r = parsePgObservation(sets(QStringLiteral("replica")));
        QVERIFY(r.ok());
        const auto &o = r.value();
        QVERIFY(o.inRecovery);
        QVERIFY(o.currentLsn.isEmpty());
        QCOMPARE(o.replayLsn, QStringLiteral("0/4028BA8"));
        QVERIFY(o.replayAgeS.has_value());
        QVERIFY(o.replication.isEmpty());
        QVERIFY(o.walReceiver.has_value());
        QCOMPARE(o.walReceiver->status, QStringLiteral("streaming"));
        QCOMPARE(o.walReceiver->senderPort, 5433);
        QCOMPARE(o.walReceiver->receivedTimeline, 1);
    }

    void pgbouncerAdminConsole()
    {
        const auto r = parsePgBouncer(csvAt(QStringLiteral("pgbouncer/show-databases.csv")), csvAt(QStringLiteral("pgbouncer/show-pools.csv")));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r.value().databases.size(), 1);   // the admin console's own entry left out
        QCOMPARE(r.value().target(), QStringLiteral("127.0.0.1:5432"));
        QCOMPARE(r.value().pools.size(), 1);
        QCOMPARE(r.value().pools[0].serversIdle, 1);
        QCOMPARE(r.value().pools[0].poolMode, QStringLiteral("session"));
        QVERIFY(!parsePgBouncer(csvAt(QStringLiteral("pgbouncer/show-pools.csv")), csvAt(QStringLiteral("pgbouncer/show-pools.csv"))).ok());
    }

    void pgbouncerFourCommandsOnOneConnection()
    {
        // SHOW DATABASES/POOLS/STATS/SERVERS recorded while a client ran pg_sleep through it.
        const auto r = parsePgBouncer({csvAt(QStringLiteral("pgbouncer/show-databases-named.csv")),
                                       csvAt(QStringLiteral("pgbouncer/show-pools-active.csv")),
                                       csvAt(QStringLiteral("pgbouncer/show-stats.csv")),
                                       csvAt(QStringLiteral("pgbouncer/show-servers-active.csv"))});
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r.value().target(), QStringLiteral("127.0.0.1:5532"));   // the named "postgres" entry
        QCOMPARE(r.value().pools.value(0).clientsActive, 1);
        QCOMPARE(r.value().stats.size(), 1);                              // the admin console's own left out
        QCOMPARE(r.value().stats[0].totalXacts, 8);
        QCOMPARE(r.value().stats[0].avgXactUs, 9175);
        QCOMPARE(r.value().servers.size(), 1);
        QCOMPARE(r.value().servers[0].state, QStringLiteral("active"));
        QCOMPARE(r.value().servers[0].port, 5532);
        QCOMPARE(r.value().servers[0].applicationName, QStringLiteral("psql"));
        // An older PgBouncer, or one asked only two commands: stats and servers stay empty.
        const auto two = parsePgBouncer({csvAt(QStringLiteral("pgbouncer/show-databases.csv")), csvAt(QStringLiteral("pgbouncer/show-pools.csv"))});
        QVERIFY(two.ok());
        QVERIFY(two.value().servers.isEmpty());
        QVERIFY(!parsePgBouncer(QList<PgResultSet>{csvAt(QStringLiteral("pgbouncer/show-databases.csv"))}).ok());
    }

    void pgpoolNodes()
    {
        const auto r = parsePgpoolNodes(csvAt(QStringLiteral("pgpool/show-pool-nodes.csv")));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r.value().nodes.size(), 3);
        QCOMPARE(r.value().primaries(), QStringList{QStringLiteral("127.0.0.1:5532")});
        QCOMPARE(r.value().nodes[1].replicationState, QStringLiteral("streaming"));
        QCOMPARE(r.value().nodes[1].pgRole, QStringLiteral("standby"));
        QVERIFY(r.value().nodes[0].loadBalanceNode);
        // A detached primary sends writes nowhere.
        PgResultSet down = csvAt(QStringLiteral("pgpool/show-pool-nodes.csv"));
        down.rows[0][down.column(QStringLiteral("status"))] = QStringLiteral("down");
        QVERIFY(parsePgpoolNodes(down).value().primaries().isEmpty());
        // Not Pgpool: PgBouncer's SHOW POOLS, or a port that is not a number.
        QVERIFY(parsePgpoolNodes(csvAt(QStringLiteral("pgbouncer/show-pools.csv"))).error().hint.contains(u"Pgpool"));
        PgResultSet bad = csvAt(QStringLiteral("pgpool/show-pool-nodes.csv"));
        bad.rows[2][bad.column(QStringLiteral("port"))] = QStringLiteral("five");
        QVERIFY(!parsePgpoolNodes(bad).ok());
    }

    // libpq gives connection failures as text only: one function names their kind, on the
    // messages a real libpq printed (tests/fixtures/postgres/libpq-errors.tsv).
    void libpqFailuresHaveAKind()
    {
        int seen = 0;
        for (const QByteArray &line : readFixture(QStringLiteral("postgres/libpq-errors.tsv")).split('\n')) {
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const int tab = line.indexOf('\t');
            const QString expected = QString::fromUtf8(line.left(tab));
            const QString message = QString::fromUtf8(line.mid(tab + 1));
            QCOMPARE(errorKindName(pgErrorKind(message)), expected);
            ++seen;
        }
        QCOMPARE(seen, 6);
        QCOMPARE(pgErrorKind(QStringLiteral("ERROR: canceling statement due to statement timeout"), QStringLiteral("57014")),
                 ErrorKind::Rejected);
        QCOMPARE(pgErrorKind(QStringLiteral("FATAL:  the database system is starting up"), QStringLiteral("57P03")),
                 ErrorKind::Unavailable);
    }

    void wrongShapes()
    {
        QVERIFY(!parsePgObservation({}).ok());
        QVERIFY(parsePgObservation({csvSet(QStringLiteral("leader-set2.csv")), {}, {}}).error().message.contains(u"rows"));
        QVERIFY(parsePgObservation({{}, {}}).error().hint.contains(u"pooler"));
    }
};

QTEST_GUILESS_MAIN(TestPgObservation)
#include "tst_pgobservation.moc"
