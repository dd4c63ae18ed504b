// The real main window, offscreen, against the live shared lab: three member rows, one leader,
// every source reachable; then a PNG of it for people to look at, and a check on its pixels.
#include "isolatedsettings.h"
#include "application.h"
#include "clustermodel.h"
#include "mainwindow.h"
#include "membertable.h"
#include "sourcehealthmodel.h"
#include "sourcestatusbar.h"
#include "eventtimelineview.h"
#include "topologynode.h"
#include "topologyview.h"
#include "clusterinfoview.h"
#include "consistencywatchdog.h"
#include "lagchart.h"
#include "lab/labstate.h"
#include "pg/pgquery.h"

#include <QTabWidget>
#include <QTextBrowser>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QTableView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "lab/nativelab.h"
#include "process/procutil.h"

using namespace pgha;
using pgha::views::TopologyNode;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("PGHA_LAB_DIR"))
            qputenv("PGHA_LAB_DIR", PGHA_TEST_LAB_DIR);
    }

    void showsTheLiveLab()
    {
        app::Application::Options options;
        app::Application application(options);
        application.show();
        auto *window = application.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));

        auto *model = application.clusterModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 10000);
        QCOMPARE(model->leaderCount(), 1);
        QCOMPARE(window->memberTable()->currentWidget(), window->memberTable()->table());
        // 3 Patroni REST APIs, 3 etcd members, HAProxy stats, 3 PostgreSQL servers, 3 PgBouncers,
        // Pgpool-II, and 9 /metrics (Patroni ×3, etcd ×3, postgres_exporter ×3).
        QTRY_COMPARE_WITH_TIMEOUT(application.sourceModel()->reachableCount(), 23, 15000);

        // Leader row is bold with a "Leader" badge; the header names the leader.
        int leaderRow = -1;
        for (int r = 0; r < 3; ++r)
            if (model->index(r, 0).data(models::ClusterModel::IsLeaderRole).toBool())
                leaderRow = r;
        QVERIFY(leaderRow >= 0);
        QCOMPARE(model->index(leaderRow, models::ClusterModel::Role).data().toString(), QStringLiteral("Leader"));
        const QString leaderName = model->index(leaderRow, 0).data().toString();
        QTRY_VERIFY(window->findChild<QLabel *>(QStringLiteral("clusterSummary"))->text().contains(leaderName));
        const QString chip = window->sourceBar()->chipText(QStringLiteral("patroni:pg1"));
        QVERIFY2(chip.contains(u"reachable"), qPrintable(chip));
        // The lab panel reads the lab directory: every component running, Stop enabled, Start not.
        QTRY_VERIFY(!window->startLabAction()->isEnabled());
        QVERIFY(window->stopLabAction()->isEnabled());
        QTRY_VERIFY(window->findChild<QLabel *>(QStringLiteral("labStage"))->text().startsWith(u"running"));
        // The timeline holds events of several sources; the filters narrow it.
        auto *timeline = window->timelineView();
        QTRY_VERIFY(timeline->visibleRows() >= 2);
        const int all = timeline->visibleRows();
        timeline->setSourceFilter(QStringLiteral("patroni"));
        QVERIFY(timeline->visibleRows() >= 1 && timeline->visibleRows() < all);
        timeline->setSourceFilter({});
        QCOMPARE(timeline->visibleRows(), all);
        QTest::qWait(1200);   // one more refresh, so the screenshot shows settled data

        QDir().mkpath(QStringLiteral(PGHA_SCREENSHOT_DIR));
        // Topology tab: every member, both HAProxy fronts, three etcd members, leader marked.
        auto *topology = window->topology();
        QTRY_VERIFY(topology->node(QStringLiteral("haproxy:rw")) && topology->node(QStringLiteral("etcd:etcd3")));
        auto *leaderNode = topology->node(QStringLiteral("member:") + leaderName);
        QVERIFY(leaderNode);
        QVERIFY(leaderNode->isEmphasised());
        QCOMPARE(leaderNode->targetFill(), QColor(0x2e, 0x7d, 0x32));
        // A node that is not (yet) drawn has no subtitle: the check fails instead of crashing
        // (GCC 14 rightly calls the direct node(…)->subtitle() a possible null dereference).
        const auto subtitleOf = [topology](const QString &id) {
            const auto *drawn = topology->node(id);
            return drawn ? drawn->subtitle() : QString();
        };
        QVERIFY(subtitleOf(QStringLiteral("haproxy:rw")).contains(leaderName));
        QTRY_VERIFY(topology->node(QStringLiteral("pgpool:pgpool")));
        QTRY_VERIFY(subtitleOf(QStringLiteral("pgpool:pgpool")).contains(leaderName));
        emit leaderNode->clicked(leaderNode->id());
        QVERIFY(window->details()->toPlainText().contains(u"REST API"));
        // The member's own answers and its exporter's figures are in its details, live.
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->toPlainText().contains(u"GET /primary · /replica · /health"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->toPlainText().contains(u"200 · 503 · 200"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->toPlainText().contains(u"exporter: PostgreSQL reachable"), 10000);
        QTest::qWait(TopologyNode::kTransitionMs + 100);
        QVERIFY(window->grab().save(QStringLiteral(PGHA_SCREENSHOT_DIR "/topology.png")));

        // Replication lag: the chart follows Patroni's lag per replica; Pause freezes the picture
        // while collection goes on.
        window->tabs()->setCurrentIndex(2);
        auto *chart = window->lagChart();
        chart->setWindowMs(60'000);
        QTest::qWait(2500);
        chart->redraw();
        QVERIFY(chart->pointCount() >= 4);   // two replicas, several samples each
        chart->setPaused(true);
        QVERIFY(chart->frozenText().startsWith(u"frozen at "));
        const int frozenPoints = chart->pointCount();
        QVERIFY(window->grab().save(QStringLiteral(PGHA_SCREENSHOT_DIR "/lag-chart.png")));
        QTest::qWait(1100);
        QCOMPARE(chart->pointCount(), frozenPoints);   // frozen while collection goes on
        chart->setPaused(false);
        QVERIFY(chart->frozenText().isEmpty());
        chart->setSecondsUnit(true);   // replay lag from the primary's pg_stat_replication
        QTRY_VERIFY_WITH_TIMEOUT((chart->redraw(), chart->pointCount() >= 2), 5000);
        chart->setSecondsUnit(false);
        // Cluster tab: the primary by every source, the dynamic configuration with its preset.
        window->tabs()->setCurrentIndex(3);
        auto *info = window->clusterInfo();
        QTRY_VERIFY_WITH_TIMEOUT(info->toPlainText().contains(models::ConsistencyWatchdog::kPgpool), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(info->toPlainText().contains(u"preset demo-fast"), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(info->toPlainText().contains(u"Metrics endpoints"), 10000);
        QVERIFY(!info->toPlainText().contains(u"DISAGREE"));
        QVERIFY(window->grab().save(QStringLiteral(PGHA_SCREENSHOT_DIR "/cluster.png")));
        window->tabs()->setCurrentIndex(1);

        const QString path = QStringLiteral(PGHA_SCREENSHOT_DIR "/main-window.png");
        const QImage shot = window->grab().toImage();
        QVERIFY(shot.save(path));
        qInfo("screenshot: %s", qPrintable(path));

        // Pixels: the green leader badge and two slate replica badges were really painted.
        int green = 0, slate = 0;
        for (int y = 0; y < shot.height(); ++y)
            for (int x = 0; x < shot.width(); ++x) {
                const QRgb p = shot.pixel(x, y);
                green += (qRed(p) == 0x2e && qGreen(p) == 0x7d && qBlue(p) == 0x32) ? 1 : 0;
                slate += (qRed(p) == 0x54 && qGreen(p) == 0x6e && qBlue(p) == 0x7a) ? 1 : 0;
            }
        QVERIFY2(green > 300, qPrintable(QString::number(green)));
        QVERIFY2(slate > 2 * 300, qPrintable(QString::number(slate)));
    }

    void closingWhileTheLabStartsStopsIt()
    {
        // A lab of its own (other directory, ports +200) so the shared lab is not touched.
        const QByteArray sharedDir = qgetenv("PGHA_LAB_DIR");
        const QString dir = QStringLiteral(PGHA_TEST_LAB_DIR "-gui-close");
        QDir(dir).removeRecursively();
        qputenv("PGHA_LAB_DIR", dir.toUtf8());
        app::Application::Options options;
        options.labPortOffset = 200;
        app::Application application(options);
        qputenv("PGHA_LAB_DIR", sharedDir);
        QSignalSpy quit(&application, &app::Application::readyToQuit);
        application.show();
        application.startLab({svc::NativeLab::StaleAction::Wipe, true});
        auto *stage = application.window()->findChild<QLabel *>(QStringLiteral("labStage"));
        QTRY_VERIFY_WITH_TIMEOUT(stage->text().contains(u"Patroni"), 60000);   // mid-start
        QVERIFY(application.lab()->isBusy());

        QVERIFY(!application.window()->close());   // the guard keeps it open while it stops the lab
        QVERIFY(quit.wait(60000));
        QVERIFY(!application.lab()->isBusy());
        const auto report = svc::NativeLab::inspect(dir);
        for (const auto &c : report.components)
            QVERIFY2(!c.alive, qPrintable(c.name));
        QTRY_VERIFY_WITH_TIMEOUT(!svc::proc::isPortInUse(QStringLiteral("127.0.0.1"), 5000 + 200), 10000);
        QVERIFY(!svc::proc::isPortInUse(QStringLiteral("127.0.0.1"), 2379 + 200));
        QVERIFY(!svc::proc::isPortInUse(QStringLiteral("127.0.0.1"), 8008 + 200));
        QDir(dir).removeRecursively();
    }

    void saysWhenNothingAnswers()
    {
        // A profile whose REST ports are closed: the window must say why it is empty.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(QStringLiteral("dead.yaml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name: dead\nkind: staging\npatroni: [\"http://127.0.0.1:1\"]\n");
        f.close();
        app::Application::Options options;
        options.profile = f.fileName();
        app::Application application(options);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(application.window()));
        auto *placeholder = application.window()->findChild<QLabel *>(QStringLiteral("memberPlaceholder"));
        QTRY_VERIFY_WITH_TIMEOUT(placeholder->text().contains(u"No Patroni REST API answered"), 5000);
        QVERIFY(application.window()->topology()->placeholder().contains(u"No Patroni REST API answered"));
        application.window()->tabs()->setCurrentIndex(1);
        QVERIFY(placeholder->isVisible());
        QCOMPARE(application.sourceModel()->reachableCount(), 0);
        QVERIFY(application.window()->windowTitle().contains(u"dead"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
