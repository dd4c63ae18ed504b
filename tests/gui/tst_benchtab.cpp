// The Bench tab, offscreen. Without a lab: the set-up form refuses what cannot run before
// anything starts; the live chart redraws at most every 250 ms from a bounded series however
// fast samples come; the comparison, the sweep's curves and their PNG and SVG files from
// made-up runs. On the shared lab, driven through the tab as a person would: pgbench -i at
// scale 1 with its progress bar, a 6 s select-only run with 2 clients through rw whose samples
// reach the chart and which lands in the runs table and the store (a temporary
// PGHA_BENCH_STORE), then a session over rw and direct × clients 1,2 × 2 repetitions compared
// with its intervals and curves, and a 60 s run stopped with Stop (kept up to the stop). Screenshots go to build/screenshots, and the three the docs
// show to $PGHA_DOCS_IMAGES_DIR when set (PGHA_DOCS_IMAGES_DIR=$PWD/docs/screenshots).
#include "isolatedsettings.h"
#include "../integration/labtestutil.h"

#include "application.h"
#include "benchcompareview.h"
#include "benchcontroller.h"
#include "benchform.h"
#include "benchliveview.h"
#include "benchpanel.h"
#include "benchrunsmodel.h"
#include "benchrunsview.h"
#include "chartadapter.h"
#include "chartsavebutton.h"
#include "clustermodel.h"
#include "mainwindow.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha;

namespace {
constexpr int kWindowWidth = 1800;
constexpr int kWindowHeight = 1000;
constexpr int kTallWindowHeight = 1250;   // the Compare page whole: bars, table and the sweep
constexpr int kPanelWidth = 1150;
constexpr int kPanelHeight = 720;
constexpr int kClusterTimeoutMs = 30000;
constexpr int kInitTimeoutMs = 120000;
constexpr int kFirstSampleTimeoutMs = 30000;
constexpr int kRunTimeoutMs = 90000;
constexpr int kSessionTimeoutMs = 240000;
constexpr int kStopTimeoutMs = 15000;   // SIGINT, pgbench's own exit, the -l logs merged
constexpr int kLiveShotSamples = 5;   // of a 6 s run: the screenshot shows a line, not a dot
const QColor kBarColor(0x15, 0x65, 0xc0);   // the adapter's bar colour

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("PGHA_SCREENSHOT_DIR", QStringLiteral(PGHA_SCREENSHOT_DIR));
    QDir().mkpath(dir);
    return dir;
}

// PNGs for people to look at in build/screenshots; the docs' own also in $PGHA_DOCS_IMAGES_DIR.
void shoot(QWidget *w, const QString &name, bool forDocs = false)
{
    // The set-up from its top (a click scrolled it to the button).
    if (auto *setup = w->findChild<QScrollArea *>(QStringLiteral("benchSetup")))
        setup->verticalScrollBar()->setValue(0);
    QTest::qWait(100);
    const QImage image = w->grab().toImage();
    const QString file = screenshotDir() + QLatin1Char('/') + name;
    QVERIFY2(image.save(file), qPrintable(file));
    qInfo("screenshot: %s", qPrintable(file));
    const QString docs = qEnvironmentVariable("PGHA_DOCS_IMAGES_DIR");
    if (!forDocs || docs.isEmpty())
        return;
    QDir().mkpath(docs);
    QVERIFY2(image.save(docs + QLatin1Char('/') + name), qPrintable(docs));
}

qint64 fileSize(const QString &path)
{
    return QFileInfo(path).size();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Pixels of about this colour: a chart that drew its bars has many.
int pixelsLike(const QImage &image, const QColor &color)
{
    constexpr int kTolerance = 24;
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) + std::abs(c.blue() - color.blue()) < kTolerance;
        }
    return n;
}

svc::BenchResult madeUpRun(const QString &target, int clients, double tps, int repetition)
{
    svc::BenchResult r;
    r.id = QStringLiteral("%1-c%2-r%3").arg(target).arg(clients).arg(repetition);
    r.series = QStringLiteral("made-up");
    r.label = QStringLiteral("made-up");
    r.target.name = target;
    r.workload.clients = clients;
    r.workload.durationS = 20;
    r.tps = tps;
    r.transactions = static_cast<qint64>(tps * 20);
    svc::LatencyPercentiles p;
    p.p50Us = qRound64(1e6 * clients / tps);
    p.p95Us = 2 * p.p50Us;
    p.p99Us = 3 * p.p50Us;
    r.log.latency = p;
    return r;
}

