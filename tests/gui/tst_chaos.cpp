// The Chaos tab and the one-click Failover demo, offscreen, on a native lab of its own (port
// offset 900, its own lab directory and its own chaos run store): the demo crashes the real
// primary, the strip above the topology counts the outage live, the report card follows with
// the verdict and the RTO, the run lands in the runs table and the store, and exports as CSV.
// On a staging profile every fault is disabled, with the reason in words.
#include "isolatedsettings.h"
#include "../integration/labtestutil.h"

#include "actionmenu.h"
#include "application.h"
#include "chaoscontroller.h"
#include "chaosliveview.h"
#include "chaosloadchart.h"
#include "chaospanel.h"
#include "chaosphasebar.h"
#include "chaosreportcard.h"
#include "chaosrunsview.h"
#include "chaosstrip.h"
#include "clustermodel.h"
#include "clusterobserver.h"
#include "eventtimelinemodel.h"
#include "experimentcontroller.h"
#include "experimentsview.h"
#include "figureview.h"
#include "mainwindow.h"
#include "rtodistributionchart.h"
#include "topologynode.h"
#include "topologyview.h"

#include "chaos/chaosseries.h"
#include "chaos/faultcatalog.h"
#include "http/httpclient.h"
#include "lab/labprofile.h"
#include "profile/profile.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace pgha;

namespace {

constexpr int kOffset = 900;
constexpr int kWindowWidth = 1280;
constexpr int kWindowHeight = 800;
constexpr int kPanelWidth = 890;             // the Chaos tab's size in a 1280×800 window
constexpr int kPanelHeight = 440;
constexpr int kClusterTimeoutMs = 30000;
constexpr int kLiveTimeoutMs = 120000;       // healthy check + warm-up + the fault
constexpr int kRunTimeoutMs = 150000;        // the whole run: failover, undo, rejoin, RPO read-back
constexpr qint64 kLiveShotAfterMs = 3000;    // a few seconds into the outage: the crash is visible
constexpr qint64 kDeadShotAfterMs = 1000;    // the demo's first second: the dead primary, the key counting down
constexpr int kLeftoverWaitMs = 15000;

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("PGHA_SCREENSHOT_DIR", QStringLiteral(PGHA_SCREENSHOT_DIR));
    QDir().mkpath(dir);
    return dir;
}

// PNGs for people to look at, in build/screenshots. The two the docs show are also written to
// $PGHA_DOCS_IMAGES_DIR when it is set (PGHA_DOCS_IMAGES_DIR=$PWD/docs/screenshots refreshes
// them), so an ordinary test run leaves the source tree untouched.
void shoot(QWidget *w, const QString &name, bool forDocs = false)
{
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QTest::qWait(100);
    const QImage image = w->grab().toImage();
    const QString file = screenshotDir() + QLatin1Char('/') + name;
    QVERIFY2(image.save(file), qPrintable(file));
    qInfo("screenshot: %s", qPrintable(file));
    if (!forDocs)
        return;
    const QString docs = qEnvironmentVariable("PGHA_DOCS_IMAGES_DIR");
    if (docs.isEmpty())
        return;
    QDir().mkpath(docs);
    QVERIFY2(image.save(docs + QLatin1Char('/') + name), qPrintable(docs));
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// "12.3 s" → 12300; -1 for "—".
qint64 shownMs(const QLabel *label)
{
    bool ok = false;
    const double s = label->text().section(u' ', 0, 0).toDouble(&ok);
    return ok ? static_cast<qint64>(s * 1000) : -1;
}

} // namespace

class TestChaos : public QObject {
    Q_OBJECT

    QString m_dir = QStringLiteral(PGHA_TEST_LAB_DIR "-chaosgui");
    svc::HttpClient m_http;
    QTemporaryDir m_tmp;
    QString m_store;

    svc::LabConfig config() const
    {
        svc::LabConfig c;
        c.labDir = m_dir;
        c.ports = svc::LabPorts().withOffset(kOffset);
        return c;
    }

    bool m_labStarted = false;

    void stopLab()
    {
        svc::NativeLab lab(config(), &m_http);
        QSignalSpy stopped(&lab, &svc::NativeLab::stopFinished);
        lab.stop();
        const svc::LabOutcome out = labtest::waitFor(stopped, 90000);
        if (!out.ok)
            qWarning("stopping the chaos test lab: %s", qPrintable(out.error.toString()));
    }

    // Started by the first test that needs it (the recorded-run test needs none).
    void ensureLab()
    {
        if (m_labStarted)
            return;
        m_labStarted = true;   // from here on cleanupTestCase stops it, whatever happens
        if (QFileInfo::exists(m_dir))
            stopLab();   // a lab left by an earlier run that was killed
        QDir(m_dir).removeRecursively();
        svc::NativeLab lab(config(), &m_http);
        QSignalSpy finished(&lab, &svc::NativeLab::startFinished);
        lab.start({});
        const svc::LabOutcome o = labtest::waitFor(finished, svc::NativeLab::kStartTimeoutMs);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
    }

