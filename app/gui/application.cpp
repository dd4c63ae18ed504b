#include "application.h"

#include "actioncontroller.h"
#include "benchcontroller.h"
#include "chaoscontroller.h"
#include "experimentcontroller.h"
#include "labcontroller.h"
#include "profileeditordialog.h"
#include "credentials/credentials.h"
#include "lab/labprofile.h"
#include "secrets/profilesecrets.h"
#include "secrets/secretstore.h"
#include "settings/usersettings.h"

#include "clustermodel.h"
#include "clusterobserver.h"
#include "containertablemodel.h"
#include "eventtimelinemodel.h"
#include "http/httpclient.h"
#include "lab/logfollower.h"
#include "labprogressmodel.h"
#include "mainwindow.h"
#include "membertable.h"
#include "sourcehealthmodel.h"
#include "chaosstrip.h"
#include "topologyview.h"
#include "clusterinfoview.h"
#include "consistencywatchdog.h"

#include <QDateTime>
#include <QFileInfo>

namespace pgha::app {

using views::MainWindow;
namespace settings = svc::settings;

Application::Options Application::Options::remembered()
{
    Options o;
    o.profile = settings::value(settings::kLastProfile);
    o.profileRemembered = true;
    const int ms = settings::value(settings::kPollIntervalMs);
    o.pollIntervalMs = ms >= kMinPollIntervalMs && ms <= kMaxPollIntervalMs ? ms : settings::kPollIntervalMs.fallback;
    return o;
}

Application::Application(const Options &options, QObject *parent)
    : QObject(parent),
      m_options(options),
      m_http(new svc::HttpClient(this)),
      m_observer(new models::ClusterObserver(m_http, this)),
      m_labProgress(new models::LabProgressModel(this)),
      m_containers(new models::ContainerTableModel(this)),
      m_secrets(new svc::KeychainSecretStore(this))
{
    m_window = std::make_unique<MainWindow>(clusterModel(), m_labProgress, m_containers, sourceModel(), timeline(),
                                            &m_observer->series());
    m_observer->setIntervalMs(options.pollIntervalMs);
    m_window->setIntervalMs(options.pollIntervalMs);
    connect(m_window.get(), &MainWindow::intervalChosen, this, [this](int ms) {
        m_observer->setIntervalMs(ms);
        settings::setValue(settings::kPollIntervalMs, ms);
        note(QStringLiteral("profile"), tr("polling every source every %1 ms").arg(ms));
    });

    // Data flows up: every source's changes arrive as events on one timeline (the model).
    connect(clusterModel(), &models::ClusterModel::staleChanged, this, &Application::updateSummary);
    auto *topology = m_window->topology();
    connect(clusterModel(), &QAbstractItemModel::dataChanged, topology, [this, topology] { topology->setCluster(clusterModel()->snapshot()); });
    connect(clusterModel(), &QAbstractItemModel::modelReset, topology, [this, topology] { topology->setCluster(clusterModel()->snapshot()); });
    connect(m_observer, &models::ClusterObserver::haproxyUpdated, topology, [this, topology] { topology->setHaproxy(m_observer->haproxy()); });
    connect(m_observer, &models::ClusterObserver::layoutUpdated, topology, [this, topology] { topology->setLayout(m_observer->layout()); });
    connect(m_observer, &models::ClusterObserver::etcdUpdated, topology, [this, topology] { topology->setEtcd(m_observer->etcd()); });
    connect(m_observer, &models::ClusterObserver::leaseUpdated, topology, [this, topology] {
        const models::LeaderKeyClock key = m_observer->leaderKey(QDateTime::currentMSecsSinceEpoch());
        topology->setLeaderKey(key);
        const bool alarm = key.state == models::LeaderKeyClock::State::CountingDown || key.state == models::LeaderKeyClock::State::Expired;
        m_window->chaosStrip()->setLeaderKey(alarm ? tr("%1's %2").arg(key.holder, key.text()) : QString());
    });
    connect(m_observer, &models::ClusterObserver::reachabilityChanged, topology,
            [this, topology] { topology->setUnreachable(m_observer->reachability().down()); });
    connect(m_observer, &models::ClusterObserver::pgbouncersUpdated, topology,
            [this, topology] { topology->setPgBouncers(m_observer->pgbouncers()); });
    connect(m_observer, &models::ClusterObserver::patroniNodesUpdated, topology,
            [this, topology] { topology->setPatroniNodes(m_observer->patroniNodes()); });
    connect(m_observer, &models::ClusterObserver::pgpoolsUpdated, topology, [this, topology] { topology->setPgpools(m_observer->pgpools()); });
    auto *info = m_window->clusterInfo();
    connect(m_observer, &models::ClusterObserver::metricsUpdated, this, [this, topology, info] {
        topology->setMetrics(m_observer->metrics());
        info->setMetrics(m_observer->metrics());
    });
    connect(m_observer, &models::ClusterObserver::configUpdated, this, [this, info] {
        info->setConfig(m_observer->dynamicConfig());
        updateSummary();
    });
    connect(m_observer, &models::ClusterObserver::historyUpdated, info, [this, info] { info->setHistory(m_observer->history()); });
    connect(m_observer, &models::ClusterObserver::eventRecorded, info, [this, info] {
        info->setPrimaryBySource(m_observer->watchdog()->views(), m_observer->watchdog()->inDisagreement());
    });
    connect(m_observer, &models::ClusterObserver::patroniNodesUpdated, info, [this, info] {
        info->setPrimaryBySource(m_observer->watchdog()->views(), m_observer->watchdog()->inDisagreement());
    });
    connect(m_observer, &models::ClusterObserver::patroniRoundFinished, this, [this](bool any, const QString &error) {
        if (!any && clusterModel()->rowCount() == 0)
            m_window->setMembersPlaceholder(
                    m_profile.isBuiltInLab() && !m_labs->isBusy()
                            ? tr("The lab is not running.\nStart it with ▶ Start lab (or `pgha lab start`).")
                            : tr("No Patroni REST API answered.\n%1").arg(error));
        m_lastRoundError = error;
        updateSummary();
    });

    // Commands flow down.
    m_window->setCloseGuard([this] { return mayClose(); });
    m_actions = new ActionController(m_http, m_observer, m_window.get(), this);
    connect(m_actions, &ActionController::note, this, &Application::note);
    m_chaos = new ChaosController(m_http, m_observer, m_window.get(), this);
    connect(m_chaos, &ChaosController::note, this, &Application::note);
    connect(m_chaos, &ChaosController::seriesFinished, this, [this] {
        if (m_quitWhenIdle && !m_labs->isBusy())
            emit readyToQuit();
    });
    m_bench = new BenchController(m_window.get(), this);
    connect(m_bench, &BenchController::note, this, &Application::note);
    connect(m_bench, &BenchController::sessionFinished, this, [this] {
        if (m_quitWhenIdle && !m_labs->isBusy())
            emit readyToQuit();
    });
    // Experiments: chaos runs one after another, so never beside another chaos run or a benchmark.
    m_experiments = new ExperimentController(m_http, m_window->experimentsView(), this);
    connect(m_experiments, &ExperimentController::note, this, &Application::note);
    connect(m_experiments, &ExperimentController::finished, this, [this] {
        if (m_quitWhenIdle && !m_labs->isBusy())
            emit readyToQuit();
    });
    m_experiments->setBusyCheck([this] {
        return m_chaos->isRunning() ? tr("a chaos run is in progress")
                                    : m_bench->isRunning() ? tr("a benchmark is running") : QString();
    });
    m_chaos->setBusyCheck([this] { return m_experiments->isRunning() ? tr("an experiment is running") : QString(); });
    m_experiments->reload();
    // The lab, either flavour: the panel, the Lab tab (containers, logs), start/stop dialogs.
    LabController::Options labOptions;
    labOptions.flavor = options.labFlavor;
    labOptions.portOffset = options.labPortOffset;
    labOptions.dockerPostgres = options.labPostgres;
    labOptions.watchIntervalMs = options.labWatchIntervalMs;
    m_labs = new LabController(labOptions, m_http, m_labProgress, m_containers, m_window.get(), this);
    m_window->setLabSources(m_labs->logFollower(), m_labs->poller());
    m_window->setLabFlavor(m_labs->flavor(), m_labs->lab()->config().labDir);
    connect(m_labs, &LabController::flavorChanged, m_window.get(), &MainWindow::setLabFlavor);
    connect(m_labs, &LabController::actionsChanged, m_window.get(), &MainWindow::setLabActions);
    connect(m_window.get(), &MainWindow::labStartRequested, m_labs, [this](const QString &flavor, int postgres) { m_labs->start(flavor, {}, postgres); });
    connect(m_window.get(), &MainWindow::labStopRequested, m_labs, &LabController::stop);
    m_labs->refreshStatus();
    connect(m_labs, &LabController::note, this, &Application::note);
    connect(m_labs, &LabController::statusChanged, m_chaos, &ChaosController::refreshEnvironment);
    connect(m_labs, &LabController::startRequested, this, [this] {
        m_window->setMembersPlaceholder(tr("The %1 lab is starting… (progress on the right)").arg(m_labs->flavor()));
    });
    connect(m_labs, &LabController::startFinished, this, &Application::onLabStartFinished);
    connect(m_labs, &LabController::stopFinished, this, [this] {
        if (m_quitWhenIdle)
            emit readyToQuit();
    });
    connect(m_window.get(), &MainWindow::profilesRequested, this, &Application::openProfileEditor);
    connect(m_secrets, &svc::SecretStore::sessionOnlyChanged, this, &Application::showSessionOnly);
    // Ask the keychain once at start, so a missing backend is said now rather than when a
    // password is first needed.
    m_secrets->read(QStringLiteral("pgha keychain-probe"), this, [](const svc::Result<QString> &) {});

    auto profile = svc::resolveProfile(options.profile, m_labs->lab()->config().labDir);
    if (!profile && options.profileRemembered && options.profile != settings::kLastProfile.fallback) {
        // The profile watched last is gone or broken: say so, and watch the built-in lab.
        note(QStringLiteral("profile"), tr("the profile watched last cannot be opened (%1) — watching the built-in lab instead; "
                                           "choose another in File → Profiles…").arg(profile.error().toString()), 1);
        profile = svc::resolveProfile(settings::kLastProfile.fallback, m_labs->lab()->config().labDir);
    }
    if (profile) {
        applyProfile(profile.value());
    } else {
        note(QStringLiteral("profile"), profile.error().toString(), 2);
        m_window->setMembersPlaceholder(profile.error().toString());
        m_window->setProfile(options.profile, tr("invalid"), {});
    }
}

Application::~Application()
{
    // The lab controller goes first: it ends its `docker logs` followers while the lab that
    // parents them still exists, and it must not hear the window's widgets hide as they go.
    delete m_labs;
    m_labs = nullptr;
}

svc::LabService *Application::lab() const
{
    return m_labs->lab();
}

models::ClusterModel *Application::clusterModel() const { return m_observer->cluster(); }
models::SourceHealthModel *Application::sourceModel() const { return m_observer->sources(); }
models::EventTimelineModel *Application::timeline() const { return m_observer->timeline(); }

void Application::show()
{
    m_window->show();
    if (m_options.startLab)
        m_labs->start(m_options.labFlavor);
}

void Application::applyProfile(const svc::Profile &profile)
{
    m_profile = profile;
    QStringList urls;
    for (const auto &e : profile.patroni)
        urls.append(e.url.authority());
    m_observer->setProfile(profile);
    readProfilePasswords(profile);
    m_actions->setProfile(profile);
    m_chaos->setProfile(profile);
    m_bench->setProfile(profile);
    m_experiments->setProfile(profile);
    m_window->setProfile(profile.name, svc::Profile::kindName(profile.kind),
                         profile.isBuiltInLab() ? tr("built-in lab profile · %1").arg(profile.labDir)
                                                : profile.sourceFile,
                         profile.actionsEnabled, profile.kindAssumed);
    m_window->setLabControlsVisible(profile.isBuiltInLab());
    // Opened again next time when no --profile is given.
    settings::setValue(settings::kLastProfile,
                       profile.isBuiltInLab() || profile.sourceFile.isEmpty() ? settings::kLastProfile.fallback : profile.sourceFile);
    note(QStringLiteral("profile"), tr("watching %1: Patroni REST at %2; %3 etcd endpoint(s); HAProxy stats %4")
                                                          .arg(profile.name, urls.join(QStringLiteral(", ")))
                                                          .arg(profile.etcd.size())
                                                          .arg(profile.haproxyStats.isEmpty() ? tr("none") : profile.haproxyStats.authority()));
    m_observer->start();
}

void Application::startLab(const svc::LabService::StartOptions &options)
{
    m_labs->start({}, options);
}

void Application::stopLab()
{
    m_labs->stop();
}

void Application::onLabStartFinished(const svc::LabOutcome &outcome)
{
    if (outcome.ok) {
        note(QStringLiteral("lab"), outcome.alreadyRunning ? tr("already running; %1").arg(outcome.health.summary())
                                                                            : outcome.health.summary());
        // The lab may run on other ports than the profile assumed: follow its state.
        if (m_profile.isBuiltInLab())
            if (auto profile = svc::resolveProfile(QStringLiteral("lab"), m_labs->lab()->config().labDir))
                applyProfile(profile.value());
    } else if (!outcome.staleLab) {
        m_window->setMembersPlaceholder(tr("The lab did not start:\n%1").arg(outcome.error.toString()));
    }
    emit labStartFinished(outcome);
    if (m_quitWhenIdle && !m_labs->isBusy())
        emit readyToQuit();
}

void Application::updateSummary()
{
    const auto &snap = clusterModel()->snapshot();
    const bool current = !snap.members.isEmpty() && !clusterModel()->isStale();
    m_window->setClusterSummary(summaryHtml(),
                                current ? tr("at %1").arg(QDateTime::fromMSecsSinceEpoch(snap.fetchedAtMs).toString(QStringLiteral("hh:mm:ss")))
                                        : QString());
}

QString Application::summaryHtml() const
{
    const auto &snap = clusterModel()->snapshot();
    if (snap.members.isEmpty())
        return QStringLiteral("<span style='color:gray'>%1</span>").arg(tr("no cluster data").toHtmlEscaped());
    if (clusterModel()->isStale()) {
        const qint64 age = (QDateTime::currentMSecsSinceEpoch() - snap.fetchedAtMs) / 1000;
        return tr("<b style='color:#ef6c00'>STALE</b> · last answer from %1 at %2 (%3 s ago): %4")
                .arg(QUrl(snap.sourceUrl).authority().toHtmlEscaped(),
                     QDateTime::fromMSecsSinceEpoch(snap.fetchedAtMs).toString(QStringLiteral("hh:mm:ss")))
                .arg(age)
                .arg(m_lastRoundError.toHtmlEscaped());
    }
    const auto *leader = snap.leader();
    const QString leaderText = leader ? tr("Leader <b>%1</b>").arg(leader->name.toHtmlEscaped())
                                      : tr("<b style='color:#c62828'>No leader</b>");
    QString timeline;
    if (leader && leader->timeline)
        timeline = tr(" · timeline %1").arg(*leader->timeline);
    // Which timings the cluster runs, so a screenshot of a measurement says it.
    const auto &config = m_observer->dynamicConfig();
    QString timings;
    if (config.ttl && config.loopWait && config.retryTimeout) {
        // The lab's preset names are the lab's: another cluster's timings are only numbers.
        if (m_profile.isBuiltInLab()) {
            const QString preset = svc::LabTimings::presetMatching(*config.ttl, *config.loopWait, *config.retryTimeout);
            timings = tr(" · timings %1 (%2/%3/%4)")
                              .arg(preset.isEmpty() ? tr("custom") : preset)
                              .arg(*config.ttl).arg(*config.loopWait).arg(*config.retryTimeout);
        } else {
            timings = tr(" · ttl %1 · loop_wait %2 · retry_timeout %3").arg(*config.ttl).arg(*config.loopWait).arg(*config.retryTimeout);
        }
        if (config.synchronousMode)
            timings += tr(" · synchronous_mode");
    }
    // The time of the answer is shown beside it (updateSummary): this text changes only with the cluster.
    return tr("%1 · %2 members%3%4%5 · as reported by %6")
            .arg(leaderText)
            .arg(snap.members.size())
            .arg(timeline, timings, snap.paused ? tr(" · <b>maintenance mode</b>") : QString(),
                 QUrl(snap.sourceUrl).authority().toHtmlEscaped());
}

void Application::note(const QString &source, const QString &text, int severity)
{
    m_observer->record({QDateTime::currentMSecsSinceEpoch(), source, static_cast<models::ClusterEvent::Severity>(severity),
                        source, {}, text});
}

void Application::readProfilePasswords(const svc::Profile &profile)
{
    // One resolver for every profile: the lab's state file, else the keychain, else libpq's own
    // password file. Polling starts before they arrive: Patroni needs none to be read, and
    // libpq's password file answers meanwhile.
    if (!profile.isBuiltInLab())
        for (const QString &w : svc::plainHttpCredentialWarnings(profile))
            note(QStringLiteral("profile"), w, 1);
    svc::resolveCredentials(m_secrets, profile, this, [this, profile](const svc::ProfileSecretsRead &r) {
        if (m_profile.sourceFile != profile.sourceFile || m_profile.name != profile.name)
            return;   // another profile was chosen meanwhile
        for (const QString &m : r.missing)
            note(QStringLiteral("profile"),
                 profile.isBuiltInLab() ? m : tr("%1: requests that need it will get 401 — store it in File → Profiles…").arg(m), 1);
        for (const QString &f : r.failed)
            note(QStringLiteral("profile"), f, 2);
        m_observer->setPasswords(r.passwords);
        m_chaos->setPostgresPassword(r.passwords.postgres);
        m_experiments->setPostgresPassword(r.passwords.postgres);
    });
}

void Application::showSessionOnly(const QString &reason)
{
    const QString text = tr("No keychain available: passwords are kept for this session only");
    m_window->showSessionOnlyNotice(text, reason);
    note(QStringLiteral("profile"), text + QStringLiteral(": ") + reason, 1);
}

void Application::openProfileEditor()
{
    auto *editor = new views::ProfileEditorDialog(m_secrets, svc::profileDirectory(), m_window.get());
    editor->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_profile.sourceFile.isEmpty()) {
        editor->setDiscovered(m_profile.sourceFile, m_observer->discoveredSummary());
        editor->selectProfile(QFileInfo(m_profile.sourceFile).completeBaseName());
    }
    connect(editor, &views::ProfileEditorDialog::profileSaved, this, [this](const QString &path) {
        // The profile being watched changed on disk: follow it (actions on/off, endpoints).
        if (QFileInfo(path) == QFileInfo(m_profile.sourceFile))
            if (auto p = svc::loadProfileFile(path))
                applyProfile(p.value());
    });
    connect(editor, &views::ProfileEditorDialog::useProfileRequested, this, [this](const QString &path) {
        auto p = svc::loadProfileFile(path);
        if (!p) {
            note(QStringLiteral("profile"), p.error().toString(), 2);
            return;
        }
        applyProfile(p.value());
    });
    editor->show();
}

