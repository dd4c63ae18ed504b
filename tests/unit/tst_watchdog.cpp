// The consistency watchdog on a scripted switchover: Patroni moves first, the DCS follows,
// HAProxy has no write server for a moment, then agrees.
#include "consistencywatchdog.h"

#include <QSignalSpy>
#include <QTest>

using pgha::models::ClusterEvent;
using pgha::models::ConsistencyWatchdog;

class TestWatchdog : public QObject {
    Q_OBJECT
private slots:
    void switchoverWindow()
    {
        ConsistencyWatchdog w;
        QSignalSpy events(&w, &ConsistencyWatchdog::event);
        w.report(ConsistencyWatchdog::kDcs, QStringLiteral("pg1"), 0);
        w.report(ConsistencyWatchdog::kPatroni, QStringLiteral("pg1"), 10);
        w.report(ConsistencyWatchdog::kHaproxy, QStringLiteral("pg1"), 20);
        QCOMPARE(events.size(), 0);

        w.report(ConsistencyWatchdog::kPatroni, QStringLiteral("pg2"), 1000);
        QCOMPARE(events.size(), 1);
        QVERIFY(w.inDisagreement());
        QCOMPARE(events.last().at(0).value<ClusterEvent>().kind, QStringLiteral("disagreement-started"));
        w.report(ConsistencyWatchdog::kDcs, QStringLiteral("pg2"), 1200);
        w.report(ConsistencyWatchdog::kHaproxy, QString(), 1500);             // no server UP
        w.report(ConsistencyWatchdog::kHaproxy, std::nullopt, 1600);          // stats unreadable: not counted
        QVERIFY(!w.inDisagreement());                                         // the readable two agree…
        QCOMPARE(events.size(), 2);
        w.report(ConsistencyWatchdog::kHaproxy, QString(), 1700);             // …until HAProxy is read again
        QVERIFY(w.inDisagreement());
        w.report(ConsistencyWatchdog::kHaproxy, QStringLiteral("pg2"), 2800);
        QVERIFY(!w.inDisagreement());
        const auto ended = events.last().at(0).value<ClusterEvent>();
        QCOMPARE(ended.kind, QStringLiteral("disagreement-ended"));
        QCOMPARE(ended.subject, QStringLiteral("pg2"));
        QVERIFY2(ended.text.contains(u"for 1.1 s"), qPrintable(ended.text));
        QVERIFY2(ended.text.contains(u"HAProxy read-write had none"), qPrintable(ended.text));
        QCOMPARE(w.windows(), 2);
        QCOMPARE(w.longestWindowMs(), 1100);
    }

    void namesTheSourceThatLagged()
    {
        ConsistencyWatchdog w;
        QSignalSpy events(&w, &ConsistencyWatchdog::event);
        w.report(ConsistencyWatchdog::kPatroni, QStringLiteral("pg1"), 0);
        w.report(ConsistencyWatchdog::kHaproxy, QStringLiteral("pg1"), 0);
        w.report(ConsistencyWatchdog::kPatroni, QStringLiteral("pg2"), 100);
        w.report(ConsistencyWatchdog::kHaproxy, QStringLiteral("pg2"), 1900);
        const auto ended = events.last().at(0).value<ClusterEvent>();
        QVERIFY2(ended.text.contains(u"HAProxy read-write still said pg1"), qPrintable(ended.text));
        QVERIFY2(ended.text.contains(u"for 1.8 s"), qPrintable(ended.text));
    }

    void twoWriteServersDisagree()
    {
        ConsistencyWatchdog w;
        w.report(ConsistencyWatchdog::kPatroni, QStringLiteral("pg1"), 0);
        w.report(ConsistencyWatchdog::kHaproxy, QStringLiteral("pg1 + pg2"), 0);
        QVERIFY(w.inDisagreement());
    }
};

QTEST_GUILESS_MAIN(TestWatchdog)
#include "tst_watchdog.moc"