    // The console on this test's lab, at the test's size, on `tab` ("" = as it opens).
    std::unique_ptr<app::Application> openConsole(const QString &tab = {})
    {
        app::Application::Options options;
        options.labPortOffset = kOffset;
        auto application = std::make_unique<app::Application>(options);
        application->window()->resize(kWindowWidth, kWindowHeight);
        if (!tab.isEmpty() && !application->window()->showTab(tab))
            qWarning("no tab %s", qPrintable(tab));
        application->show();
        return application;
    }

    static svc::ChaosReport recordedRun(const QString &name)
    {
        QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/chaos/") + name);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("fixture %s missing", qPrintable(f.fileName()));
        auto r = svc::ChaosReport::fromJson(QJsonDocument::fromJson(f.readAll()).object());
        if (!r)
            qFatal("fixture %s does not parse: %s", qPrintable(f.fileName()), qPrintable(r.error().toString()));
        return r.value();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_store = m_tmp.filePath(QStringLiteral("chaos-runs.jsonl"));
        qputenv("PGHA_CHAOS_STORE", m_store.toUtf8());
        qputenv("PGHA_LAB_DIR", m_dir.toUtf8());   // the Application's lab: this test's own
    }

    // Always, also after a failure: no process of this lab outlives the test.
    void cleanupTestCase()
    {
        if (!m_labStarted && !QFileInfo::exists(m_dir))
            return;
        stopLab();
        // Whatever the stop missed is named (a failure) and killed here: this lab's processes only.
        for (int waited = 0; waited < kLeftoverWaitMs && !labtest::processesMentioning(m_dir).isEmpty(); waited += 100)
            QTest::qWait(100);
        QStringList leftovers;
        for (qint64 pid : labtest::processesMentioning(m_dir)) {
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
            leftovers << QStringLiteral("%1 %2").arg(pid).arg(cmdline.open(QIODevice::ReadOnly)
                                                                      ? QString::fromLocal8Bit(cmdline.readAll().replace('\0', ' '))
                                                                      : QString());
            svc::proc::signalProcess(pid, SIGKILL);
        }
        QDir(m_dir).removeRecursively();
        QVERIFY2(leftovers.isEmpty(), qPrintable(QStringLiteral("the lab stop left: ") + leftovers.join(QStringLiteral("; "))));
    }

