// The GUI side of the Docker lab, offscreen and without containers: the container table fed
// with recorded `docker ps` / `docker stats` output, the real window asking a stand-in docker
// (tests/gui/fake-docker.sh, through PGHA_DOCKER and PGHA_COMPOSE) that answers from the same
// recordings and writes down what it was asked. Asserts the table's rows and refresh (never two
// requests at once; an error line when Docker stops answering), the stop question (volumes
// kept by default, deleted only when asked), the log view's follower (no `docker logs` process
// outlives a change of component, a hidden view or the window), and a failed start explained
// in full. PNGs of the Lab tab and the dialogs go to the screenshot directory.
#include "isolatedsettings.h"
#include "application.h"
#include "containertable.h"
#include "containertablemodel.h"
#include "dockerstopdialog.h"
#include "labcontroller.h"
#include "laberrordialog.h"
#include "labprogressmodel.h"
#include "labpanel.h"
#include "labtab.h"
#include "logview.h"
#include "mainwindow.h"
#include "topologyview.h"

#include "docker/containerlist.h"
#include "docker/dockercommand.h"
#include "lab/dockerlab.h"
#include "lab/dockerlabfiles.h"
#include "lab/labfiles.h"
#include "lab/labstate.h"
#include "lab/containerpoller.h"
#include "lab/logfollower.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

#include <csignal>
#include <sys/types.h>

using namespace pgha;
using svc::docker::ContainerInfo;

namespace {

constexpr int kOffset = 3300;                  // ports nothing listens on: the lab profile's polling fails fast
constexpr int kWatchMs = 200;                  // the lab directory is read this often in these tests
constexpr int kAnswerTimeoutMs = 15000;
constexpr int kWindowWidth = 1280;
constexpr int kWindowHeight = 800;
const QString kProject = QStringLiteral("pgha-guitest");

QString fixture(const QString &name)
{
    return QStringLiteral(PGHA_FIXTURES_DIR "/docker/") + name;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

bool alive(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("PGHA_SCREENSHOT_DIR", QStringLiteral(PGHA_SCREENSHOT_DIR));
    QDir().mkpath(dir);
    return dir;
}

// PNGs for people to look at (build/screenshots); the docs' copy only with $PGHA_DOCS_IMAGES_DIR.
void shoot(QWidget *w, const QString &name, bool forDocs = false)
{
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QTest::qWait(150);
    const QImage image = w->grab().toImage();
    const QString file = screenshotDir() + QLatin1Char('/') + name;
    QVERIFY2(image.save(file), qPrintable(file));
    qInfo("screenshot: %s", qPrintable(file));
    const QString docs = qEnvironmentVariable("PGHA_DOCS_IMAGES_DIR");
    if (forDocs && !docs.isEmpty()) {
        QDir().mkpath(docs);
        QVERIFY2(image.save(docs + QLatin1Char('/') + name), qPrintable(docs));
    }
}

// The one visible widget of that type (a closed dialog may wait for its deferred delete).
template <typename T>
T *visibleChild(QWidget *parent)
{
    for (T *w : parent->findChildren<T *>())
        if (w->isVisible())
            return w;
    return nullptr;
}

const models::LabProgressModel *progressOf(views::MainWindow *w)
{
    auto *list = w->labPanel()->findChild<QListView *>();
    return list ? qobject_cast<const models::LabProgressModel *>(list->model()) : nullptr;
}

svc::LabComponentStatus rowOf(const models::LabProgressModel *model, const QString &name)
{
    for (const auto &c : model->components())
        if (c.name == name)
            return c;
    return {};
}

} // namespace

class TestDockerLab : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_fake;      // the fake's files
    QString m_labDir;

    svc::LabConfig labConfig() const
    {
        svc::LabConfig c;
        c.labDir = m_labDir;
        c.ports = svc::LabPorts().withOffset(kOffset);
        c.dockerProject = kProject;
        return c;
    }

