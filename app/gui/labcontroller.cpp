#include "labcontroller.h"

#include "containerpoller.h"
#include "containertable.h"
#include "containertablemodel.h"
#include "dockerstopdialog.h"
#include "laberrordialog.h"
#include "labprogressmodel.h"
#include "labtab.h"
#include "logfollower.h"
#include "logview.h"
#include "mainwindow.h"

#include "lab/dockerlab.h"
#include "lab/dockerlabfiles.h"
#include "lab/nativelab.h"

#include <QMessageBox>
#include <QProcess>
#include <QPushButton>

#include <memory>

namespace pgha::app {

using svc::LabComponentStatus;
using Status = svc::NativeLab::Status;

namespace {

constexpr char kDefaultLogComponent[] = "pg1";

// A lab in the directory that keeps it from switching flavour: anything but absent or stopped.
bool occupies(Status s)
{
    return s != Status::Absent && s != Status::Stopped;
}

} // namespace

bool dockerUnavailable(const svc::Error &error)
{
    const QString all = error.message + QLatin1Char('\n') + error.hint;
    return all.contains(u"Docker is not installed") || all.contains(u"daemon is not running")
            || all.contains(u"Docker Compose is not installed") || all.contains(u"permission denied on the Docker socket");
}

LabController::LabController(const Options &options, svc::HttpClient *http, models::LabProgressModel *progress,
                             models::ContainerTableModel *containers, views::MainWindow *window, QObject *parent)
    : QObject(parent),
      m_options(options),
      m_http(http),
      m_progress(progress),
      m_containers(containers),
      m_window(window),
      m_poller(new models::ContainerPoller(containers, this)),
      m_logs(new models::LogFollower(this))
{
    const QString labDir = svc::LabConfig::defaultLabDir();
    const QString recorded = svc::recordedLabFlavor(labDir);
    QString flavor = options.flavor.isEmpty() ? (recorded.isEmpty() ? QStringLiteral("native") : recorded) : options.flavor;
    if (!options.flavor.isEmpty() && !recorded.isEmpty() && recorded != options.flavor) {
        const auto report = svc::NativeLab::inspect(labDir);
        if (occupies(report.status)) {
            // The lab that is there stays manageable; the wish is said, not silently dropped.
            flavor = recorded;
            QTimer::singleShot(0, this, [this, wanted = options.flavor, labDir, summary = report.summary] {
                emit note(QStringLiteral("lab"),
                          tr("--lab-flavor %1 not applied: %2 is in %3. Stop it first (Lab → Stop lab, or `pgha lab stop`).")
                                  .arg(wanted, summary, labDir),
                          1);
            });
        }
    }
    createLab(flavor);

    auto *tab = m_window->labTab();
    auto *logView = tab->logView();
    connect(tab, &views::LabTab::shownChanged, this, &LabController::setLabTabShown);
    connect(logView, &views::LogView::componentChosen, this, &LabController::restartLog);
    connect(logView, &views::LogView::shownChanged, this, [this](bool shown) {
        if (shown)
            restartLog();
        else
            m_logs->stop();
    });
    connect(logView, &views::LogView::followToggled, this, [this, logView](bool follow) {
        if (follow) {
            restartLog();
        } else {
            m_logs->stop();
            logView->setStatus(tr("not following %1 (tick Follow to read on)").arg(logView->component()));
        }
    });
    connect(m_logs, &models::LogFollower::linesArrived, logView, &views::LogView::appendLines);
    connect(m_logs, &models::LogFollower::started, logView, [logView, this](const QString &component, const QString &how) {
        logView->setStatus(m_logs->isFollowing() ? tr("following %1 — %2").arg(component, how)
                                                 : tr("the last %1 lines of %2 — %3").arg(models::LogFollower::kTailLines).arg(component, how));
    });
    connect(m_logs, &models::LogFollower::ended, logView, [logView](const QString &component, const QString &error) {
        if (!error.isEmpty())
            logView->setStatus(error, true);
        else if (logView->followChecked())   // `logs --follow` ends when the container does
            logView->setStatus(tr("%1's log ended: its container stopped or is gone; choose it again to read on").arg(component));
        else
            logView->setStatus(tr("the last %1 lines of %2 (tick Follow to keep reading)").arg(models::LogFollower::kTailLines).arg(component));
    });
    connect(m_containers, &models::ContainerTableModel::listed, this, &LabController::updateDockerRows);
    connect(m_window->startLabAction(), &QAction::triggered, this, [this] { start(); });
    connect(m_window->startNativeLabAction(), &QAction::triggered, this, [this] { start(QStringLiteral("native")); });
    connect(m_window->startDockerLabAction(), &QAction::triggered, this, [this] { start(QStringLiteral("docker")); });
    connect(m_window->stopLabAction(), &QAction::triggered, this, &LabController::stop);

    m_watch.setInterval(options.watchIntervalMs);
    connect(&m_watch, &QTimer::timeout, this, &LabController::refreshStatus);
    m_watch.start();
    refreshStatus();
}

LabController::~LabController()
{
    // Before the lab (and the docker processes it parents) goes: no follower is left running.
    m_logs->stop();
    m_poller->setLab(nullptr);
}

svc::DockerLab *LabController::dockerLab() const
{
    return qobject_cast<svc::DockerLab *>(m_lab);
}

void LabController::retire(svc::LabService *old)
{
    // It is idle (switching waits for that), but a `docker ps` of the poller may still run as
    // its child: deleting a running QProcess blocks until it is dead, so end those first and
    // delete the lab when the last one is gone.
    old->disconnect();
    QList<QProcess *> running;
    for (QProcess *p : old->findChildren<QProcess *>())
        if (p->state() != QProcess::NotRunning)
            running.append(p);
    if (running.isEmpty()) {
        old->deleteLater();
        return;
    }
    auto left = std::make_shared<qsizetype>(running.size());
    for (QProcess *p : running) {
        connect(p, &QObject::destroyed, old, [old, left] {
            if (--*left == 0)
                old->deleteLater();
        });
        svc::docker::cancel(p);
    }
}

svc::LabConfig LabController::configFor(const QString &flavor) const
{
    svc::LabConfig config;
    config.labDir = svc::LabConfig::defaultLabDir();
    config.ports = svc::LabPorts().withOffset(m_options.portOffset);
    config.dockerProject = m_options.portOffset == 0 ? QStringLiteral("pgha-lab")
                                                     : QStringLiteral("pgha-lab-%1").arg(m_options.portOffset);
    // A Docker lab already there has its project, ports and profiles in its state: ask about
    // that one, not about the one these options would make (as `pgha lab status` does).
    if (flavor == u"docker" && svc::recordedLabFlavor(config.labDir) == u"docker")
        if (auto state = svc::LabState::load(config.labDir)) {
            const QString labDir = config.labDir;
            config = state.value().config;
            config.labDir = labDir;
        }
    return config;
}

QList<svc::LabComponent> LabController::components() const
{
    return dockerLab() ? svc::dockerlab::componentsOf(m_lab->config()) : m_lab->config().components();
}

void LabController::createLab(const QString &flavor)
{
    m_logs->setSource(nullptr, {});
    m_poller->setLab(nullptr);
    if (m_lab)
        retire(m_lab);
    ++m_labGeneration;
    m_lab = svc::makeLabService(flavor, configFor(flavor), m_http, this);
    Q_ASSERT(m_lab);   // flavours are checked against svc::labFlavors() before this
    connect(m_lab, &svc::LabService::componentChanged, m_progress, &models::LabProgressModel::update);
    connect(m_lab, &svc::LabService::stageChanged, m_progress, &models::LabProgressModel::setStage);
    connect(m_lab, &svc::LabService::message, this, [this](const QString &line) { emit note(QStringLiteral("lab"), line, 0); });
    connect(m_lab, &svc::LabService::startFinished, this, &LabController::onStartFinished);
    connect(m_lab, &svc::LabService::stopFinished, this, [this](const svc::LabOutcome &o) {
        m_cancelling = false;
        refreshStatus();
        m_poller->refreshNow();
        if (!o.ok)
            emit note(QStringLiteral("lab"), o.error.toString(), 2);
        emit stopFinished(o);
    });

    const svc::LabConfig &config = m_lab->config();
    auto *docker = dockerLab();
    m_poller->setLab(docker);
    m_logs->setSource(docker, config.labDir);
    QStringList names;
    QList<svc::LabComponent> all = components();
    for (const auto &c : all)
        names << c.name;
    m_containers->setExpectedServices(docker ? names : QStringList());
    m_progress->reset(all);
    auto *logView = m_window->labTab()->logView();
    const bool firstFill = logView->component().isEmpty();
    logView->setComponents(names);
    if (firstFill)
        logView->selectComponent(QString::fromLatin1(kDefaultLogComponent));
    m_window->setLabFlavor(flavor, config.labDir);
    m_window->labTab()->containers()->setProject(config.dockerProject);
    m_lastStatus = -1;
    emit flavorChanged(flavor);
}

QString LabController::whyNotSwitch(const QString &flavor) const
{
    if (flavor == m_lab->flavor())
        return {};
    if (m_lab->isBusy())
        return tr("the %1 lab is starting or stopping; wait for it, or stop it (Lab → Stop lab)").arg(m_lab->flavor());
    const QString labDir = m_lab->config().labDir;
    const auto report = svc::NativeLab::inspect(labDir);
    if (!occupies(report.status))
        return {};
    const QString running = report.state ? report.state->flavor : m_lab->flavor();
    return tr("the %1 lab is in %2 (%3). Stop it first: Lab → Stop lab (or `pgha lab stop`); then start the %4 lab.")
            .arg(running, labDir, report.summary, flavor);
}

bool LabController::switchFlavor(const QString &flavor)
{
    if (!svc::labFlavors().contains(flavor))
        return false;
    if (flavor == m_lab->flavor())
        return true;
    if (!whyNotSwitch(flavor).isEmpty())
        return false;
    createLab(flavor);
    emit note(QStringLiteral("lab"), tr("lab flavour: %1").arg(flavor), 0);
    refreshStatus();
    if (m_labTabShown)
        restartLog();
    return true;
}

void LabController::start(const QString &flavorArg, const svc::LabService::StartOptions &options)
{
    const QString wanted = flavorArg.isEmpty() ? m_lab->flavor() : flavorArg;
    if (wanted != m_lab->flavor()) {
        const QString why = whyNotSwitch(wanted);
        if (!why.isEmpty()) {
            emit note(QStringLiteral("lab"), tr("cannot start the %1 lab: %2").arg(wanted, why), 1);
            auto *box = new QMessageBox(QMessageBox::Information, tr("Another lab runs"),
                                        tr("Cannot start the %1 lab: %2").arg(wanted, why), QMessageBox::Ok, m_window);
            box->setObjectName(QStringLiteral("labSwitchRefused"));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
        switchFlavor(wanted);
    }
    if (m_lab->isBusy())
        return;
    m_cancelling = false;
    m_progress->reset(components());
    m_window->setLabActions(true, false, true);
    m_poller->setEnabled(dockerLab() != nullptr);
    emit startRequested();
    m_lab->start(options);
}

void LabController::stop()
{
    if (dockerLab()) {
        askHowToStopDocker();
        return;
    }
    stopNow();
}

void LabController::stopNow(bool deleteVolumes)
{
    // Set at every stop: an earlier "delete the volumes" must not carry over to this one.
    if (auto *docker = dockerLab())
        docker->setRemoveVolumes(deleteVolumes);
    m_cancelling = m_lab->isBusy();
    m_window->setLabActions(true, false, false);
    m_lab->stop();
}

void LabController::askHowToStopDocker()
{
    auto *box = new views::DockerStopDialog(m_lab->config().dockerProject, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const quint64 generation = m_labGeneration;
    // Asynchronous (open(), not exec()): polling and a start in progress keep running meanwhile.
    connect(box, &QMessageBox::finished, this, [this, box, generation] {
        const auto choice = box->choice();
        if (generation != m_labGeneration || !dockerLab() || choice == views::DockerStopDialog::Choice::Cancel)
            return;
        const bool deleteVolumes = choice == views::DockerStopDialog::Choice::DeleteVolumes;
        if (deleteVolumes)
            emit note(QStringLiteral("lab"), tr("stopping the Docker lab and deleting its volumes (all data)"), 1);
        stopNow(deleteVolumes);
    });
    box->open();
}

void LabController::onStartFinished(const svc::LabOutcome &outcome)
{
    const bool cancelled = m_cancelling;
    refreshStatus();
    m_poller->refreshNow();
    if (!outcome.ok && outcome.staleLab)
        askAboutStaleLab(outcome.error.message);
    else if (!outcome.ok && !cancelled)
        showStartFailure(outcome);
    emit startFinished(outcome);
}

void LabController::showStartFailure(const svc::LabOutcome &outcome)
{
    emit note(QStringLiteral("lab"), outcome.error.toString(), 2);
    const bool docker = dockerLab() != nullptr;
    const bool offerNative = docker && dockerUnavailable(outcome.error);
    auto *dialog = new views::LabErrorDialog(docker ? tr("The Docker lab did not start") : tr("The native lab did not start"),
                                             outcome.error.message, outcome.error.hint, offerNative, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &views::LabErrorDialog::nativeRequested, this, [this] { start(QStringLiteral("native")); });
    dialog->open();
}

void LabController::askAboutStaleLab(const QString &why)
{
    // The native lab's processes died without a clean stop (the Docker lab keeps its data in
    // volumes and has no such question). Asynchronous: the event loop and polling keep running.
    auto *box = new QMessageBox(QMessageBox::Question, tr("A lab from an earlier run"),
                                why + tr("\n\nStart it again with its data, or delete it and start fresh?"),
                                QMessageBox::Cancel, m_window);
    auto *reuse = box->addButton(tr("Reuse its data"), QMessageBox::AcceptRole);
    auto *wipe = box->addButton(tr("Wipe and start fresh"), QMessageBox::DestructiveRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, reuse, wipe] {
        svc::LabService::StartOptions options;
        if (box->clickedButton() == reuse)
            options.stale = svc::LabService::StaleAction::Reuse;
        else if (box->clickedButton() == wipe)
            options = {svc::LabService::StaleAction::Wipe, true};
        else
            return;
        start({}, options);
    });
    box->open();
}

void LabController::followRecordedFlavor()
{
    // `pgha lab start --flavor docker` in another terminal: the console follows the lab that
    // is there (a stopped one does not override the person's choice).
    if (m_lab->isBusy())
        return;
    const QString labDir = m_lab->config().labDir;
    const QString recorded = svc::recordedLabFlavor(labDir);
    if (recorded.isEmpty() || recorded == m_lab->flavor() || !svc::labFlavors().contains(recorded))
        return;
    if (!occupies(svc::NativeLab::inspect(labDir).status))
        return;
    emit note(QStringLiteral("lab"), tr("the lab directory %1 now holds a %2 lab (started elsewhere): following it").arg(labDir, recorded), 0);
    createLab(recorded);
    if (m_labTabShown)
        restartLog();
}

void LabController::refreshStatus()
{
    followRecordedFlavor();
    if (m_lab->isBusy())
        return;   // the start/stop reports its own progress
    if (dockerLab())
        applyDockerStatus();
    else
        applyNativeStatus();
}

void LabController::applyNativeStatus()
{
    const auto report = svc::NativeLab::inspect(m_lab->config().labDir);
    for (const auto &c : report.components) {
        LabComponentStatus s{c.name, c.kind, LabComponentStatus::State::Stopped, tr("not running"), c.pid};
        if (c.alive) {
            s.state = c.listening.contains(false) ? LabComponentStatus::State::Starting : LabComponentStatus::State::Ready;
            s.detail = c.listening.contains(false) ? tr("pid %1, a port is not open").arg(c.pid) : tr("running, pid %1").arg(c.pid);
        } else if (!report.state) {
            s.state = LabComponentStatus::State::Pending;
            s.detail = tr("not created");
        }
        m_progress->update(s);
    }
    if (static_cast<int>(report.status) != m_lastStatus) {
        m_lastStatus = static_cast<int>(report.status);
        emit statusChanged();
    }
    const bool running = report.status == Status::Running;
    m_progress->setStage(report.summary, running ? 100 : 0);
    m_window->setLabActions(false, report.status != Status::Running && report.status != Status::Busy,
                            report.status == Status::Running || report.status == Status::Partial || report.status == Status::Stale);
}

void LabController::applyDockerStatus()
{
    const QString labDir = m_lab->config().labDir;
    const auto report = svc::NativeLab::inspect(labDir);
    const bool recorded = report.state && report.state->flavor == u"docker";
    const auto phase = recorded ? report.state->phase : svc::LabState::Phase::Stopped;
    // Ask the engine while there may be containers, and whenever the table is looked at (a
    // failed start removed its containers: the background need not keep asking then).
    using Phase = svc::LabState::Phase;
    const bool mayHaveContainers = recorded && (phase == Phase::Running || phase == Phase::Starting || phase == Phase::Stopping);
    m_poller->setEnabled(mayHaveContainers || m_labTabShown);
    if (static_cast<int>(report.status) != m_lastStatus) {
        m_lastStatus = static_cast<int>(report.status);
        emit statusChanged();
        m_poller->refreshNow();
    }
    const QString project = m_lab->config().dockerProject;
    QString stage;
    if (!recorded)
        stage = tr("no Docker lab in %1 yet (Compose project %2)").arg(labDir, project);
    else if (phase == Phase::Running && m_containers->listedAtMs() > 0)
        stage = tr("running · %1 (Compose project %2)").arg(m_containers->summary(), project);
    else
        stage = report.summary;
    m_progress->setStage(stage, report.status == Status::Running ? 100 : 0);
    const bool containers = m_containers->containerCount() > 0;
    m_window->setLabActions(false, report.status != Status::Running && report.status != Status::Busy,
                            report.status == Status::Running || (recorded && phase != Phase::Stopped) || containers);
    updateDockerRows();
}

void LabController::updateDockerRows()
{
    if (!dockerLab() || m_lab->isBusy())
        return;   // during a start or stop the lab says where each service is
    const auto state = svc::LabState::load(m_lab->config().labDir);
    const bool recorded = state && state.value().flavor == u"docker";
    const bool shouldRun = recorded && state.value().phase == svc::LabState::Phase::Running;
    using State = LabComponentStatus::State;
    using Health = svc::docker::ContainerInfo::Health;
    for (const auto &component : components()) {
        LabComponentStatus s{component.name, component.kind, State::Stopped, tr("no container"), 0};
        const auto *c = m_containers->container(component.name);
        if (!c) {
            if (!recorded) {
                s.state = State::Pending;
                s.detail = tr("not created");
            } else if (shouldRun) {
                s.state = State::Failed;
                s.detail = tr("no container (removed?)");
            }
        } else if (c->isReady()) {
            s.state = State::Ready;
            s.detail = c->health == Health::Healthy ? tr("healthy, up %1").arg(c->uptime) : tr("running, up %1 (no health check)").arg(c->uptime);
        } else if (c->isRunning()) {
            s.state = c->health == Health::Unhealthy ? State::Failed : State::Starting;
            s.detail = c->health == Health::Unhealthy ? tr("unhealthy, up %1").arg(c->uptime) : tr("started, health check pending");
        } else if (c->state == u"created") {
            s.state = State::Starting;
            s.detail = tr("created, not started");
        } else {
            s.state = shouldRun ? State::Failed : State::Stopped;
            s.detail = c->status;
        }
        m_progress->update(s);
    }
}

void LabController::setLabTabShown(bool shown)
{
    m_labTabShown = shown;
    m_poller->setWatched(shown);
    if (dockerLab() && !m_lab->isBusy())
        applyDockerStatus();
}

void LabController::restartLog()
{
    auto *logView = m_window->labTab()->logView();
    if (!logView->isVisible() || logView->component().isEmpty())
        return;
    m_logs->stop();
    logView->clearLog();
    if (dockerLab() && svc::recordedLabFlavor(m_lab->config().labDir) != u"docker") {
        // Nothing to ask Compose about yet (and no passwords for its files).
        logView->setStatus(tr("no Docker lab in %1 yet: start one with Lab → Start lab (Docker Compose)").arg(m_lab->config().labDir));
        return;
    }
    logView->setStatus(tr("reading %1's log…").arg(logView->component()));
    m_logs->start(logView->component(), logView->followChecked());
}

} // namespace pgha::app