    // Runs recorded on the lab (tests/fixtures/chaos), no lab needed: the card shows what the
    // report says, in the verdict's colour, and the runs table and chart take every run.
    void reportCardShowsRecordedRuns()
    {
        const svc::ChaosReport crash = recordedRun(QStringLiteral("run-crash-primary.json"));
        const svc::ChaosReport stall = recordedRun(QStringLiteral("run-stall-then-crash-async.json"));
        const svc::ChaosReport quorum = recordedRun(QStringLiteral("run-lose-etcd-quorum.json"));
        svc::ChaosReport failed = crash;
        failed.runId += QStringLiteral("-failed");
        failed.verdict = QStringLiteral("FAIL");
        failed.rtoMs = 17250;
        failed.expectations.first().passed = false;
        failed.expectations.first().decidedBy = QStringLiteral("RTO 17.25 s, limit 14.00 s");

        views::ChaosPanel panel;
        panel.resize(kPanelWidth, kPanelHeight);
        QList<views::ChaosPanel::FaultEntry> faults;
        for (const auto &f : svc::faultCatalog())
            faults.append({f, {true, {}}});
        panel.setFaults(faults);
        panel.setRuns({crash, quorum, stall, failed}, QStringLiteral("/tmp/chaos-runs.jsonl"));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));

        auto *card = panel.reportCard();
        panel.showReport(crash);
        QCOMPARE(panel.currentPage(), views::ChaosPanel::Page::ReportCard);
        QCOMPARE(card->verdictLabel()->text(), QStringLiteral("PASS"));
        QCOMPARE(card->rtoLabel()->text(), QStringLiteral("10.37 s"));
        QVERIFY(card->budgetLabel()->text().contains(u"14.00 s"));
        QVERIFY(card->budgetLabel()->text().contains(u"within the budget"));
        QVERIFY(card->budgetLabel()->text().contains(u"ttl 10 s + loop_wait 2 s"));
        // Every phase of the failover is on the bar, and the bar spans the RTO and the budget.
        QStringList labels;
        for (const auto &m : card->phaseBar()->marks())
            labels << m.label;
        for (const char *phase : {"HAProxy: old DOWN", "leader key gone", "new leader key", "/primary 200", "HAProxy: new UP", "first write"})
            QVERIFY2(labels.join(u'|').contains(QLatin1String(phase)), qPrintable(labels.join(u'|')));
        QVERIFY(card->phaseBar()->axisMs() >= 14000);
        QVERIFY2(card->factsLabel()->text().contains(u"<b>0</b> of 157 acknowledged writes lost"), qPrintable(card->factsLabel()->text()));
        QVERIFY(card->expectationsLabel()->text().contains(u"PASS"));
        // The verdict badge is green in pixels, not only in a style sheet.
        const QImage badge = card->verdictLabel()->grab().toImage();
        QCOMPARE(badge.pixelColor(badge.width() / 2, 3), views::ChaosReportCard::verdictColor(QStringLiteral("PASS")));
        shoot(&panel, QStringLiteral("chaos-card-crash-primary.png"));

        panel.showReport(stall);
        QVERIFY2(card->factsLabel()->text().contains(u"<b>39</b> of 323 acknowledged writes lost · WAL gap 8536 B"),
                 qPrintable(card->factsLabel()->text()));
        shoot(&panel, QStringLiteral("chaos-card-stall-then-crash.png"));

        panel.showReport(failed);
        QCOMPARE(card->verdictLabel()->text(), QStringLiteral("FAIL"));
        QVERIFY(card->budgetLabel()->text().contains(u"3.25 s over the budget"));
        QVERIFY(card->expectationsLabel()->text().contains(u"RTO 17.25 s, limit 14.00 s"));
        const QImage red = card->verdictLabel()->grab().toImage();
        QCOMPARE(red.pixelColor(red.width() / 2, 3), views::ChaosReportCard::verdictColor(QStringLiteral("FAIL")));
        shoot(&panel, QStringLiteral("chaos-card-failed.png"));

        // Under load: pgbench's gap beside the probe's, and its commits per second on the
        // fault's axis in a chart that saves as PNG and SVG.
        const svc::ChaosReport loaded = recordedRun(QStringLiteral("run-crash-primary-under-load.json"));
        panel.showReport(loaded);
        QVERIFY2(card->budgetLabel()->text().contains(u"<b>pgbench</b>: no commit for 10.59 s"), qPrintable(card->budgetLabel()->text()));
        QVERIFY(card->loadChart()->isVisibleTo(&panel));
        QVERIFY(card->loadChart()->pointCount() >= loaded.load->seconds.size());
        QVERIFY2(card->factsLabel()->text().contains(u"tpcb-like, 8 clients"), qPrintable(card->factsLabel()->text()));
        for (const QString &ext : {QStringLiteral("png"), QStringLiteral("svg")}) {
            const QString file = m_tmp.filePath(QStringLiteral("load-chart.") + ext);
            QVERIFY(card->loadChart()->saveImage(file));
            QVERIFY(QFileInfo(file).size() > 1000);
        }
        QVERIFY(QImage(m_tmp.filePath(QStringLiteral("load-chart.png"))).width() > 100);
        shoot(&panel, QStringLiteral("chaos-card-under-load.png"));
        panel.showReport(crash);
        QVERIFY(!card->loadChart()->isVisibleTo(&panel));

        // Newest first in the table; the summary per fault; the chart of the chosen fault.
        auto *table = panel.runsView()->table();
        QCOMPARE(table->rowCount(), 4);
        QCOMPARE(table->item(0, views::ChaosRunsView::Verdict)->text(), QStringLiteral("FAIL"));
        QCOMPARE(table->item(1, views::ChaosRunsView::LostWrites)->text(), QStringLiteral("39"));
        const auto &summaries = panel.runsView()->summaries();
        QCOMPARE(summaries.size(), 3);
        QCOMPARE(summaries[0].faultId, QStringLiteral("crash-primary"));
        QCOMPARE(summaries[0].runs, 2);
        QCOMPARE(summaries[0].passed, 1);
        QCOMPARE(summaries[2].lostWrites, 39);
        const QString summary = panel.runsView()->summaryLabel()->text();
        QVERIFY2(summary.contains(u"<b>stall-then-crash</b>") && summary.contains(svc::formatSeconds(17250)), qPrintable(summary));
        QVERIFY(panel.selectFault(QStringLiteral("crash-primary")));
        QCOMPARE(panel.distribution()->dotCount(), 2);
        panel.showPage(views::ChaosPanel::Page::Distribution);
        shoot(&panel, QStringLiteral("chaos-distribution-recorded.png"));
        panel.showPage(views::ChaosPanel::Page::Runs);
        shoot(&panel, QStringLiteral("chaos-runs-recorded.png"));
        // Activating a row shows that run's card.
        emit table->cellActivated(1, 0);
        QCOMPARE(panel.currentPage(), views::ChaosPanel::Page::ReportCard);
        QCOMPARE(card->report().faultId, QStringLiteral("stall-then-crash"));
    }

    // No lab needed: a series on a lab directory that holds no lab ends at once with ERROR, and
    // the Chaos tab and the strip, handed the series, follow it to the end on their own.
    void viewsFollowASeries()
    {
        views::ChaosPanel panel;
        views::ChaosStrip strip;
        svc::ChaosOptions options;
        options.faultId = QStringLiteral("crash-primary");
        svc::ChaosSeries series(m_tmp.filePath(QStringLiteral("no-lab")), options, 1, m_tmp.filePath(QStringLiteral("follow.jsonl")),
                                &m_http);
        panel.follow(&series, QStringLiteral("Crash the primary"));
        strip.follow(&series, QStringLiteral("Failover demo — Crash the primary"));
        QVERIFY(panel.isRunning());
        QSignalSpy finished(&series, &svc::ChaosSeries::finished);
        series.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(!panel.isRunning());
        QCOMPARE(panel.currentPage(), views::ChaosPanel::Page::ReportCard);
        QCOMPARE(panel.reportCard()->verdictLabel()->text(), QStringLiteral("ERROR"));
        QVERIFY(strip.isActive());
        QVERIFY2(strip.titleLabel()->text().contains(u"ERROR"), qPrintable(strip.titleLabel()->text()));
        QVERIFY(strip.reportButton()->isVisibleTo(&strip));
    }

    void faultsUnavailableOnStaging()
    {
        // A staging profile: faults never run there, and the window says why for each of them.
        svc::Profile staging;
        staging.name = QStringLiteral("staging-eu");
        staging.kind = svc::Profile::Kind::Staging;
        staging.patroni = {{QStringLiteral("db1"), QUrl(QStringLiteral("http://127.0.0.1:1"))}};
        const QString path = m_tmp.filePath(QStringLiteral("staging-eu.yaml"));
        QVERIFY(svc::saveProfileFile(staging, path));
        const svc::ChaosEnvironment env = svc::chaosEnvironmentFor(staging);
        QVERIFY(!env.labProfile);

        app::Application::Options options;
        options.profile = path;
        options.pollIntervalMs = 60000;
        app::Application application(options);
        QCOMPARE(application.profile().kind, svc::Profile::Kind::Staging);
        auto *w = application.window();
        w->resize(kWindowWidth, kWindowHeight);
        w->tabs()->setCurrentWidget(w->chaosPanel());
        application.show();
        auto *panel = w->chaosPanel();
        auto *model = qobject_cast<QStandardItemModel *>(panel->faultBox()->model());
        QVERIFY(model);
        QCOMPARE(model->rowCount(), static_cast<int>(svc::faultCatalog().size()));
        // The console's own faults need its lab; yours (a command you give) run here too.
        for (int i = 0; i < model->rowCount(); ++i) {
            const auto *fault = svc::faultById(model->item(i)->data(Qt::UserRole + 1).toString());
            const bool yours = fault && svc::isExternalFault(fault->kind);
            QVERIFY2(model->item(i)->isEnabled() == yours, qPrintable(model->item(i)->text()));
            if (!yours)
                QVERIFY(model->item(i)->toolTip().contains(u"not a lab"));
        }
        QVERIFY(panel->unavailableLabel()->isVisibleTo(w));
        QVERIFY2(panel->unavailableLabel()->text().contains(u"not a lab"), qPrintable(panel->unavailableLabel()->text()));
        // Your fault is chosen, and Run waits for the command that injects it.
        QCOMPARE(panel->selectedFault(), QStringLiteral("external-primary"));
        QVERIFY(panel->injectEdit()->isVisibleTo(w));
        QVERIFY(!panel->runButton()->isEnabled());
        QVERIFY2(panel->runButton()->toolTip().contains(u"command"), qPrintable(panel->runButton()->toolTip()));
        panel->injectEdit()->setText(QStringLiteral("docker kill $PGHA_TARGET"));
        QVERIFY(panel->runButton()->isEnabled());
        panel->injectEdit()->clear();
        // A pgbench load through the fault: none by default, its clients only with one.
        QCOMPARE(panel->loadBox()->count(), 4);
        QCOMPARE(panel->loadWorkload(), QString());
        QVERIFY(!panel->loadClientsBox()->isEnabled());
        panel->loadBox()->setCurrentIndex(panel->loadBox()->findData(QStringLiteral("tpcb-like")));
        QCOMPARE(panel->loadWorkload(), QStringLiteral("tpcb-like"));
        QVERIFY(panel->loadClientsBox()->isEnabled());
        QCOMPARE(panel->loadClients(), views::ChaosPanel::kDefaultLoadClients);
        panel->loadBox()->setCurrentIndex(0);
        QVERIFY(panel->selectFault(QStringLiteral("crash-primary")));
        QVERIFY(!panel->injectEdit()->isVisibleTo(w));
        QVERIFY(!panel->runButton()->isEnabled());
        QVERIFY(panel->runButton()->toolTip().contains(u"not a lab"));
        QAction *demo = w->actions()->failoverDemo();
        QVERIFY(!demo->isEnabled());
        QVERIFY2(demo->toolTip().contains(u"not a lab"), qPrintable(demo->toolTip()));
        QVERIFY(!application.chaos()->startFailoverDemo());
        QVERIFY(!application.chaos()->isRunning());
        shoot(w, QStringLiteral("chaos-unavailable-staging.png"));

        // The same window on the running lab: the faults open up, but a partition still cannot
        // be done on one loopback address, and the list says so.
        ensureLab();
        if (QTest::currentTestFailed())
            return;
        application.chaos()->setProfile(svc::resolveProfile(QStringLiteral("lab"), m_dir).value());
        QVERIFY(panel->isAvailable(QStringLiteral("crash-primary")));
        QVERIFY(demo->isEnabled());
        QVERIFY(!panel->isAvailable(QStringLiteral("partition-primary")));
        QVERIFY(panel->unavailableLabel()->text().contains(u"loopback"));
        QCOMPARE(panel->unavailableLabel()->text().contains(u"Crash the primary"), false);
    }

    void failoverDemo()
    {
        ensureLab();
        if (QTest::currentTestFailed())
            return;
        auto application = openConsole();
        auto *w = application->window();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(application->chaos()->storePath(), m_store);
        QTRY_COMPARE_WITH_TIMEOUT(application->clusterModel()->rowCount(), 3, kClusterTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(application->clusterModel()->leaderCount(), 1, kClusterTimeoutMs);
        QAction *demo = w->actions()->failoverDemo();
        QTRY_VERIFY2_WITH_TIMEOUT(demo->isEnabled(), qPrintable(demo->toolTip()), 10000);
        auto *panel = w->chaosPanel();
        auto *strip = w->chaosStrip();
        auto *chaos = application->chaos();
        QSignalSpy runFinished(chaos, &app::ChaosController::runFinished);
        QSignalSpy seriesFinished(chaos, &app::ChaosController::seriesFinished);
        const QString oldLeader = application->clusterModel()->snapshot().leader()->name;

        demo->trigger();
        QVERIFY(chaos->isRunning());
        QVERIFY(!demo->isEnabled());   // one run at a time
        QVERIFY(!panel->runButton()->isEnabled());
        QVERIFY(panel->cancelButton()->isEnabled());
        // The topology stays in view; the strip above it carries the live RTO.
        QCOMPARE(w->tabs()->currentWidget(), static_cast<QWidget *>(w->topology()));
        QVERIFY(strip->isVisible());
        // Fault + 1 s: the dead primary is drawn dead — its own REST API refuses, whatever /cluster
        // on the survivors still says — and its leader key counts down, on the node and in the strip.
        QTRY_VERIFY_WITH_TIMEOUT(shownMs(strip->counterLabel()) >= kDeadShotAfterMs || !runFinished.isEmpty(), kLiveTimeoutMs);
        auto *topology = w->topology();
        const QString deadId = QStringLiteral("member:") + oldLeader;
        QTRY_VERIFY_WITH_TIMEOUT(topology->node(deadId) && topology->node(deadId)->note().contains(u"key expires in"), 2000);
        QVERIFY2(topology->node(deadId)->note().contains(u"REST refused at"), qPrintable(topology->node(deadId)->note()));
        QCOMPARE(topology->node(deadId)->subtitle(), QStringLiteral("unreachable"));
        QVERIFY(application->observer()->reachability().isDown(oldLeader));
        QVERIFY2(strip->leaderKeyLabel()->isVisible() && strip->leaderKeyLabel()->text().contains(u"key expires in"),
                 qPrintable(strip->leaderKeyLabel()->text()));
        const QString countdown = topology->node(deadId)->note();
        shoot(w, QStringLiteral("demo-fault-1s.png"), true);
        QTRY_VERIFY_WITH_TIMEOUT(topology->node(deadId) && topology->node(deadId)->note() != countdown, 1000);   // it counts down
        QTRY_VERIFY_WITH_TIMEOUT(shownMs(strip->counterLabel()) >= kLiveShotAfterMs || !runFinished.isEmpty(), kLiveTimeoutMs);
        QVERIFY2(runFinished.isEmpty(), "the run ended before its outage could be watched");
        const qint64 first = shownMs(strip->counterLabel());
        QTRY_VERIFY_WITH_TIMEOUT(shownMs(strip->counterLabel()) > first || !runFinished.isEmpty(), 2000);   // it counts
        shoot(w, QStringLiteral("chaos-demo-live.png"), true);

        // The Chaos tab during the run: the same counter, big, and the events as they arrive.
        w->tabs()->setCurrentWidget(panel);
        QVERIFY(!strip->isVisible());   // the tab says it already
        QCOMPARE(panel->currentPage(), views::ChaosPanel::Page::Live);
        QVERIFY(panel->live()->events()->rowCount() > 0);
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d s$")).match(panel->live()->counterLabel()->text()).hasMatch(),
                 qPrintable(panel->live()->counterLabel()->text()));
        shoot(w, QStringLiteral("chaos-tab-live.png"));
        w->tabs()->setCurrentWidget(w->topology());

        // The new leader: its node takes the role; the countdown is gone from the strip.
        QTRY_VERIFY_WITH_TIMEOUT(application->clusterModel()->snapshot().leader()
                                         && application->clusterModel()->snapshot().leader()->name != oldLeader,
                                 kRunTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(strip->leaderKeyLabel()->text().isEmpty(), 5000);
        w->tabs()->setCurrentWidget(w->topology());
        shoot(w, QStringLiteral("demo-new-leader.png"), true);
        QTRY_COMPARE_WITH_TIMEOUT(runFinished.size(), 1, kRunTimeoutMs);
        const svc::ChaosReport report = panel->reportCard()->report();
        // The report card, on the Chaos tab.
        QCOMPARE(w->tabs()->currentWidget(), static_cast<QWidget *>(panel));
        QCOMPARE(panel->currentPage(), views::ChaosPanel::Page::ReportCard);
        auto *card = panel->reportCard();
        QVERIFY(card->hasReport());
        QCOMPARE(report.faultId, QStringLiteral("crash-primary"));
        QVERIFY2(card->verdictLabel()->text() == u"PASS", qPrintable(svc::reportCardText(report)));
        QCOMPARE(card->verdictLabel()->text(), report.verdict);
        const auto rto = QRegularExpression(QStringLiteral("^(\\d+\\.\\d\\d) s$")).match(card->rtoLabel()->text());
        QVERIFY2(rto.hasMatch(), qPrintable(card->rtoLabel()->text()));
        QVERIFY(report.rtoMs && *report.rtoMs > 0);
        // Two decimals of seconds: within half a hundredth (10.055 s may print as 10.05 or 10.06).
        QVERIFY2(qAbs(qRound64(rto.captured(1).toDouble() * 1000) - *report.rtoMs) <= 5, qPrintable(card->rtoLabel()->text()));
        QVERIFY(card->budgetLabel()->text().contains(report.budgetFormula.toHtmlEscaped()));
        QVERIFY(!card->phaseBar()->marks().isEmpty());
        QVERIFY(card->phaseBar()->axisMs() >= *report.rtoMs);
        QVERIFY(card->expectationsLabel()->text().contains(u"PASS"));
        QVERIFY(!card->expectationsLabel()->text().contains(u">FAIL<"));
        QVERIFY(card->factsLabel()->text().contains(oldLeader));
        QVERIFY(!report.newLeader.isEmpty() && report.newLeader != oldLeader);
        QVERIFY(card->factsLabel()->text().contains(report.newLeader));
        shoot(w, QStringLiteral("chaos-report-card.png"), true);

        // The strip (seen from the other tabs) keeps the outcome.
        QCOMPARE(strip->counterLabel()->text(), svc::formatSeconds(report.rtoMs));

        // The run is kept: in the store, in the runs table, in the per-fault summary and chart.
        QCOMPARE(readAll(m_store).count('\n'), 1);
        auto *runs = panel->runsView();
        QCOMPARE(runs->table()->rowCount(), 1);
        QCOMPARE(runs->table()->item(0, views::ChaosRunsView::Fault)->text(), QStringLiteral("crash-primary"));
        QCOMPARE(runs->table()->item(0, views::ChaosRunsView::Verdict)->text(), QStringLiteral("PASS"));
        QCOMPARE(runs->table()->item(0, views::ChaosRunsView::Rto)->text(), svc::formatSeconds(report.rtoMs));
        QCOMPARE(runs->summaries().size(), 1);
        QCOMPARE(runs->summaries()[0].runs, 1);
        QCOMPARE(runs->summaries()[0].passed, 1);
        QVERIFY(runs->summaryLabel()->text().contains(svc::formatSeconds(report.rtoMs)));
        QVERIFY2(panel->distribution()->summaryLabel()->text().contains(u"1 run, 1 passed"),
                 qPrintable(panel->distribution()->summaryLabel()->text()));
        QCOMPARE(panel->distribution()->dotCount(), 1);
        panel->showPage(views::ChaosPanel::Page::Runs);
        shoot(w, QStringLiteral("chaos-runs.png"));
        panel->showPage(views::ChaosPanel::Page::Distribution);
        shoot(w, QStringLiteral("chaos-rto-distribution.png"));

        // Its events are on the one event timeline too.
        int chaosEvents = 0;
        for (const auto &e : application->timeline()->events())
            chaosEvents += e.source.startsWith(u"chaos") ? 1 : 0;
        QVERIFY2(chaosEvents >= 5, qPrintable(QString::number(chaosEvents)));

        // Export: CSV (one header, one row) and JSONL (the whole report).
        const QString csv = m_tmp.filePath(QStringLiteral("runs.csv"));
        QVERIFY(runs->exportTo(csv));
        const QList<QByteArray> lines = readAll(csv).trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].startsWith("run_id,"), lines[0].constData());
        QVERIFY(runs->statusLabel()->text().contains(csv));
        const QString jsonl = m_tmp.filePath(QStringLiteral("runs.jsonl"));
        QVERIFY(runs->exportTo(jsonl));
        const QJsonObject exported = QJsonDocument::fromJson(readAll(jsonl).trimmed()).object();
        QCOMPARE(exported.value(u"fault").toString(), QStringLiteral("crash-primary"));
        QCOMPARE(exported.value(u"verdict").toString(), QStringLiteral("PASS"));

        QTRY_COMPARE_WITH_TIMEOUT(seriesFinished.size(), 1, 5000);
        QVERIFY(!chaos->isRunning());
        QVERIFY(panel->runButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(demo->isEnabled(), 10000);
    }

    // Run from the Chaos tab itself (its own controls), then Cancel as soon as the fault is in:
    // the run ends as ERROR "cancelled", the crashed member is started again, and the lab gets
    // back to running — nothing is left broken.
    // A fault under load from the Chaos tab: pgbench's commits per second drawn live while the
    // run goes on (the fault marked), then the report card's load chart, exported as PNG at
    // 300 dpi, SVG and CSV.
    void faultUnderLoadLiveAndAfter()
    {
        ensureLab();
        if (QTest::currentTestFailed())
            return;
        QProcess init;
        init.start(QStringLiteral(PGHA_CLI), {QStringLiteral("bench"), QStringLiteral("init"), QStringLiteral("--scale"), QStringLiteral("1")});
        QVERIFY(init.waitForFinished(120000));
        QVERIFY2(init.exitCode() == 0, init.readAllStandardError().constData());
        auto application = openConsole(QStringLiteral("chaos"));
        auto *w = application->window();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        auto *panel = w->chaosPanel();
        QVERIFY(panel->selectFault(QStringLiteral("crash-primary")));
        QTRY_VERIFY_WITH_TIMEOUT(panel->runButton()->isEnabled(), 10000);
        panel->loadBox()->setCurrentIndex(panel->loadBox()->findData(QStringLiteral("select-only")));
        panel->loadClientsBox()->setValue(2);
        QSignalSpy seriesFinished(application->chaos(), &app::ChaosController::seriesFinished);
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        auto *live = panel->live();
        // During: the live chart has the load's seconds, and the fault once it is injected.
        QTRY_VERIFY_WITH_TIMEOUT(shownMs(live->counterLabel()) >= 2000 || !seriesFinished.isEmpty(), kLiveTimeoutMs);
        QVERIFY2(seriesFinished.isEmpty(), "the run ended before the fault had lasted 2 s");
        QVERIFY(live->loadChart()->isVisibleTo(live));
        QVERIFY2(live->loadPointCount() >= 5, qPrintable(QString::number(live->loadPointCount())));
        shoot(w, QStringLiteral("chaos-under-load-live.png"), true);
        QTRY_COMPARE_WITH_TIMEOUT(seriesFinished.size(), 1, kRunTimeoutMs);
        // After: the report card's chart of the same run, and its files.
        auto *card = panel->reportCard();
        QVERIFY(card->report().load.has_value());
        QVERIFY(card->loadChart()->isVisibleTo(panel));
        auto *chart = card->loadChart();
        const QString png = m_tmp.filePath(QStringLiteral("load.png"));
        QVERIFY(chart->saveImage(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        // Drawn again at 300 dpi (the default): 300/96 of the chart's size on screen, at least
        // 320 px wide there, and the file says its resolution.
        QVERIFY2(image.width() >= 320 * 300 / 96, qPrintable(QString::number(image.width())));
        QVERIFY(qAbs(image.dotsPerMeterX() - 300 / 0.0254) < 2);
        const QString svg = m_tmp.filePath(QStringLiteral("load.svg"));
        QVERIFY(chart->saveImage(svg));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
        const QString csv = m_tmp.filePath(QStringLiteral("load.csv"));
        QVERIFY(chart->saveImage(csv));
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(rows.front(), QByteArray("series,x,y"));
        QVERIFY(rows.size() > card->report().load->seconds.size());
        QTRY_VERIFY_WITH_TIMEOUT(svc::NativeLab::inspect(m_dir).status == svc::NativeLab::Status::Running, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(application->clusterModel()->leaderCount(), 1, kClusterTimeoutMs);
    }

    // The Experiments tab: a one-run plan started from the tab, its progress while it runs,
    // then its results (table, dot plot) and its report written from the tab.
    void experimentsTabRunsAPlan()
    {
        ensureLab();
        if (QTest::currentTestFailed())
            return;
        qputenv("PGHA_EXPERIMENTS_DIR", m_tmp.filePath(QStringLiteral("experiments")).toUtf8());
        const QString plan = m_tmp.filePath(QStringLiteral("gui-plan.yaml"));
        QFile pf(plan);
        QVERIFY(pf.open(QIODevice::WriteOnly));
        pf.write("experiment: gui-crash\ntitle: crash-primary from the Experiments tab\n"
                 "settings: {fault: crash-primary}\ngrid: {sync: [off]}\nrepetitions: 1\n");
        pf.close();
        auto application = openConsole(QStringLiteral("experiments"));
        auto *w = application->window();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QTRY_COMPARE_WITH_TIMEOUT(application->clusterModel()->leaderCount(), 1, kClusterTimeoutMs);
        auto *view = w->experimentsView();
        QSignalSpy done(application->experiments(), &app::ExperimentController::finished);
        emit view->runRequested(plan, false);
        QVERIFY(application->experiments()->isRunning());
        // A chaos run is refused meanwhile.
        QVERIFY(!application->chaos()->run(QStringLiteral("crash-primary"), 1, std::nullopt));
        QTRY_VERIFY_WITH_TIMEOUT(view->progressLabel()->text().contains(u"run 1 of 1") || !done.isEmpty(), 10000);
        shoot(w, QStringLiteral("experiments-running.png"));
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, kRunTimeoutMs);
        QCOMPARE(view->selectedExperiment(), QStringLiteral("gui-crash"));
        QCOMPARE(view->resultsTable()->rowCount(), 1);
        QCOMPARE(view->resultsTable()->item(0, 1)->text(), QStringLiteral("1 of 1"));
        QVERIFY(view->figure()->hasFigure());
        shoot(w, QStringLiteral("experiments-done.png"));
        const QString pdf = m_tmp.filePath(QStringLiteral("gui-crash.pdf"));
        QVERIFY(application->experiments()->writeReport(QStringLiteral("gui-crash"), pdf));
        QFile out(pdf);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.read(5), QByteArray("%PDF-"));
        QTRY_COMPARE_WITH_TIMEOUT(application->clusterModel()->leaderCount(), 1, kClusterTimeoutMs);
    }

    void cancelUndoesTheFault()
    {
        ensureLab();
        if (QTest::currentTestFailed())
            return;
        auto application = openConsole(QStringLiteral("chaos"));
        auto *w = application->window();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        auto *panel = w->chaosPanel();
        auto *chaos = application->chaos();
        const int keptBefore = static_cast<int>(panel->runsView()->runs().size());
        QVERIFY(panel->selectFault(QStringLiteral("crash-primary")));
        QTRY_VERIFY_WITH_TIMEOUT(panel->runButton()->isEnabled(), 10000);
        QCOMPARE(panel->iterationsBox()->maximum(), views::ChaosPanel::kMaxIterations);
        panel->iterationsBox()->setValue(3);   // a series: Cancel must stop all of it
        QSignalSpy seriesFinished(chaos, &app::ChaosController::seriesFinished);
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        QVERIFY(chaos->isRunning());
        QVERIFY(!panel->faultBox()->isEnabled());   // the set-up is fixed while it runs
        QTRY_VERIFY_WITH_TIMEOUT(shownMs(panel->live()->counterLabel()) >= 0 || !seriesFinished.isEmpty(), kLiveTimeoutMs);
        QVERIFY2(seriesFinished.isEmpty(), "the series ended before the fault was injected");
        QVERIFY(panel->cancelButton()->isEnabled());
        QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(seriesFinished.size(), 1, kRunTimeoutMs);
        QVERIFY(!chaos->isRunning());
        QCOMPARE(panel->reportCard()->verdictLabel()->text(), QStringLiteral("ERROR"));
        QVERIFY(panel->reportCard()->report().error.contains(u"cancelled"));
        QCOMPARE(panel->runsView()->runs().size(), keptBefore + 1);   // one run, not three
        QCOMPARE(panel->runsView()->table()->item(0, views::ChaosRunsView::Verdict)->text(), QStringLiteral("ERROR"));
        QVERIFY(panel->runButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(svc::NativeLab::inspect(m_dir).status == svc::NativeLab::Status::Running, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(application->clusterModel()->leaderCount(), 1, kClusterTimeoutMs);
    }
};

QTEST_MAIN(TestChaos)
#include "tst_chaos.moc"
