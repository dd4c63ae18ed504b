// parsePgObservation on result sets recorded from the lab's primary and a replica
// (tests/fixtures/postgres, psql --csv with NULL printed as NULL).
#include "fixture.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgobservation.h"

#include <QTest>

using namespace pgha::svc;

class TestPgObservation : public QObject {
    Q_OBJECT

    static PgResultSet csvSet(const QString &file)
    {
        const QList<QByteArray> lines = readFixture(QStringLiteral("postgres/") + file).split('\n');
        PgResultSet s;
        s.columns = QString::fromUtf8(lines.value(0)).split(QLatin1Char(','));
        for (int i = 1; i < lines.size(); ++i) {
            if (lines[i].isEmpty())
                continue;
            QStringList row;
            QList<bool> nulls;
            for (const QString &f : QString::fromUtf8(lines[i]).split(QLatin1Char(','))) {
                nulls.append(f == u"NULL");
                row.append(f == u"NULL" ? QString() : f);
            }
            s.rows.append(row);
            s.nulls.append(nulls);
        }
        return s;
    }
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

    void wrongShapes()
    {
        QVERIFY(!parsePgObservation({}).ok());
        QVERIFY(parsePgObservation({csvSet(QStringLiteral("leader-set2.csv")), {}, {}}).error().message.contains(u"rows"));
        QVERIFY(parsePgObservation({{}, {}}).error().hint.contains(u"pooler"));
    }
};

QTEST_GUILESS_MAIN(TestPgObservation)
#include "tst_pgobservation.moc"
