// Where a lab start's time went (LabStartBreakdown): stages on the start's clock, shares of the
// total, stages that were never reached, the table `pgha lab start` prints, and its JSON.
#include "lab/labstartbreakdown.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace pgha::svc;

namespace {

// A cold start as the native lab records it (times in ms, as measured on the lab once).
LabStartBreakdown coldStart()
{
    LabStartBreakdown b;
    b.flavor = QStringLiteral("native");
    b.fromNothing = true;
    b.advance(QStringLiteral("prepare"), QStringLiteral("checks and configuration"), 0);
    b.advance(QStringLiteral("etcd"), QStringLiteral("etcd ×3: quorum"), 100);
    b.beginParallel(QStringLiteral("proxies"), QStringLiteral("proxies: PgBouncer ×3, HAProxy"), 100);
    b.end(QStringLiteral("proxies"), 400);
    b.advance(QStringLiteral("bootstrap"), QStringLiteral("bootstrap: initdb, leader"), 600);
    b.beginParallel(QStringLiteral("replica:pg2"), QStringLiteral("pg2: basebackup, up"), 3500);
    b.beginParallel(QStringLiteral("replica:pg1"), QStringLiteral("pg1: basebackup, up"), 3500);
    b.setNote(QStringLiteral("bootstrap"), QStringLiteral("pg3 leads"));
    b.advance(QStringLiteral("replicas"), QStringLiteral("replicas running"), 4300);
    b.end(QStringLiteral("replica:pg2"), 5900);
    b.end(QStringLiteral("replica:pg1"), 5900);
    b.advance(QStringLiteral("health"), QStringLiteral("health check (data path)"), 6000);
    b.finish(6100);
    return b;
}

QStringList keysOf(const QList<const LabStartStage *> &stages)
{
    QStringList keys;
    for (const auto *s : stages)
        keys << s->key;
    return keys;
}

} // namespace

class TestLabStartBreakdown : public QObject {
    Q_OBJECT

private slots:
    void criticalStagesFollowOneAnotherAndAddUpToTheTotal()
    {
        const LabStartBreakdown b = coldStart();
        QCOMPARE(b.totalMs(), 6100);
        QCOMPARE(b.criticalPathMs(), 6100);
        qint64 previousEnd = 0;
        for (const auto &s : b.stages()) {
            QVERIFY2(s.finished(), qPrintable(s.key));
            if (s.parallel)
                continue;
            QCOMPARE(s.startMs, previousEnd);   // contiguous: each begins where the one before ended
            previousEnd = s.endMs;
        }
        QCOMPARE(previousEnd, b.totalMs());
        QCOMPARE(b.stage(QStringLiteral("bootstrap"))->durationMs(), 3700);
        QCOMPARE(b.stage(QStringLiteral("bootstrap"))->note, QStringLiteral("pg3 leads"));
    }

    void stagesAreKeptInOrderOfTheirStart()
    {
        LabStartBreakdown b;
        b.advance(QStringLiteral("a"), QStringLiteral("A"), 0);
        b.advance(QStringLiteral("b"), QStringLiteral("B"), 500);
        // Begun later, but started earlier (a stage recorded after the fact).
        b.beginParallel(QStringLiteral("p"), QStringLiteral("P"), 200);
        b.beginParallel(QStringLiteral("q"), QStringLiteral("Q"), 500);
        QStringList keys;
        for (const auto &s : b.stages())
            keys << s.key;
        QCOMPARE(keys, (QStringList{QStringLiteral("a"), QStringLiteral("p"), QStringLiteral("b"), QStringLiteral("q")}));
    }

