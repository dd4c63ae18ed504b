// The status bar's source chips (views/sourcestatusbar.*, views/sourcechip.*), offscreen and
// without a lab: one chip per kind of source, its colour from how many answer, the latency
// dropped when the bar is narrow, the tooltip built from the model when asked, and one refresh
// for a whole poll round's answers rather than one per source.
#include "rolecolors.h"
#include "sourcechip.h"
#include "sourcehealthmodel.h"
#include "sourcestatusbar.h"

#include <QDateTime>
#include <QEvent>
#include <QTest>

using namespace pgha;

namespace {

svc::SourceHealth source(const QString &id, bool reachable, qint64 latencyMs = 5)
{
    svc::SourceHealth h;
    h.id = id;
    h.label = id.section(QLatin1Char(':'), 1) + QStringLiteral(" REST");
    h.url = QUrl(QStringLiteral("http://127.0.0.1:8008/") + id.section(QLatin1Char(':'), 1));
    h.reachable = reachable;
    h.everPolled = true;
    h.latencyMs = reachable ? latencyMs : -1;
    h.lastSuccessMs = reachable ? QDateTime::currentMSecsSinceEpoch() : 0;
    h.intervalMs = 1000;
    h.lastError = reachable ? QString() : QStringLiteral("connection refused");
    return h;
}

// A bar on screen over its own model.
struct ShownBar {
    models::SourceHealthModel model;
    views::SourceStatusBar bar{&model};

    bool show()
    {
        bar.resize(1200, 24);
        bar.show();
        return QTest::qWaitForWindowExposed(&bar);
    }
    views::SourceChip *chip(const char *kind) const
    {
        return bar.findChild<views::SourceChip *>(QStringLiteral("source:") + QLatin1String(kind));
    }
};

} // namespace

class TestStatusBar : public QObject {
    Q_OBJECT

private slots:
    void oneRefreshPerRound()
    {
        ShownBar shown;
        QVERIFY(shown.show());
        auto &model = shown.model;
        model.update(source(QStringLiteral("patroni:pg1"), true));
        QTRY_VERIFY(shown.chip("patroni"));
        auto *chip = shown.chip("patroni");
        QTRY_VERIFY(chip->plainText().contains(u"1/1"));

        // A round: 20 members answer one after the other. The chip waits for the round,
        // then shows it whole.
        for (int i = 2; i <= 21; ++i)
            model.update(source(QStringLiteral("patroni:pg%1").arg(i), true, i));
        QVERIFY2(chip->plainText().contains(u"1/1"), qPrintable(chip->plainText()));
        QTRY_VERIFY_WITH_TIMEOUT(chip->plainText().contains(u"21/21 · < 50 ms"), 2 * views::SourceStatusBar::kCoalesceMs + 500);
    }

    void colourFollowsHowManyAnswer()
    {
        ShownBar shown;
        QVERIFY(shown.show());
        auto &model = shown.model;
        auto &bar = shown.bar;
        model.update(source(QStringLiteral("etcd:etcd1"), true));
        model.update(source(QStringLiteral("etcd:etcd2"), true));
        QTRY_VERIFY(shown.chip("etcd"));
        auto *chip = shown.chip("etcd");
        QTRY_COMPARE(chip->dotColor(), views::healthColor(true));
        model.update(source(QStringLiteral("etcd:etcd2"), false));
        QTRY_COMPARE(chip->dotColor(), views::pendingColor());
        QTRY_VERIFY(chip->plainText().contains(u"1/2"));
        model.update(source(QStringLiteral("etcd:etcd1"), false));
        QTRY_COMPARE(chip->dotColor(), views::healthColor(false));
        // The tooltip is the model's at the moment it is asked for: every source, its error.
        const QString tip = bar.chipText(QStringLiteral("etcd:etcd1"));
        QVERIFY2(tip.contains(u"etcd1 REST") && tip.contains(u"etcd2 REST") && tip.contains(u"connection refused"), qPrintable(tip));
    }

    void narrowBarDropsTheLatency()
    {
        ShownBar shown;
        QVERIFY(shown.show());
        auto &model = shown.model;
        auto &bar = shown.bar;
        for (const char *kind : {"patroni", "etcd", "haproxy", "postgres", "pgbouncer", "pgpool", "metrics"})
            model.update(source(QStringLiteral("%1:x").arg(QLatin1String(kind)), true, 123));
        QTRY_VERIFY(shown.chip("pgpool"));
        auto *chip = shown.chip("pgpool");
        QTRY_VERIFY(chip->plainText().endsWith(u"1/1 · < 250 ms"));
        const int wide = chip->sizeHint().width();
        bar.resize(300, 24);
        QTRY_VERIFY2(chip->plainText().endsWith(u"1/1"), qPrintable(chip->plainText()));
        QVERIFY(chip->sizeHint().width() < wide);
        bar.resize(1200, 24);
        QTRY_VERIFY(chip->plainText().endsWith(u"< 250 ms"));
    }

    // The latency is a band: a round whose answers are a few ms slower or faster than the last
    // repaints nothing; crossing a band does.
    void latencyWithinItsBandRepaintsNothing()
    {
        ShownBar shown;
        QVERIFY(shown.show());
        shown.model.update(source(QStringLiteral("etcd:e1"), true, 3));
        QTRY_VERIFY(shown.chip("etcd"));
        auto *chip = shown.chip("etcd");
        QTRY_VERIFY(chip->plainText().endsWith(u"1/1 · < 10 ms"));
        struct PaintCounter : QObject {
            int paints = 0;
            bool eventFilter(QObject *, QEvent *e) override
            {
                paints += e->type() == QEvent::Paint ? 1 : 0;
                return false;
            }
        } counter;
        QTest::qWait(2 * views::SourceStatusBar::kCoalesceMs);   // the first paint is over
        chip->installEventFilter(&counter);
        for (const qint64 ms : {7, 4, 9, 2, 8})
            shown.model.update(source(QStringLiteral("etcd:e1"), true, ms));
        QTest::qWait(views::SourceStatusBar::kRefreshMs + 2 * views::SourceStatusBar::kCoalesceMs);
        QCOMPARE(counter.paints, 0);
        shown.model.update(source(QStringLiteral("etcd:e1"), true, 60));
        QTRY_VERIFY(chip->plainText().endsWith(u"1/1 · < 100 ms"));
        QTRY_VERIFY(counter.paints > 0);
        QCOMPARE(views::SourceStatusBar::latencyBand(0), QStringLiteral("< 10 ms"));
        QCOMPARE(views::SourceStatusBar::latencyBand(499), QStringLiteral("< 500 ms"));
        QCOMPARE(views::SourceStatusBar::latencyBand(999), QStringLiteral("< 1 s"));
        QCOMPARE(views::SourceStatusBar::latencyBand(4000), QStringLiteral("≥ 1 s"));
    }

    void hiddenBarWaits()
    {
        ShownBar hidden;
        hidden.model.update(source(QStringLiteral("haproxy:stats"), true));
        QTest::qWait(2 * views::SourceStatusBar::kCoalesceMs);
        QVERIFY(!hidden.chip("haproxy"));   // nobody sees it: nothing built
        QVERIFY(hidden.show());
        QTRY_VERIFY(hidden.chip("haproxy"));
    }
};

QTEST_MAIN(TestStatusBar)
#include "tst_statusbar.moc"