bool Application::mayClose()
{
    if (m_chaos->isRunning()) {
        // A fault in flight is undone (and the configuration put back) before the window goes.
        m_quitWhenIdle = true;
        note(QStringLiteral("chaos"), tr("closing: undoing the chaos fault first"), 1);
        m_chaos->cancel();
        return false;
    }
    if (m_experiments->isRunning()) {
        // The run in progress is undone (fault, configuration) and not recorded: Resume makes it.
        m_quitWhenIdle = true;
        note(QStringLiteral("experiment"), tr("closing: stopping the experiment first (its recorded runs stay)"), 1);
        m_experiments->cancel();
        return false;
    }
    if (m_bench->isRunning()) {
        // pgbench is stopped cleanly and the run so far kept before the window goes.
        m_quitWhenIdle = true;
        note(QStringLiteral("bench"), tr("closing: stopping the benchmark first (its figures so far are kept)"), 1);
        m_bench->stop();
        return false;
    }
    if (m_labs->isBusy()) {
        // Never leave a half-started lab behind: stop it (the Docker lab's volumes stay), then close.
        m_quitWhenIdle = true;
        note(QStringLiteral("lab"), tr("closing: stopping the lab that is still starting first"), 1);
        m_labs->stopNow();
        return false;
    }
    auto *logs = m_labs->logFollower();
    if (logs->isRunning()) {
        // A `docker compose logs --follow` child is ended, not abandoned: close once it is gone
        // (within 2 s: SIGTERM, then SIGKILL).
        connect(logs, &svc::LogFollower::idle, m_window.get(), &QWidget::close,
                static_cast<Qt::ConnectionType>(Qt::QueuedConnection | Qt::SingleShotConnection));
        logs->stop();
        return false;
    }
    return true;
}

} // namespace pgha::app