    void aStageBegunTwiceKeepsItsFirstStartAndEndsOnce()
    {
        LabStartBreakdown b;
        b.advance(QStringLiteral("a"), QStringLiteral("A"), 0);
        b.beginParallel(QStringLiteral("p"), QStringLiteral("P"), 100);
        b.beginParallel(QStringLiteral("p"), QStringLiteral("P again"), 300);
        b.end(QStringLiteral("p"), 400);
        b.end(QStringLiteral("p"), 900);
        b.end(QStringLiteral("nothing"), 900);   // unknown: ignored
        QCOMPARE(b.stage(QStringLiteral("p"))->startMs, 100);
        QCOMPARE(b.stage(QStringLiteral("p"))->endMs, 400);
        QCOMPARE(b.stage(QStringLiteral("p"))->label, QStringLiteral("P"));
        // An end before the start (clocks of two observers) is clamped, never negative.
        b.beginParallel(QStringLiteral("r"), QStringLiteral("R"), 500);
        b.end(QStringLiteral("r"), 450);
        QCOMPARE(b.stage(QStringLiteral("r"))->durationMs(), 0);
    }

    void shares_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("share");
        QTest::newRow("prepare 100 of 6100 ms") << QStringLiteral("prepare") << 100.0 / 6100;
        QTest::newRow("bootstrap 3700 of 6100 ms") << QStringLiteral("bootstrap") << 3700.0 / 6100;
        QTest::newRow("a replica beside it, 2400 ms") << QStringLiteral("replica:pg2") << 2400.0 / 6100;
        QTest::newRow("health 100 ms") << QStringLiteral("health") << 100.0 / 6100;
    }

    void shares()
    {
        QFETCH(QString, key);
        QFETCH(double, share);
        const LabStartBreakdown b = coldStart();
        QVERIFY(qAbs(b.share(*b.stage(key)) - share) < 1e-9);
    }

    void missingAndUnfinishedStages()
    {
        // A start that failed during the bootstrap: no replicas, no health check; the bootstrap
        // never ended by itself (the start's end closes it), a replica's stage stays open.
        LabStartBreakdown b;
        b.advance(QStringLiteral("prepare"), QStringLiteral("checks and configuration"), 0);
        b.advance(QStringLiteral("etcd"), QStringLiteral("etcd ×3: quorum"), 50);
        b.advance(QStringLiteral("bootstrap"), QStringLiteral("bootstrap: initdb, leader"), 700);
        b.beginParallel(QStringLiteral("replica:pg2"), QStringLiteral("pg2: basebackup"), 2000);
        QVERIFY(!b.has(QStringLiteral("health")));
        QCOMPARE(b.share(*b.stage(QStringLiteral("bootstrap"))), -1.0);   // no total yet, and unfinished
        b.finish(4000);
        QVERIFY(!b.has(QStringLiteral("replicas")));
        QCOMPARE(b.stage(QStringLiteral("bootstrap"))->endMs, 4000);
        QVERIFY(!b.stage(QStringLiteral("replica:pg2"))->finished());
        QCOMPARE(b.share(*b.stage(QStringLiteral("replica:pg2"))), -1.0);
        QCOMPARE(b.criticalPathMs(), 4000);
        const QStringList table = b.table();
        const QString replicaRow = table.filter(QStringLiteral("pg2: basebackup")).value(0);
        QVERIFY2(replicaRow.contains(u'—'), qPrintable(replicaRow));   // its end and seconds unknown
        QVERIFY(!replicaRow.contains(u'%'));

        // Nothing recorded: nothing to show, no total.
        const LabStartBreakdown empty;
        QVERIFY(empty.isEmpty());
        QVERIFY(empty.table().isEmpty());
        QCOMPARE(empty.totalMs(), -1);
    }

    void displayOrderPutsParallelStagesUnderTheStageTheyBeganIn()
    {
        const LabStartBreakdown b = coldStart();
        QCOMPARE(keysOf(b.displayOrder()),
                 (QStringList{QStringLiteral("prepare"), QStringLiteral("etcd"), QStringLiteral("proxies"),
                              QStringLiteral("bootstrap"), QStringLiteral("replica:pg2"), QStringLiteral("replica:pg1"),
                              QStringLiteral("replicas"), QStringLiteral("health")}));
        // A parallel stage that began before any critical one comes first.
        LabStartBreakdown early;
        early.beginParallel(QStringLiteral("p"), QStringLiteral("P"), 0);
        early.advance(QStringLiteral("a"), QStringLiteral("A"), 10);
        QCOMPARE(keysOf(early.displayOrder()), (QStringList{QStringLiteral("p"), QStringLiteral("a")}));
    }

    void tableIsAlignedWithSharesAndATotal()
    {
        const QStringList lines = coldStart().table();
        // Header, 8 stages, total, the note about indentation.
        QCOMPARE(lines.size(), 11);
        QVERIFY(lines.front().startsWith(u"stage"));
        QVERIFY(lines.front().endsWith(u"share"));
        // Every number column ends where the header's does.
        const qsizetype shareEnd = lines.front().size();
        for (int i = 1; i <= 9; ++i)
            QVERIFY2(lines[i].size() == shareEnd, qPrintable(lines[i]));
        QVERIFY(lines[1].startsWith(u"checks and configuration"));
        QVERIFY(lines[3].startsWith(u"  proxies"));   // beside etcd, indented
        const QString bootstrap = lines[4];
        QVERIFY(bootstrap.startsWith(u"bootstrap: initdb"));
        QVERIFY2(bootstrap.contains(QStringLiteral("0.6    4.3    3.7   61 %")), qPrintable(bootstrap));
        QVERIFY(lines[9].startsWith(u"total"));
        QVERIFY2(lines[9].endsWith(QStringLiteral("6.1    6.1  100 %")), qPrintable(lines[9]));
        QVERIFY(lines[10].contains(u"in parallel"));

        // Without parallel stages there is nothing to explain.
        LabStartBreakdown plain;
        plain.advance(QStringLiteral("a"), QStringLiteral("only stage"), 0);
        plain.finish(1234);
        QCOMPARE(plain.table().size(), 3);
        QVERIFY(plain.table().last().startsWith(u"total"));
    }

    void jsonRoundTrip()
    {
        const LabStartBreakdown b = coldStart();
        const QJsonObject o = b.toJson();
        QCOMPARE(o.value(u"totalMs").toInteger(), 6100);
        QCOMPARE(o.value(u"criticalPathMs").toInteger(), 6100);
        QCOMPARE(o.value(u"stages").toArray().size(), 8);
        const QJsonObject bootstrap = o.value(u"stages").toArray().at(3).toObject();
        QCOMPARE(bootstrap.value(u"key").toString(), QStringLiteral("bootstrap"));
        QCOMPARE(bootstrap.value(u"durationMs").toInteger(), 3700);
        QCOMPARE(bootstrap.value(u"share").toDouble(), 0.607);
        QCOMPARE(bootstrap.value(u"note").toString(), QStringLiteral("pg3 leads"));
        QCOMPARE(LabStartBreakdown::fromJson(o), b);
    }

    void hostileJsonIsSkippedStageByStage()
    {
        QJsonObject o = coldStart().toJson();
        QJsonArray stages = o.value(u"stages").toArray();
        stages.append(QJsonObject{{QStringLiteral("label"), QStringLiteral("no key")}, {QStringLiteral("startMs"), 5}});
        stages.append(QJsonObject{{QStringLiteral("key"), QStringLiteral("x")}, {QStringLiteral("startMs"), QStringLiteral("soon")}});
        stages.append(QStringLiteral("not an object"));
        o.insert(QStringLiteral("stages"), stages);
        o.insert(QStringLiteral("totalMs"), QStringLiteral("a while"));
        const LabStartBreakdown b = LabStartBreakdown::fromJson(o);
        QCOMPARE(b.stages().size(), 8);
        QCOMPARE(b.totalMs(), -1);
        QVERIFY(LabStartBreakdown::fromJson(QJsonObject{}).isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestLabStartBreakdown)
#include "tst_labstartbreakdown.moc"