    // A Docker lab recorded in the lab directory, as `pgha lab start --flavor docker` leaves it.
    void writeState(svc::LabState::Phase phase)
    {
        svc::LabState s;
        s.flavor = QStringLiteral("docker");
        s.phase = phase;
        s.config = labConfig();
        s.secrets = svc::generateSecrets();
        auto saved = s.save(m_labDir);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));
    }

    // Nothing recorded, nothing asked yet; the recorded containers listed by `docker ps`.
    void reset(bool withContainers = true)
    {
        QDir(m_labDir).removeRecursively();
        QVERIFY(QDir().mkpath(m_labDir));
        for (const QString &f : QDir(m_fake).entryList(QDir::Files))
            QFile::remove(m_fake + QLatin1Char('/') + f);
        if (withContainers) {
            QVERIFY(QFile::copy(fixture(QStringLiteral("ps-starting-v1.txt")), m_fake + QStringLiteral("/ps.txt")));
            QVERIFY(QFile::copy(fixture(QStringLiteral("stats.jsonl")), m_fake + QStringLiteral("/stats.jsonl")));
        }
    }

    void touch(const QString &name) { QVERIFY(writeAll(m_fake + QLatin1Char('/') + name, "x")); }
    QString calls() const { return QString::fromUtf8(readAll(m_fake + QStringLiteral("/calls.log"))); }
    QStringList statsLog() const { return QString::fromUtf8(readAll(m_fake + QStringLiteral("/stats.log"))).trimmed().split(u'\n'); }

    app::Application::Options options() const
    {
        app::Application::Options o;
        o.pollIntervalMs = 60000;
        o.labWatchIntervalMs = kWatchMs;
        o.labPortOffset = kOffset;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_fake = m_tmp.filePath(QStringLiteral("fake"));
        m_labDir = m_tmp.filePath(QStringLiteral("lab"));
        QVERIFY(QDir().mkpath(m_fake));
        // A copy, so the script is executable whatever the checkout did to its mode.
        const QString docker = m_tmp.filePath(QStringLiteral("docker"));
        QVERIFY(QFile::copy(QStringLiteral(PGHA_FAKE_DOCKER), docker));
        QVERIFY(QFile::setPermissions(docker, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("PGHA_DOCKER", docker.toUtf8());
        qputenv("PGHA_COMPOSE", (docker + QStringLiteral(" compose")).toUtf8());
        qputenv("FAKE_DOCKER_DIR", m_fake.toUtf8());
        qputenv("PGHA_LAB_DIR", m_labDir.toUtf8());
    }

    void compactPorts_data()
    {
        QTest::addColumn<QString>("ports");
        QTest::addColumn<QString>("shown");
        QTest::newRow("patroni") << "127.0.0.1:6532->5432/tcp, 127.0.0.1:9108->8008/tcp" << "6532→5432, 9108→8008";
        QTest::newRow("etcd peer stays inside") << "2380/tcp, 127.0.0.1:3479->2379/tcp" << "3479→2379";
        QTest::newRow("same port, v4 and v6") << "0.0.0.0:5000->5000/tcp, :::5000->5000/tcp" << "5000";
        QTest::newRow("nothing published") << "5432/tcp" << "";
        QTest::newRow("empty") << "" << "";
    }

    void compactPorts()
    {
        QFETCH(QString, ports);
        QFETCH(QString, shown);
        QCOMPARE(models::compactPorts(ports), shown);
    }

    void dockerUnavailable_data()
    {
        QTest::addColumn<QString>("err");
        QTest::addColumn<bool>("started");
        QTest::addColumn<bool>("unavailable");
        QTest::newRow("daemon down") << "err-daemon-down.txt" << true << true;
        QTest::newRow("socket permission") << "err-permission.txt" << true << true;
        QTest::newRow("no docker program") << "" << false << true;
        QTest::newRow("registry unreachable") << "err-pull.txt" << true << false;
    }

    void dockerUnavailable()
    {
        // What offers "Start the native lab instead": the recorded errors as the Docker lab reports them.
        QFETCH(QString, err);
        QFETCH(bool, started);
        QFETCH(bool, unavailable);
        svc::docker::CommandResult r;
        r.command = {QStringLiteral("docker"), QStringLiteral("version")};
        r.started = started;
        r.exitCode = started ? 1 : -1;
        r.err = err.isEmpty() ? QByteArray("No such file or directory") : readAll(fixture(err));
        QVERIFY(!r.err.isEmpty());
        const svc::Error e = svc::dockerlab::commandError(r, QStringLiteral("asking the Docker engine"));
        QVERIFY2(app::dockerUnavailable(e) == unavailable, qPrintable(e.toString()));
    }

    void modelShowsRecordedContainers()
    {
        // `docker ps` of a Compose project mid-start (recorded): 9 of the lab's 16 services have
        // a container, some of them still unhealthy.
        auto listed = svc::docker::parseContainerList(readAll(fixture(QStringLiteral("ps-starting-v1.txt"))));
        QVERIFY(listed);
        QCOMPARE(listed.value().size(), 9);
        QStringList expected;
        for (const auto &c : svc::dockerlab::componentsOf(labConfig()))
            expected << c.name;
        QCOMPARE(expected.size(), 16);

        models::ContainerTableModel model;
        QSignalSpy errors(&model, &models::ContainerTableModel::errorChanged);
        model.setExpectedServices(expected);
        QCOMPARE(model.rowCount(), 16);
        QCOMPARE(model.containerCount(), 0);
        model.setContainers(listed.value(), 1000);
        QCOMPARE(model.rowCount(), 16);   // in start order, a row for every service
        QCOMPARE(model.services(), expected);
        QCOMPARE(model.containerCount(), 9);
        QCOMPARE(model.readyCount(), 6);
        QCOMPARE(model.summary(), QStringLiteral("6 of 16 containers running and healthy"));

        auto cell = [&](const QString &service, int column, int role = Qt::DisplayRole) {
            return model.index(static_cast<int>(expected.indexOf(service)), column).data(role);
        };
        using M = models::ContainerTableModel;
        QCOMPARE(cell(QStringLiteral("pg1"), M::State).toString(), QStringLiteral("running"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Health).toString(), QStringLiteral("healthy"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Health, M::HealthRole).toInt(), static_cast<int>(ContainerInfo::Health::Healthy));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Uptime).toString(), QStringLiteral("10 minutes"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Ports).toString(), QStringLiteral("6532→5432, 9108→8008"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Ports, Qt::ToolTipRole).toString(),
                 QStringLiteral("127.0.0.1:6532->5432/tcp, 127.0.0.1:9108->8008/tcp"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Cpu).toString(), QStringLiteral("—"));   // no stats asked yet
        QCOMPARE(cell(QStringLiteral("pg3"), M::Health).toString(), QStringLiteral("unhealthy"));
        QCOMPARE(cell(QStringLiteral("pg3"), M::Health, M::HealthRole).toInt(), static_cast<int>(ContainerInfo::Health::Unhealthy));
        QCOMPARE(cell(QStringLiteral("haproxy"), M::State).toString(), QStringLiteral("not created"));
        QCOMPARE(cell(QStringLiteral("haproxy"), M::Health, M::HealthRole).toInt(), M::kAbsent);
        QCOMPARE(cell(QStringLiteral("etcd1"), M::Ports).toString(), QStringLiteral("3479→2379"));

        // With `docker stats` (recorded for 4 of them): CPU and the memory used, not the host's total.
        auto stats = svc::docker::parseContainerStats(readAll(fixture(QStringLiteral("stats.jsonl"))));
        QVERIFY(stats);
        QList<ContainerInfo> withStats = listed.value();
        for (auto &c : withStats) {
            c.cpu = stats.value().value(c.name).cpu;
            c.memory = stats.value().value(c.name).memory;
        }
        model.setContainers(withStats, 2000);
        QCOMPARE(cell(QStringLiteral("pg1"), M::Cpu).toString(), QStringLiteral("8.28%"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Memory).toString(), QStringLiteral("151.8MiB"));
        QVERIFY(cell(QStringLiteral("pg1"), M::Memory, Qt::ToolTipRole).toString().contains(u"151.8MiB / 23.54GiB"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Cpu, Qt::TextAlignmentRole).toInt() & Qt::AlignRight, int(Qt::AlignRight));

        // A listing without stats (the lab's own poll during a start) keeps the last sample...
        model.setContainers(listed.value(), 3000);
        QCOMPARE(cell(QStringLiteral("pg1"), M::Cpu).toString(), QStringLiteral("8.28%"));
        // ...but not for a container that stopped: it shows how it ended instead.
        QList<ContainerInfo> crashed = listed.value();
        for (auto &c : crashed)
            if (c.service == u"pg1") {
                c.state = QStringLiteral("exited");
                svc::docker::readStatus(QStringLiteral("Exited (137) 3 seconds ago"), &c);
                c.uptime.clear();
            }
        model.setContainers(crashed, 4000);
        QCOMPARE(cell(QStringLiteral("pg1"), M::State).toString(), QStringLiteral("exited (137)"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Uptime).toString(), QStringLiteral("Exited (137) 3 seconds ago"));
        QCOMPARE(cell(QStringLiteral("pg1"), M::Cpu).toString(), QString());
        QCOMPARE(model.readyCount(), 5);

        // Docker stops answering: the rows stay (as last seen) and the error says why.
        views::ContainerTable table(&model);
        model.setError(QStringLiteral("listing the lab's containers: the Docker daemon is not running"), 5000);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(model.containerCount(), 9);
        QVERIFY(!table.errorLabel()->isHidden());
        QVERIFY(table.errorLabel()->text().contains(u"Docker did not answer"));
        QVERIFY(table.errorLabel()->text().contains(u"the Docker daemon is not running"));
        QVERIFY(table.errorLabel()->text().contains(u"The table shows what it said at"));
        model.setContainers(listed.value(), 6000);
        QVERIFY(model.error().isEmpty());
        QVERIFY(table.errorLabel()->isHidden());
    }

    void modelShowsAHealthyLab()
    {
        // `docker ps` and `docker stats` of the whole lab, every container healthy (recorded).
        auto listed = svc::docker::parseContainerList(readAll(fixture(QStringLiteral("ps-healthy-v1.txt"))));
        auto stats = svc::docker::parseContainerStats(readAll(fixture(QStringLiteral("stats-healthy.jsonl"))));
        QVERIFY(listed);
        QVERIFY(stats);
        QList<ContainerInfo> containers = listed.value();
        for (auto &c : containers) {
            c.cpu = stats.value().value(c.name).cpu;
            c.memory = stats.value().value(c.name).memory;
        }
        QStringList expected;
        for (const auto &c : svc::dockerlab::componentsOf(labConfig()))
            expected << c.name;
        models::ContainerTableModel model;
        model.setExpectedServices(expected);
        model.setContainers(containers, 1000);
        QCOMPARE(model.rowCount(), 16);
        QCOMPARE(model.readyCount(), 16);
        QCOMPARE(model.summary(), QStringLiteral("16 of 16 containers running and healthy"));
        using M = models::ContainerTableModel;
        for (int row = 0; row < model.rowCount(); ++row) {
            QCOMPARE(model.index(row, M::Health, {}).data(M::HealthRole).toInt(), static_cast<int>(ContainerInfo::Health::Healthy));
            QVERIFY2(model.index(row, M::Cpu).data().toString().endsWith(u'%'), qPrintable(expected[row]));
            QVERIFY2(model.index(row, M::Memory).data().toString().endsWith(u"MiB"), qPrintable(expected[row]));
        }
        const int haproxy = static_cast<int>(expected.indexOf(QStringLiteral("haproxy")));
        QCOMPARE(model.index(haproxy, M::Ports).data().toString(), QStringLiteral("6100→5000, 6101→5001, 8100→7000"));
        QCOMPARE(model.index(haproxy, M::Service).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("container pgha-dev_haproxy_1 (632197177be6)"));
    }

    void tableRefreshesWhileShown()
    {
        reset();
        writeState(svc::LabState::Phase::Running);
        app::Application application(options());
        auto *w = application.window();
        w->resize(kWindowWidth, kWindowHeight);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(application.labController()->flavor(), QStringLiteral("docker"));   // as recorded
        QVERIFY(w->findChild<QLabel *>(QStringLiteral("labPanelTitle"))->text().contains(u"Docker Compose"));
        auto *model = application.containers();
        auto *poller = application.labController()->poller();
        QVERIFY(!poller->isWatched());
        QCOMPARE(poller->intervalMs(), svc::ContainerPoller::kBackgroundIntervalMs);

        w->showLabTab();
        QVERIFY(poller->isWatched());
        QCOMPARE(poller->intervalMs(), svc::ContainerPoller::kWatchedIntervalMs);
        QTRY_COMPARE_WITH_TIMEOUT(model->containerCount(), 9, kAnswerTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(model->container(QStringLiteral("pg1")) && !model->container(QStringLiteral("pg1"))->cpu.isEmpty(),
                                 kAnswerTimeoutMs);   // shown: with `docker stats`
        QCOMPARE(model->rowCount(), 16);
        auto *engine = w->labTab()->containers()->findChild<QLabel *>(QStringLiteral("dockerEngine"));
        QTRY_VERIFY(engine->text().contains(u"20.10.24"));
        QVERIFY(engine->text().contains(u"docker compose 2.20.2"));
        QVERIFY(engine->text().contains(kProject));
        QCOMPARE(w->labTab()->containers()->table()->model()->rowCount(), 16);

        // The lab panel follows the engine: pg1 healthy, pg3 unhealthy, HAProxy has no container.
        const auto *progress = progressOf(w);
        QVERIFY(progress);
        QTRY_COMPARE(rowOf(progress, QStringLiteral("pg1")).state, svc::LabComponentStatus::State::Ready);
        QCOMPARE(rowOf(progress, QStringLiteral("pg3")).state, svc::LabComponentStatus::State::Failed);
        QVERIFY(rowOf(progress, QStringLiteral("pg3")).detail.contains(u"unhealthy"));
        QCOMPARE(rowOf(progress, QStringLiteral("haproxy")).state, svc::LabComponentStatus::State::Failed);
        QCOMPARE(rowOf(progress, QStringLiteral("pgbouncer-exporter1")).state, svc::LabComponentStatus::State::Failed);
        QTRY_VERIFY(w->findChild<QLabel *>(QStringLiteral("labStage"))->text().contains(u"6 of 16 containers"));
        QVERIFY(w->stopLabAction()->isEnabled());
        QVERIFY(!w->startLabAction()->isEnabled());

        // Never two requests at once: a slow `docker stats` keeps one in flight, asking again
        // meanwhile sends nothing, and the stats calls never interleave.
        touch(QStringLiteral("slow-stats"));
        QTRY_VERIFY_WITH_TIMEOUT(poller->isInFlight(), kAnswerTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(statsLog().last().startsWith(u"stats-begin"), kAnswerTimeoutMs);
        const int requests = poller->requestCount();
        for (int i = 0; i < 5; ++i)
            poller->refreshNow();
        QCOMPARE(poller->requestCount(), requests);
        QTest::qWait(2 * svc::ContainerPoller::kWatchedIntervalMs);
        const QStringList stats = statsLog();
        QVERIFY(stats.size() >= 4);
        for (int i = 0; i < stats.size(); ++i)
            QVERIFY2(stats[i].startsWith(i % 2 == 0 ? u"stats-begin" : u"stats-end"), qPrintable(stats.join(u" | ")));
        QFile::remove(m_fake + QStringLiteral("/slow-stats"));

        // The Lab tab with containers and a followed log, for people to look at.
        QTRY_VERIFY_WITH_TIMEOUT(w->labTab()->logView()->text()->toPlainText().contains(u"fake log line 3 of pg1"), kAnswerTimeoutMs);
        shoot(w, QStringLiteral("lab-docker.png"), true);

        // Docker stops answering: a red line says so, the rows stay as last seen.
        touch(QStringLiteral("down"));
        auto *error = w->labTab()->containers()->errorLabel();
        QTRY_VERIFY_WITH_TIMEOUT(!model->error().isEmpty(), kAnswerTimeoutMs);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(u"the Docker daemon is not running"), qPrintable(error->text()));
        QCOMPARE(model->containerCount(), 9);
        shoot(w->labTab(), QStringLiteral("lab-docker-not-answering.png"));
        QFile::remove(m_fake + QStringLiteral("/down"));
        QTRY_VERIFY_WITH_TIMEOUT(model->error().isEmpty(), kAnswerTimeoutMs);
        QVERIFY(!error->isVisible());

        // Hidden: slower and without stats, but still asking while the lab is recorded as running.
        w->tabs()->setCurrentWidget(w->topology());
        QVERIFY(!poller->isWatched());
        QVERIFY(poller->isActive());
        QTRY_VERIFY(!application.labController()->logFollower()->isRunning());
    }

    void stopAsksAboutVolumes()
    {
        reset();
        writeState(svc::LabState::Phase::Running);
        app::Application application(options());
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("docker"));
        QSignalSpy stopped(application.labController(), &app::LabController::stopFinished);

        // Delete the volumes: only when that button is clicked.
        QTRY_VERIFY(w->stopLabAction()->isEnabled());
        w->stopLabAction()->trigger();
        views::DockerStopDialog *box = nullptr;
        QTRY_VERIFY((box = visibleChild<views::DockerStopDialog>(w)));
        QCOMPARE(box->defaultButton(), box->keepButton());   // Enter keeps the data
        QVERIFY(box->informativeText().contains(u"deletes all the lab's data"));
        QVERIFY(box->informativeText().contains(kProject));
        QVERIFY(box->deleteButton()->text().contains(u"all data"));
        shoot(box, QStringLiteral("lab-docker-stop.png"));
        QTest::mouseClick(box->deleteButton(), Qt::LeftButton);
        QVERIFY(stopped.wait(kAnswerTimeoutMs));
        auto outcome = stopped.takeFirst().at(0).value<svc::LabOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error.toString()));
        QVERIFY2(calls().contains(QStringLiteral("compose -p %1 down --remove-orphans --timeout 10 --volumes").arg(kProject)), qPrintable(calls()));
        QVERIFY(calls().contains(u"volume ls -q"));   // asked the engine that nothing is left
        QCOMPARE(svc::LabState::load(m_labDir).value().phase, svc::LabState::Phase::Stopped);

        // A stop without the question (closing the window during a start) keeps the volumes,
        // whatever the last question's answer was.
        writeState(svc::LabState::Phase::Running);
        QFile::remove(m_fake + QStringLiteral("/calls.log"));
        application.labController()->stopNow();
        QVERIFY(stopped.wait(kAnswerTimeoutMs));
        QVERIFY(stopped.takeFirst().at(0).value<svc::LabOutcome>().ok);
        QVERIFY2(calls().contains(u" down "), qPrintable(calls()));
        QVERIFY2(!calls().contains(u"--volumes"), qPrintable(calls()));

        // Enter: stop, volumes kept.
        writeState(svc::LabState::Phase::Running);
        QFile::remove(m_fake + QStringLiteral("/calls.log"));
        QTRY_VERIFY(w->stopLabAction()->isEnabled());
        w->stopLabAction()->trigger();
        QTRY_VERIFY((box = visibleChild<views::DockerStopDialog>(w)));
        QTest::keyClick(box, Qt::Key_Return);
        QVERIFY(stopped.wait(kAnswerTimeoutMs));
        QVERIFY(stopped.takeFirst().at(0).value<svc::LabOutcome>().ok);
        QVERIFY2(calls().contains(QStringLiteral("down --remove-orphans --timeout 10")), qPrintable(calls()));
        QVERIFY2(!calls().contains(u"--volumes"), qPrintable(calls()));

        // Cancel: nothing is stopped.
        writeState(svc::LabState::Phase::Running);
        QFile::remove(m_fake + QStringLiteral("/calls.log"));
        QTRY_VERIFY(w->stopLabAction()->isEnabled());
        w->stopLabAction()->trigger();
        QTRY_VERIFY((box = visibleChild<views::DockerStopDialog>(w)));
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
        QTest::qWait(500);
        QVERIFY(stopped.isEmpty());
        QVERIFY2(!calls().contains(u" down "), qPrintable(calls()));
        QVERIFY(!application.lab()->isBusy());
    }

    void logViewCancelsItsFollower()
    {
        reset();
        writeState(svc::LabState::Phase::Running);
        qint64 last = 0;
        {
            app::Application application(options());
            auto *w = application.window();
            application.show();
            QVERIFY(QTest::qWaitForWindowExposed(w));
            auto *logView = w->labTab()->logView();
            auto *follower = application.labController()->logFollower();
            QCOMPARE(logView->component(), QStringLiteral("pg1"));
            QVERIFY(!follower->isRunning());   // nothing follows while the view is not shown

            w->showLabTab();
            QTRY_VERIFY_WITH_TIMEOUT(logView->text()->toPlainText().contains(u"fake log line 3 of pg1"), kAnswerTimeoutMs);
            QTRY_COMPARE(follower->processIds().size(), 1);
            const qint64 pg1 = follower->processIds().first();
            QVERIFY(alive(pg1));
            QVERIFY(readAll(m_fake + QStringLiteral("/follow.pids")).contains(QByteArray::number(pg1)));
            QVERIFY(calls().contains(QStringLiteral("logs --no-color --no-log-prefix --tail %1 --follow pg1").arg(svc::LogFollower::kTailLines)));
            QVERIFY(logView->statusLabel()->text().startsWith(u"following pg1"));

            // Another component: the first follower ends, the text starts over.
            logView->selectComponent(QStringLiteral("pg2"));
            QTRY_VERIFY(!alive(pg1));
            QTRY_VERIFY(logView->text()->toPlainText().contains(u"fake log line 3 of pg2"));
            QVERIFY(!logView->text()->toPlainText().contains(u"of pg1"));
            QTRY_COMPARE(follower->processIds().size(), 1);
            const qint64 pg2 = follower->processIds().first();
            QVERIFY(alive(pg2));

            // Follow off: it ends, the text stays; Clear empties it; Follow on: a new one.
            logView->followBox()->setChecked(false);
            QTRY_VERIFY(!alive(pg2));
            QTRY_VERIFY(!follower->isRunning());
            QVERIFY(logView->text()->toPlainText().contains(u"of pg2"));
            QVERIFY(logView->statusLabel()->text().contains(u"not following"));
            QTest::mouseClick(logView->clearButton(), Qt::LeftButton);
            QVERIFY(logView->text()->toPlainText().isEmpty());
            logView->followBox()->setChecked(true);
            QTRY_COMPARE(follower->processIds().size(), 1);
            const qint64 again = follower->processIds().first();

            // The view hidden (another tab): it ends; shown again: a new one.
            w->tabs()->setCurrentWidget(w->topology());
            QTRY_VERIFY(!alive(again));
            QTRY_VERIFY(!follower->isRunning());
            w->showLabTab();
            QTRY_COMPARE(follower->processIds().size(), 1);
            const qint64 shownAgain = follower->processIds().first();

            // The window closed: it waits for the follower to end, then closes.
            QVERIFY(!w->close());
            QTRY_VERIFY(!alive(shownAgain));
            QTRY_VERIFY(!w->isVisible());

            // And once more for the application going away with a follower running.
            w->show();
            QVERIFY(QTest::qWaitForWindowExposed(w));
            QTRY_COMPARE(follower->processIds().size(), 1);
            last = follower->processIds().first();
            QVERIFY(alive(last));
        }
        QTRY_VERIFY(!alive(last));
    }

    // A chatty log followed for long: the view keeps its last kMaxLines lines and says once, as
    // its first line, that older ones were dropped; no undo history keeps them either.
    void logViewKeepsABoundedTail()
    {
        constexpr int kLines = views::LogView::kMaxLines + 2000;
        reset();
        writeState(svc::LabState::Phase::Running);
        QVERIFY(writeAll(m_fake + QStringLiteral("/log.lines"), QByteArray::number(kLines)));
        app::Application application(options());
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QSignalSpy batches(application.labController()->logFollower(), &svc::LogFollower::linesArrived);
        w->showLabTab();
        auto *logView = w->labTab()->logView();
        QTextDocument *doc = logView->text()->document();
        const QString lastLine = QStringLiteral("fake log line %1 of pg1").arg(kLines);
        QTRY_COMPARE_WITH_TIMEOUT(doc->lastBlock().text(), lastLine, kAnswerTimeoutMs);
        QVERIFY(!doc->isUndoRedoEnabled());
        QCOMPARE(doc->blockCount(), views::LogView::kMaxLines + 1);
        QCOMPARE(doc->firstBlock().text(), views::LogView::droppedNote());
        QCOMPARE(doc->toPlainText().count(views::LogView::droppedNote()), 1);
        QCOMPARE(doc->firstBlock().next().text(), QStringLiteral("fake log line %1 of pg1").arg(kLines - views::LogView::kMaxLines + 1));
        // Each batch the follower handed on was bounded too, and counted what it left out.
        qint64 handedOn = 0;
        for (const auto &batch : std::as_const(batches)) {
            const auto lines = batch.at(0).toStringList();
            QVERIFY(lines.size() <= svc::LogFollower::kMaxBatchLines);
            handedOn += lines.size() + batch.at(1).toLongLong();
        }
        QCOMPARE(handedOn, kLines);

        // More lines: the oldest go, the note stays first and single.
        logView->appendLines({QStringLiteral("one more line")});
        QCOMPARE(doc->blockCount(), views::LogView::kMaxLines + 1);
        QCOMPARE(doc->firstBlock().text(), views::LogView::droppedNote());
        QCOMPARE(doc->toPlainText().count(views::LogView::droppedNote()), 1);
        QCOMPARE(doc->firstBlock().next().text(), QStringLiteral("fake log line %1 of pg1").arg(kLines - views::LogView::kMaxLines + 2));
        QCOMPARE(doc->lastBlock().text(), QStringLiteral("one more line"));

        // Lines the follower had to leave out are said the same way, even in a short text.
        QTest::mouseClick(logView->clearButton(), Qt::LeftButton);
        logView->appendLines({QStringLiteral("after a full batch")}, 12);
        QCOMPARE(doc->toPlainText(), views::LogView::droppedNote() + QStringLiteral("\nafter a full batch"));
        auto *follower = application.labController()->logFollower();
        follower->stop();
        QTRY_VERIFY(!follower->isRunning());
    }

    void startShowsEachService()
    {
        // A start through the stand-in: the images build (which service, which step), then the
        // containers come up as the recorded mid-start listing says; a stop cancels it quietly.
        reset(false);   // no containers yet: they appear once the images are built
        QVERIFY(writeAll(m_fake + QStringLiteral("/build.steps"),
                         "Building etcd1\nStep 1/4 : FROM pgha/debian-base:bookworm\nStep 2/4 : RUN apt-get install -y etcd-server\n"
                         "Building pg1\nStep 1/6 : FROM pgha/debian-base:bookworm\nStep 3/6 : RUN apt-get install -y patroni postgresql-15\n"));
        auto o = options();
        o.labFlavor = QStringLiteral("docker");
        app::Application application(o);
        auto *w = application.window();
        w->resize(kWindowWidth, kWindowHeight);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        const auto *progress = progressOf(w);
        QVERIFY(progress);
        QSignalSpy finished(application.labController(), &app::LabController::startFinished);
        QSignalSpy stopped(application.labController(), &app::LabController::stopFinished);
        QTRY_VERIFY(w->startLabAction()->isEnabled());
        w->startLabAction()->trigger();
        QVERIFY(application.lab()->isBusy());
        QCOMPARE(progress->rowCount(), 16);   // every Docker service, the exporters of PgBouncer too
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(progress, QStringLiteral("pg1")).detail == u"image step 3/6", kAnswerTimeoutMs);
        QCOMPARE(rowOf(progress, QStringLiteral("etcd1")).detail, QStringLiteral("image step 2/4"));
        QCOMPARE(rowOf(progress, QStringLiteral("pg1")).state, svc::LabComponentStatus::State::Starting);
        QVERIFY(progress->stageText().contains(u"building pg1: step 3/6"));
        shoot(w->labPanel(), QStringLiteral("lab-docker-building.png"));

        // Up: the containers as `docker ps` lists them mid-start.
        QVERIFY(QFile::copy(fixture(QStringLiteral("ps-starting-v1.txt")), m_fake + QStringLiteral("/ps.txt")));
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(progress, QStringLiteral("pg1")).detail == u"healthy", kAnswerTimeoutMs);
        QCOMPARE(rowOf(progress, QStringLiteral("pg1")).state, svc::LabComponentStatus::State::Ready);
        QCOMPARE(rowOf(progress, QStringLiteral("pg3")).detail, QStringLiteral("unhealthy, retrying"));
        QCOMPARE(rowOf(progress, QStringLiteral("pg3")).state, svc::LabComponentStatus::State::Starting);
        QVERIFY(progress->stageText().contains(u"containers healthy: 6 of 16"));
        QCOMPARE(application.containers()->containerCount(), 9);   // the table follows the start's own listing
        shoot(w->labPanel(), QStringLiteral("lab-docker-starting.png"), true);

        // Stopped halfway (no question: a start is cancelled, volumes kept): no error dialog.
        application.labController()->stopNow();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kAnswerTimeoutMs);
        QVERIFY(!finished.first().at(0).value<svc::LabOutcome>().ok);
        QTRY_VERIFY_WITH_TIMEOUT(!stopped.isEmpty(), kAnswerTimeoutMs);
        QVERIFY(stopped.first().at(0).value<svc::LabOutcome>().ok);
        QTest::qWait(200);
        QVERIFY(!visibleChild<views::LabErrorDialog>(w));
        QVERIFY(!calls().contains(u"--volumes"));
    }

    void failedBuildShownInFull()
    {
        reset(false);
        QVERIFY(QFile::copy(fixture(QStringLiteral("build-fail-classic.out")), m_fake + QStringLiteral("/build.out")));
        QVERIFY(QFile::copy(fixture(QStringLiteral("build-fail-classic.err")), m_fake + QStringLiteral("/build.err")));
        auto o = options();
        o.labFlavor = QStringLiteral("docker");
        app::Application application(o);
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("docker"));
        QSignalSpy finished(&application, &app::Application::labStartFinished);
        QTRY_VERIFY(w->startLabAction()->isEnabled());
        w->startLabAction()->trigger();
        QVERIFY(finished.wait(kAnswerTimeoutMs));
        QVERIFY(!finished.first().at(0).value<svc::LabOutcome>().ok);

        views::LabErrorDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = visibleChild<views::LabErrorDialog>(w)));
        const QString shown = dialog->messageBox()->toPlainText();
        QVERIFY2(shown.contains(u"an image build step failed"), qPrintable(shown));
        QVERIFY2(shown.contains(u"Step 3/4 : RUN apt-get install -y no-such-package-pgha"), qPrintable(shown));
        QVERIFY2(shown.contains(u"returned a non-zero code: 100"), qPrintable(shown));
        QVERIFY(shown.count(u'\n') >= 3);   // in full, not one line
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("labErrorHint"))->text().contains(u"Debian mirror"));
        QVERIFY(!dialog->nativeButton());   // Docker works here: no way out needed
        shoot(dialog, QStringLiteral("lab-docker-build-failed.png"));
        dialog->close();
    }

    // Lab → Start lab (Docker Compose, Debian 13 …): the lab is made for PostgreSQL 17, so the
    // project the console writes builds on Debian 13 (the stand-in fails the build right away).
    void startDocker17BuildsOnDebian13()
    {
        reset(false);
        QVERIFY(QFile::copy(fixture(QStringLiteral("build-fail-classic.out")), m_fake + QStringLiteral("/build.out")));
        QVERIFY(QFile::copy(fixture(QStringLiteral("build-fail-classic.err")), m_fake + QStringLiteral("/build.err")));
        app::Application application(options());
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QSignalSpy finished(&application, &app::Application::labStartFinished);
        QTRY_VERIFY(w->startDocker17LabAction()->isEnabled());
        QVERIFY(w->startDocker17LabAction()->toolTip().contains(u"Patroni 4.0.7"));
        w->startDocker17LabAction()->trigger();
        QVERIFY(finished.wait(kAnswerTimeoutMs));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("docker"));
        QCOMPARE(application.lab()->config().dockerPostgres, 17);
        QFile env(application.lab()->config().labDir + QStringLiteral("/docker/.env"));
        QVERIFY(env.open(QIODevice::ReadOnly));
        const QByteArray text = env.readAll();
        QVERIFY2(text.contains("\nPGHA_DEBIAN_SUITE=trixie\n"), text.constData());
        QVERIFY2(text.contains("\nBASE_IMAGE=debian:trixie-slim\n") || text.contains("\nBASE_IMAGE=pgha/debian-base:trixie\n"),
                 text.constData());
        // ttl 10 asked (demo-fast): Patroni 4 keeps 20, and the lab says and records so.
        QVERIFY2(text.contains("\nPATRONI_TTL=20\n"), text.constData());
        if (auto *dialog = visibleChild<views::LabErrorDialog>(w))
            dialog->close();
    }

    void daemonDownOffersTheNativeLab()
    {
        reset(false);
        touch(QStringLiteral("down"));
        auto o = options();
        o.labFlavor = QStringLiteral("docker");
        app::Application application(o);
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QSignalSpy finished(&application, &app::Application::labStartFinished);
        QTRY_VERIFY(w->startDockerLabAction()->isEnabled());
        w->startDockerLabAction()->trigger();
        QVERIFY(finished.wait(kAnswerTimeoutMs));
        views::LabErrorDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = visibleChild<views::LabErrorDialog>(w)));
        QVERIFY(dialog->messageBox()->toPlainText().contains(u"the Docker daemon is not running"));
        QVERIFY(dialog->nativeButton());
        QCOMPARE(dialog->nativeButton()->text(), QStringLiteral("Start the native lab instead"));
        shoot(dialog, QStringLiteral("lab-docker-daemon-down.png"));
        dialog->close();   // (clicking would start a real native lab)
    }

    void nativeLogFileIsFollowed()
    {
        // The native lab has no containers: the Lab tab is its log files, followed as they grow.
        reset(false);
        QVERIFY(QDir().mkpath(m_labDir + QStringLiteral("/logs")));
        const QString log = m_labDir + QStringLiteral("/logs/pg1.log");
        QVERIFY(writeAll(log, "2024-05-01 10:00:00,001 INFO: no action. I am (pg1), the leader with the lock\n"
                              "2024-05-01 10:00:02,001 INFO: no action. I am (pg1), the leader with the lock\n"));
        auto o = options();
        o.labFlavor = QStringLiteral("native");
        app::Application application(o);
        auto *w = application.window();
        w->resize(kWindowWidth, kWindowHeight);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("native"));
        w->showLabTab();
        auto *logView = w->labTab()->logView();
        QVERIFY(w->labTab()->containers()->isHidden());
        QTRY_VERIFY(logView->text()->toPlainText().contains(u"10:00:02,001"));
        QVERIFY(logView->statusLabel()->text().contains(log));
        QFile f(log);
        QVERIFY(f.open(QIODevice::Append));
        f.write("2024-05-01 10:00:04,001 INFO: no action. I am (pg1), the leader with the lock\n2024-05-01 10:00:06");   // half a line
        f.flush();
        QTRY_VERIFY(logView->text()->toPlainText().contains(u"10:00:04,001"));
        QTest::qWait(2 * svc::LogFollower::kFilePollMs);
        QVERIFY(!logView->text()->toPlainText().contains(u"10:00:06"));   // shown once it is whole
        f.write(",001 INFO: no action\n");
        f.close();
        QTRY_VERIFY(logView->text()->toPlainText().contains(u"10:00:06,001 INFO: no action"));
        shoot(w, QStringLiteral("lab-native-log.png"));

        logView->selectComponent(QStringLiteral("etcd1"));   // never started here: says so, and waits for it
        QTRY_VERIFY(logView->statusLabel()->text().contains(u"has no log yet"));
        QVERIFY(application.labController()->logFollower()->isRunning());
        QVERIFY(writeAll(m_labDir + QStringLiteral("/logs/etcd1.log"), "{\"level\":\"warn\",\"msg\":\"etcd1 began\"}\n"));
        QTRY_VERIFY(logView->text()->toPlainText().contains(u"etcd1 began"));   // from its first line
        QTRY_VERIFY(logView->statusLabel()->text().contains(u"following etcd1"));
        // Not following, a missing log is only said.
        logView->followBox()->setChecked(false);
        logView->selectComponent(QStringLiteral("etcd2"));
        QTRY_VERIFY(logView->statusLabel()->text().contains(u"has no log yet"));
        QTRY_VERIFY(!application.labController()->logFollower()->isRunning());
    }

    void noSwitchWhileALabRuns()
    {
        reset();
        writeState(svc::LabState::Phase::Running);
        auto o = options();
        o.labFlavor = QStringLiteral("native");   // asked for, but the Docker lab is there
        app::Application application(o);
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("docker"));
        const QString why = application.labController()->whyNotSwitch(QStringLiteral("native"));
        QVERIFY2(why.contains(u"the docker lab is in") && why.contains(u"Stop it first"), qPrintable(why));

        application.labController()->start(QStringLiteral("native"));
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w->findChild<QMessageBox *>(QStringLiteral("labSwitchRefused"))));
        QVERIFY(box->text().contains(u"Lab → Stop lab"));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("docker"));
        QVERIFY(!application.lab()->isBusy());
        box->close();

        // Once it is stopped, the other flavour may be chosen.
        writeState(svc::LabState::Phase::Stopped);
        QVERIFY(application.labController()->switchFlavor(QStringLiteral("native")));
        QCOMPARE(application.lab()->flavor(), QStringLiteral("native"));
        QVERIFY(w->findChild<QLabel *>(QStringLiteral("labPanelTitle"))->text().contains(u"native"));
        QVERIFY(w->labTab()->containers()->isHidden());
        // The Docker lab it replaced goes once its last docker command has ended (never deleted
        // while one runs: that would block).
        QTRY_VERIFY(application.labController()->findChildren<svc::DockerLab *>().isEmpty());
    }
};