// Saves a chart both ways through its button's save function and checks the files.
void saveBoth(views::ChartSaveButton *button, const QString &dir, const QString &base, const QString &titleInSvg)
{
    const QString png = dir + QLatin1Char('/') + base + QStringLiteral(".png");
    const QString svg = dir + QLatin1Char('/') + base + QStringLiteral(".svg");
    const auto savedPng = button->saveTo(png);
    QVERIFY2(savedPng, qPrintable(savedPng ? QString() : savedPng.error().toString()));
    const auto savedSvg = button->saveTo(svg);
    QVERIFY2(savedSvg, qPrintable(savedSvg ? QString() : savedSvg.error().toString()));
    QVERIFY(fileSize(png) > 1000);
    QVERIFY(fileSize(svg) > 1000);
    QImage image(png);
    QVERIFY(!image.isNull() && image.width() > 100 && image.height() > 100);
    const QByteArray svgText = readAll(svg);
    QVERIFY(svgText.contains("<svg"));
    QVERIFY2(svgText.contains(titleInSvg.toUtf8()), qPrintable(titleInSvg));
    // PGHA_BENCH_CHART_DIR keeps the files for a person to look at.
    if (const QString keep = qEnvironmentVariable("PGHA_BENCH_CHART_DIR"); !keep.isEmpty())
        for (const QString &file : {png, svg}) {
            QFile::remove(keep + QLatin1Char('/') + QFileInfo(file).fileName());
            QFile::copy(file, keep + QLatin1Char('/') + QFileInfo(file).fileName());
        }
}
} // namespace

