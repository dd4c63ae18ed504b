#include "labcontroller.h"

#include "containertablemodel.h"
#include "dockerstopdialog.h"
#include "laberrordialog.h"
#include "labprogressmodel.h"

#include "docker/dockercommand.h"
#include "lab/containerpoller.h"
#include "lab/dockerlabfiles.h"
#include "lab/labfactory.h"
#include "lab/logfollower.h"

#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QWidget>

#include <memory>

namespace pgha::app {

using svc::LabComponentStatus;
using Status = svc::LabService::Status;

namespace {

// A lab in the directory that keeps it from switching flavour: anything but absent or stopped.
bool occupies(Status s)
{
    return s != Status::Absent && s != Status::Stopped;
}

} // namespace

bool dockerUnavailable(const svc::Error &error)
{
    // The engine is not running, this account may not use it, or there is no docker program:
    // the native lab can still run here.
    return error.is(svc::ErrorKind::Unavailable) || error.is(svc::ErrorKind::Permission)
           || error.is(svc::ErrorKind::NotFound);
}

LabController::LabController(const Options &options, svc::HttpClient *http, models::LabProgressModel *progress,
                             models::ContainerTableModel *containers, QWidget *dialogParent, QObject *parent)
    : QObject(parent),
      m_options(options),
      m_http(http),
      m_progress(progress),
      m_dialogParent(dialogParent),
      m_poller(new svc::ContainerPoller(this)),
      m_logs(new svc::LogFollower(this))
{
    m_dockerPostgres = options.dockerPostgres;
    containers->listenTo(m_poller);
    // The lab panel follows the engine's listings while no start or stop speaks for itself.
    connect(m_poller, &svc::ContainerPoller::listed, this, [this] {
        if (!m_lab->isBusy())
            showOverview();
    });
    const QString labDir = svc::LabConfig::defaultLabDir();
    const auto choice = svc::chooseLabFlavor(labDir, options.flavor);
    if (!choice.occupiedBy.isEmpty())
        // The lab that is there stays manageable; the wish is said, not silently dropped.
        QTimer::singleShot(0, this, [this, wanted = options.flavor, labDir, summary = choice.occupiedBy] {
            emit note(QStringLiteral("lab"),
                      tr("--lab-flavor %1 not applied: %2 is in %3. Stop it first (Lab → Stop lab, or `pgha lab stop`).")
                              .arg(wanted, summary, labDir),
                      1);
        });
    createLab(choice.flavor);

    m_watch.setInterval(options.watchIntervalMs);
    connect(&m_watch, &QTimer::timeout, this, &LabController::refreshStatus);
    m_watch.start();
    refreshStatus();
}

LabController::~LabController()
{
    // Before the lab (and the docker processes it parents) goes: no follower is left running.
    m_logs->setSource(nullptr);
    m_poller->setLab(nullptr);
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
    svc::LabConfig config = svc::labConfigForOffset(m_options.portOffset);
    // A lab of this flavour already there has its project, ports and profiles in its state: ask
    // about that one, not about the one these options would make (as `pgha lab status` does).
    if (flavor != u"native" && svc::recordedLabFlavor(config.labDir) == flavor)
        if (auto state = svc::LabState::load(config.labDir)) {
            const QString labDir = config.labDir;
            config = state.value().config;
            config.labDir = labDir;
        }
    // Asked for: the Docker lab's start refuses, with the way out, when its volumes hold the other.
    if (flavor == u"docker" && m_dockerPostgres != 0)
        config.dockerPostgres = m_dockerPostgres;
    return config;
}

void LabController::createLab(const QString &flavor)
{
    m_logs->setSource(nullptr);
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

    m_progress->reset(m_lab->components());
    m_poller->setLab(m_lab);
    m_logs->setSource(m_lab);
    m_lastStatus = -1;
    emit flavorChanged(flavor, m_lab->config().labDir);
}

QString LabController::whyNotSwitch(const QString &flavor) const
{
    if (flavor == m_lab->flavor())
        return {};
    if (m_lab->isBusy())
        return tr("the %1 lab is starting or stopping; wait for it, or stop it (Lab → Stop lab)").arg(m_lab->flavor());
    const QString labDir = m_lab->config().labDir;
    const auto report = svc::LabService::inspect(labDir);
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
    return true;
}

void LabController::start(const QString &flavorArg, const svc::LabService::StartOptions &options, int postgres)
{
    if (postgres != 0 && !m_lab->isBusy())
        m_dockerPostgres = postgres;
    const QString wanted = flavorArg.isEmpty() ? m_lab->flavor() : flavorArg;
    if (wanted != m_lab->flavor()) {
        const QString why = whyNotSwitch(wanted);
        if (!why.isEmpty()) {
            emit note(QStringLiteral("lab"), tr("cannot start the %1 lab: %2").arg(wanted, why), 1);
            auto *box = new QMessageBox(QMessageBox::Information, tr("Another lab runs"),
                                        tr("Cannot start the %1 lab: %2").arg(wanted, why), QMessageBox::Ok, m_dialogParent);
            box->setObjectName(QStringLiteral("labSwitchRefused"));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
        switchFlavor(wanted);
    }
    if (m_lab->isBusy())
        return;
    // The Docker lab of another PostgreSQL major (hence Debian release and Patroni): a lab
    // service configured for it.
    if (m_lab->flavor() == u"docker" && m_dockerPostgres != 0
        && svc::dockerlab::releaseOf(m_lab->config()).postgres != m_dockerPostgres)
        createLab(QStringLiteral("docker"));
    m_cancelling = false;
    m_progress->reset(m_lab->components());
    emit actionsChanged(true, false, true);
    m_poller->setEnabled(true);
    emit startRequested();
    m_lab->start(options);
}

void LabController::stop()
{
    if (m_lab->stopMayDeleteVolumes()) {
        askHowToStop();
        return;
    }
    stopNow();
}

void LabController::stopNow(bool deleteVolumes)
{
    // Said at every stop: an earlier "delete the volumes" must not carry over to this one.
    svc::LabService::StopOptions options;
    options.deleteVolumes = deleteVolumes;
    m_cancelling = m_lab->isBusy();
    m_progress->setBreakdown({}, false);   // the last start's breakdown no longer describes what runs
    emit actionsChanged(true, false, false);
    m_lab->stop(options);
}

void LabController::askHowToStop()
{
    auto *box = new views::DockerStopDialog(m_lab->config().dockerProject, m_dialogParent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const quint64 generation = m_labGeneration;
    // Asynchronous (open(), not exec()): polling and a start in progress keep running meanwhile.
    connect(box, &QMessageBox::finished, this, [this, box, generation] {
        const auto choice = box->choice();
        if (generation != m_labGeneration || choice == views::DockerStopDialog::Choice::Cancel)
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
    if (!cancelled)
        m_progress->setBreakdown(outcome.breakdown, outcome.ok);
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
    const bool native = m_lab->flavor() == u"native";
    const bool offerNative = !native && dockerUnavailable(outcome.error);
    auto *dialog = new views::LabErrorDialog(native ? tr("The native lab did not start") : tr("The Docker lab did not start"),
                                             outcome.error.message, outcome.error.hint, offerNative, m_dialogParent);
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
                                QMessageBox::Cancel, m_dialogParent);
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
    if (!occupies(svc::LabService::inspect(labDir).status))
        return;
    emit note(QStringLiteral("lab"), tr("the lab directory %1 now holds a %2 lab (started elsewhere): following it").arg(labDir, recorded), 0);
    createLab(recorded);
}

void LabController::refreshStatus()
{
    followRecordedFlavor();
    if (m_lab->isBusy())
        return;   // the start/stop reports its own progress
    showOverview();
}

void LabController::showOverview()
{
    const auto overview = m_lab->overview();
    // Ask the engine while there may be containers (and whenever they are looked at).
    m_poller->setEnabled(overview.mayHaveContainers);
    for (const auto &c : overview.components)
        m_progress->update(c);
    if (static_cast<int>(overview.status) != m_lastStatus) {
        m_lastStatus = static_cast<int>(overview.status);
        emit statusChanged();
        m_poller->refreshNow();
    }
    m_progress->setStage(overview.stage, overview.percent);
    emit actionsChanged(false, overview.canStart, overview.canStop);
}

} // namespace pgha::app