// By hand only: a PNG of the Lab tab against a real Docker lab that already runs, read-only
// (the test lists containers and follows a log; it never starts or stops anything):
//   PGHA_LIVE_DOCKER_PROJECT=pgha-dev PGHA_LIVE_DOCKER_OFFSET=1100 tests/tst_guidockerlab liveDockerLab
class TestLiveDockerLab : public QObject {
    Q_OBJECT
private slots:
    void liveDockerLab()
    {
        const QString project = qEnvironmentVariable("PGHA_LIVE_DOCKER_PROJECT");
        if (project.isEmpty())
            QSKIP("set PGHA_LIVE_DOCKER_PROJECT (and PGHA_LIVE_DOCKER_OFFSET) to shoot a running Docker lab");
        QTemporaryDir tmp;
        const QString labDir = tmp.filePath(QStringLiteral("lab"));
        QVERIFY(QDir().mkpath(labDir));
        qputenv("PGHA_LAB_DIR", labDir.toUtf8());
        svc::LabState s;
        s.flavor = QStringLiteral("docker");
        s.phase = svc::LabState::Phase::Running;
        s.config.labDir = labDir;
        s.config.ports = svc::LabPorts().withOffset(qEnvironmentVariableIntValue("PGHA_LIVE_DOCKER_OFFSET"));
        s.config.dockerProject = project;
        s.secrets = svc::generateSecrets();
        QVERIFY(s.save(labDir));
        // The Compose files with this state's passwords, as a start leaves them (DockerLab::logs()
        // of a lab it did not start would write them with empty ones).
        QVERIFY(svc::dockerlab::writeProject(s.config, s.secrets));
        app::Application::Options o;
        o.labPortOffset = qEnvironmentVariableIntValue("PGHA_LIVE_DOCKER_OFFSET");
        app::Application application(o);
        auto *w = application.window();
        w->resize(kWindowWidth, kWindowHeight);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        w->showLabTab();
        auto *model = application.containers();
        QTRY_VERIFY_WITH_TIMEOUT(model->containerCount() > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(model->container(QStringLiteral("pg1")) && !model->container(QStringLiteral("pg1"))->cpu.isEmpty(), 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(w->labTab()->logView()->text()->blockCount() > 20,
                                  qPrintable(w->labTab()->logView()->statusLabel()->text()), 30000);
        shoot(w, QStringLiteral("lab-docker-live.png"));
        w->tabs()->setCurrentWidget(w->topology());
        QTest::qWait(3000);
        shoot(w, QStringLiteral("lab-docker-live-topology.png"));
        QTRY_VERIFY(!application.labController()->logFollower()->isRunning());
    }
};

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    // The live shot runs alone (it needs the real docker, not the stand-in the others use).
    for (int i = 1; i < argc; ++i)
        if (qstrcmp(argv[i], "liveDockerLab") == 0) {
            TestLiveDockerLab live;
            return QTest::qExec(&live, argc, argv);
        }
    TestDockerLab test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_dockerlab.moc"