class TestBenchTab : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    QString storePath() const { return m_tmp.filePath(QStringLiteral("bench-runs.jsonl")); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("PGHA_BENCH_STORE", storePath().toUtf8());
        labtest::useTestLabDir();
    }

    // What cannot run is said under the buttons, and Run stays off, before anything starts.
    void formRefusesBeforeStarting()
    {
        views::BenchForm form;
        form.setTargets({QStringLiteral("rw"), QStringLiteral("ro"), QStringLiteral("direct")});
        QCOMPARE(form.selectedTargets(), QStringList{QStringLiteral("rw")});
        QVERIFY(form.runButton()->isEnabled());
        QVERIFY(form.problemLabel()->text().isEmpty());
        QCOMPARE(form.initTargetBox()->findText(QStringLiteral("ro")), -1);   // init writes: never through replicas

        form.clientsBox()->setValue(2);
        form.threadsBox()->setValue(3);
        QVERIFY2(form.problemLabel()->text().contains(u"threads must be"), qPrintable(form.problemLabel()->text()));
        QVERIFY(!form.runButton()->isEnabled());
        form.threadsBox()->setValue(2);
        QVERIFY(form.runButton()->isEnabled());

        form.sweepEdit()->setText(QStringLiteral("1,x"));
        QVERIFY2(form.problemLabel()->text().contains(u"clients sweep") && form.problemLabel()->text().contains(u"x"),
                 qPrintable(form.problemLabel()->text()));
        QVERIFY(!form.runButton()->isEnabled());
        form.sweepEdit()->setText(QStringLiteral("2,4"));
        QVERIFY(form.runButton()->isEnabled());
        QCOMPARE(form.plan().value().clientsSweep, (QList<int>{2, 4}));

        form.setSelectedTargets({});
        QVERIFY(form.problemLabel()->text().contains(u"at least one target"));
        form.setSelectedTargets({QStringLiteral("direct"), QStringLiteral("rw")});
        QCOMPARE(form.plan().value().targets, (QStringList{QStringLiteral("rw"), QStringLiteral("direct")}));   // list order

        form.workloadBox()->setCurrentIndex(form.workloadBox()->count() - 1);   // custom scripts, none yet
        QVERIFY(form.problemLabel()->text().contains(u"at least one script"));
        form.setScripts({QStringLiteral("/tmp/a.sql@3"), QStringLiteral("/tmp/b.sql")});
        QVERIFY(form.runButton()->isEnabled());
        QCOMPARE(form.plan().value().workload.scripts, (QStringList{QStringLiteral("/tmp/a.sql@3"), QStringLiteral("/tmp/b.sql")}));
        QVERIFY(form.plan().value().workload.builtin.isEmpty());

        form.setScripts({});
        form.rateBox()->setValue(0);
        QVERIFY(!form.plan().value().workload.rate);   // "as fast as possible"
        form.rateBox()->setValue(500);
        QCOMPARE(*form.plan().value().workload.rate, 500.0);
        form.repeatBox()->setValue(3);
        form.warmupBox()->setValue(5);
        form.labelEdit()->setText(QStringLiteral("  thesis-A "));
        const svc::BenchPlan plan = form.plan().value();
        QCOMPARE(plan.repeat, 3);
        QCOMPARE(plan.warmupS, 5);
        QCOMPARE(plan.label, QStringLiteral("thesis-A"));
        QCOMPARE(plan.workload.builtin, QStringLiteral("select-only"));

        form.setRunning(true);
        QVERIFY(!form.runButton()->isEnabled() && form.stopButton()->isEnabled() && !form.initButton()->isEnabled());
    }

    // Thousands of samples at once cost one redraw, and the chart keeps at most its bound.
    void liveChartCoalescesAndStaysBounded()
    {
        views::BenchLiveView live;
        live.resize(900, 600);
        live.show();
        QVERIFY(QTest::qWaitForWindowExposed(&live));
        live.startRun(0, 1, QStringLiteral("rw"), 2, 0, false, 60);
        const int before = live.redrawCount();
        constexpr int kSamples = 5000;
        for (int i = 1; i <= kSamples; ++i) {
            svc::BenchSample s;
            s.t = i;
            s.tps = 1000 + i % 50;
            s.latAvgMs = 2;
            s.latStddevMs = 0.5;
            live.addSample(s, false);
        }
        QCOMPARE(live.redrawCount(), before);   // nothing drawn inside the burst
        QTRY_COMPARE_WITH_TIMEOUT(live.redrawCount(), before + 1, 2000);
        QTest::qWait(3 * views::BenchLiveView::kRedrawMs);
        QCOMPARE(live.redrawCount(), before + 1);   // and nothing more while nothing new came
        QVERIFY(live.tpsPointCount() <= models::BenchLiveSeries::kMaxPoints);
        QVERIFY(live.tpsPointCount() >= models::BenchLiveSeries::kMaxPoints / 2);
        QCOMPARE(live.series().sampleCount(), kSamples);
        QCOMPARE(live.percentilePointCount(), 0);   // the avg ± stddev band until percentiles come

        svc::BenchLatencySecond l;
        l.t = kSamples;
        l.count = 1000;
        l.p50Ms = 1.8;
        l.p95Ms = 3;
        l.p99Ms = 4;
        live.addLatencySecond(l, false);
        // Percentiles ride on the next progress sample's redraw (one redraw a second, not two).
        const int beforeLatency = live.redrawCount();
        QTest::qWait(2 * views::BenchLiveView::kRedrawMs);
        QCOMPARE(live.redrawCount(), beforeLatency);
        svc::BenchSample next;
        next.t = kSamples + 1;
        next.tps = 1000;
        live.addSample(next, false);
        QTRY_COMPARE_WITH_TIMEOUT(live.percentilePointCount(), 1, 2000);
        // A late sample of a warm-up is not drawn into the measured run.
        svc::BenchSample warm;
        warm.t = 1;
        live.addSample(warm, true);
        QCOMPARE(live.series().sampleCount(), kSamples + 1);   // the burst and the one after it
        live.setLoadGeneratorCpu(190, 2, true);
        QVERIFY(live.cpuLabel()->text().contains(u"saturation"));
        live.setLoadGeneratorCpu(40, 2, false);
        QVERIFY(!live.cpuLabel()->text().contains(u"saturation"));
        live.redraw();
        shoot(&live, QStringLiteral("bench-live-made-up.png"));
    }

    // Made-up runs: bars with whiskers, the baseline's percentages, the sweep's curves, the files.
    void comparisonAndSweepFromMadeUpRuns()
    {
        QList<svc::BenchResult> runs;
        for (int rep = 0; rep < 2; ++rep)
            for (int clients : {1, 2, 4})
                for (const auto &[target, perClient] : {std::pair{QStringLiteral("rw"), 900.0}, std::pair{QStringLiteral("direct"), 1500.0}})
                    runs.append(madeUpRun(target, clients, perClient * clients * (rep ? 1.04 : 0.97), rep));
        views::BenchPanel panel;
        panel.resize(kPanelWidth, kPanelHeight);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showPage(views::BenchPanel::Page::Compare);
        views::BenchCompareView *compare = panel.compareView();
        compare->setRuns(runs, QStringLiteral("Made-up runs"));
        QCOMPARE(compare->comparison().entries.size(), 6);
        QCOMPARE(compare->barChart()->barCount(), 6);
        QCOMPARE(compare->barChart()->whiskerCount(), 6);   // two runs each: an interval each
        QCOMPARE(compare->comparison().entries[0].label, QStringLiteral("rw · c1 j1"));
        QCOMPARE(compare->curves().size(), 2);
        QCOMPARE(compare->curves()[0].tps.size(), 3);
        QVERIFY(compare->sweepBox()->isVisibleTo(&panel));
        QCOMPARE(compare->sweepTpsChart()->pointCount(QStringLiteral("rw")), 3);

        // Another baseline: its row says so and the others are given against it.
        compare->setBaseline(compare->comparison().entries[1].config.key);
        QCOMPARE(compare->comparison().baseline, 1);
        QCOMPARE(compare->baselineBox()->currentIndex(), 1);
        QVERIFY(compare->comparison().entries[0].vsBaseline->percent < 0);

        QTest::qWait(200);
        const QImage pixels = compare->barChart()->widget()->grab().toImage();
        QVERIFY2(pixelsLike(pixels, kBarColor) > 500, "the bars were not drawn");
        saveBoth(compare->barSaveButton(), m_tmp.path(), QStringLiteral("made-up-compare"), QStringLiteral("Median TPS"));
        saveBoth(compare->sweepTpsSaveButton(), m_tmp.path(), QStringLiteral("made-up-sweep-tps"), QStringLiteral("TPS against clients"));
        shoot(&panel, QStringLiteral("bench-compare-made-up.png"));

        // One run only: no whisker, no sweep.
        compare->setRuns({madeUpRun(QStringLiteral("rw"), 4, 3000, 0)}, QStringLiteral("one run"));
        QCOMPARE(compare->barChart()->barCount(), 1);
        QCOMPARE(compare->barChart()->whiskerCount(), 0);
        QVERIFY(!compare->sweepBox()->isVisibleTo(&panel));
        compare->setRuns({}, {});
        QCOMPARE(compare->barChart()->barCount(), 0);
    }

    // The store is read off the GUI thread: kept runs reach the table, a torn line is counted,
    // and Compare starts with the newest kept session.
    void keptRunsLoadWithTheWindow()
    {
        const QString store = m_tmp.filePath(QStringLiteral("kept.jsonl"));
        QFile f(store);
        QVERIFY(f.open(QIODevice::WriteOnly));
        svc::BenchResult older = madeUpRun(QStringLiteral("rw"), 1, 1000, 0);
        older.series = QStringLiteral("older");
        older.startedMs = 1'800'000'000'000;
        const svc::BenchResult a = madeUpRun(QStringLiteral("rw"), 2, 1800, 0);
        const svc::BenchResult b = madeUpRun(QStringLiteral("direct"), 2, 2600, 0);
        for (const auto &r : {older, a, b})
            f.write(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact) + '\n');
        f.write("{\"id\": \"torn\n");
        f.close();
        qputenv("PGHA_BENCH_STORE", store.toUtf8());
        app::Application::Options options;
        options.pollIntervalMs = 10000;
        app::Application application(options);
        qputenv("PGHA_BENCH_STORE", storePath().toUtf8());
        QCOMPARE(application.bench()->storePath(), store);
        QSignalSpy reloaded(application.bench(), &app::BenchController::runsReloaded);
        QVERIFY(reloaded.wait(5000));
        views::BenchPanel *panel = application.window()->benchPanel();
        QCOMPARE(panel->runsView()->model()->rowCount(), 3);
        QVERIFY2(panel->runsView()->statusLabel()->text().contains(u"1 unreadable line"), qPrintable(panel->runsView()->statusLabel()->text()));
        QCOMPARE(panel->compareView()->comparison().entries.size(), 2);   // the "made-up" series, not "older"
        QVERIFY(panel->compareView()->headingLabel()->text().contains(u"newest kept session"));
    }

    // The real thing on the shared lab, through the tab's own controls.
    void benchmarkFromTheTab()
    {
        app::Application::Options options;
        app::Application application(options);
        auto *w = application.window();
        w->resize(kWindowWidth, kWindowHeight);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QTRY_COMPARE_WITH_TIMEOUT(application.clusterModel()->rowCount(), 3, kClusterTimeoutMs);
        views::BenchPanel *panel = w->benchPanel();
        w->tabs()->setCurrentWidget(panel);
        views::BenchForm *form = panel->form();
        QVERIFY(form->selectedTargets().contains(QStringLiteral("rw")));
        QVERIFY(form->targetList()->count() >= 4);   // rw, ro, direct, member:… (and pgpool when the lab has it)

        // pgbench -i at scale 1, its progress on the bar.
        form->initTargetBox()->setCurrentText(QStringLiteral("rw"));
        form->scaleBox()->setValue(1);
        QSignalSpy initDone(application.bench(), &app::BenchController::initFinished);
        QTest::mouseClick(form->initButton(), Qt::LeftButton);
        QVERIFY(!form->initButton()->isEnabled() && !form->runButton()->isEnabled());
        QVERIFY(initDone.wait(kInitTimeoutMs));
        QVERIFY2(initDone.first().at(0).toBool(), qPrintable(initDone.first().at(1).toString()));
        QVERIFY2(form->initStatus()->text().startsWith(u"initialised at scale 1 through rw"), qPrintable(form->initStatus()->text()));
        QCOMPARE(form->initBar()->value(), form->initBar()->maximum());
        QVERIFY(form->initButton()->isEnabled() && form->runButton()->isEnabled());

        // A 6 s select-only run with 2 clients through rw.
        form->setSelectedTargets({QStringLiteral("rw")});
        form->workloadBox()->setCurrentIndex(form->workloadBox()->findData(QStringLiteral("select-only")));
        form->clientsBox()->setValue(2);
        form->threadsBox()->setValue(2);
        form->durationBox()->setValue(6);
        form->labelEdit()->setText(QStringLiteral("tst_benchtab"));
        QSignalSpy sessions(application.bench(), &app::BenchController::sessionFinished);
        QTest::mouseClick(form->runButton(), Qt::LeftButton);
        QVERIFY(application.bench()->isRunning());
        QVERIFY(!form->runButton()->isEnabled() && form->stopButton()->isEnabled());
        QCOMPARE(panel->currentPage(), views::BenchPanel::Page::Live);
        views::BenchLiveView *live = panel->live();
        QTRY_VERIFY_WITH_TIMEOUT(live->series().sampleCount() >= kLiveShotSamples, kFirstSampleTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(live->tpsPointCount() >= kLiveShotSamples, 2000);   // in the chart, not only the model
        QVERIFY(live->series().maxTps() > 0);
        QVERIFY2(live->headingLabel()->text().contains(u"Run 1 of 1"), qPrintable(live->headingLabel()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(live->cpuLabel()->isVisibleTo(panel) && live->cpuLabel()->text().contains(u"CPU"), 5000);
        shoot(panel, QStringLiteral("bench-live.png"), true);
        QVERIFY(sessions.wait(kRunTimeoutMs));
        const auto runs = sessions.first().at(0).value<QList<svc::BenchResult>>();
        QVERIFY2(sessions.first().at(1).toString().isEmpty(), qPrintable(sessions.first().at(1).toString()));
        QCOMPARE(runs.size(), 1);
        QVERIFY2(runs[0].ok(), qPrintable(runs[0].error));
        QVERIFY(runs[0].tps > 0);
        QVERIFY(live->resultLabel()->text().contains(u"tps"));
        QVERIFY(live->percentilePointCount() >= 1);   // p50 … p95 from the -l logs, per second
        QVERIFY(form->runButton()->isEnabled() && !form->stopButton()->isEnabled());

        // In the table and the store.
        views::BenchRunsView *table = panel->runsView();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 5000);   // the store is read on a worker thread
        QCOMPARE(table->model()->index(0, models::BenchRunsModel::Label).data().toString(), QStringLiteral("tst_benchtab"));
        QCOMPARE(table->model()->index(0, models::BenchRunsModel::Target).data().toString(), QStringLiteral("rw"));
        QCOMPARE(table->model()->index(0, models::BenchRunsModel::Clients).data().toString(), QStringLiteral("2 (j2)"));
        QCOMPARE(readAll(storePath()).trimmed().split('\n').size(), 1);

        // rw and direct × clients 1 and 2 × 2 repetitions: compared, with intervals and curves.
        form->setSelectedTargets({QStringLiteral("rw"), QStringLiteral("direct")});
        form->threadsBox()->setValue(1);
        form->sweepEdit()->setText(QStringLiteral("1,2"));
        form->repeatBox()->setValue(2);
        form->durationBox()->setValue(3);
        form->labelEdit()->setText(QStringLiteral("tst_benchtab-compare"));
        QVERIFY2(form->validate().isEmpty(), qPrintable(form->validate()));
        sessions.clear();
        QTest::mouseClick(form->runButton(), Qt::LeftButton);
        QVERIFY(sessions.wait(kSessionTimeoutMs));
        QVERIFY2(sessions.first().at(1).toString().isEmpty(), qPrintable(sessions.first().at(1).toString()));
        QCOMPARE(sessions.first().at(0).value<QList<svc::BenchResult>>().size(), 8);
        QCOMPARE(panel->currentPage(), views::BenchPanel::Page::Compare);
        views::BenchCompareView *compare = panel->compareView();
        QCOMPARE(compare->comparison().entries.size(), 4);
        QCOMPARE(compare->barChart()->barCount(), 4);
        QCOMPARE(compare->barChart()->whiskerCount(), 4);
        QCOMPARE(compare->curves().size(), 2);
        for (const auto &c : compare->curves())
            QCOMPARE(c.tps.size(), 2);
        QTest::qWait(200);
        QVERIFY2(pixelsLike(compare->barChart()->widget()->grab().toImage(), kBarColor) > 500, "the bars were not drawn");
        w->resize(kWindowWidth, kTallWindowHeight);
        shoot(panel, QStringLiteral("bench-compare.png"), true);
        w->resize(kWindowWidth, kWindowHeight);
        saveBoth(compare->barSaveButton(), m_tmp.path(), QStringLiteral("compare"), QStringLiteral("Median TPS"));
        saveBoth(compare->sweepLatencySaveButton(), m_tmp.path(), QStringLiteral("sweep-p95"), QStringLiteral("p95 latency"));
        saveBoth(live->tpsSaveButton(), m_tmp.path(), QStringLiteral("live-tps"), QStringLiteral("Throughput"));

        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 9, 5000);
        QCOMPARE(table->summaries().size(), 5);
        table->setFilter(QStringLiteral("tst_benchtab-compare"));
        QCOMPARE(table->proxy()->rowCount(), 8);
        QCOMPARE(table->summaries().size(), 4);   // the summary follows the filter
        table->setFilter({});
        panel->showPage(views::BenchPanel::Page::Runs);
        shoot(panel, QStringLiteral("bench-runs.png"), true);

        // Stop: pgbench ends cleanly, the run is kept up to the stop and marked so.
        form->setSelectedTargets({QStringLiteral("rw")});
        form->sweepEdit()->clear();
        form->repeatBox()->setValue(1);
        form->durationBox()->setValue(60);
        form->labelEdit()->setText(QStringLiteral("tst_benchtab-stop"));
        sessions.clear();
        QTest::mouseClick(form->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(live->series().sampleCount() >= 2, kFirstSampleTimeoutMs);
        QTest::mouseClick(form->stopButton(), Qt::LeftButton);
        QVERIFY(sessions.wait(kStopTimeoutMs));
        const auto stopped = sessions.first().at(0).value<QList<svc::BenchResult>>();
        QCOMPARE(stopped.size(), 1);
        QVERIFY(stopped[0].stopped);
        QVERIFY(stopped[0].transactions > 0);
        QVERIFY2(live->headingLabel()->text().contains(u"stopped"), qPrintable(live->headingLabel()->text()));
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 10, 5000);
        const int row = table->model()->rowOf(stopped[0].id);
        QCOMPARE(table->model()->index(row, models::BenchRunsModel::Stopped).data().toString(), QStringLiteral("stopped"));
    }
};

QTEST_MAIN(TestBenchTab)
#include "tst_benchtab.moc"
