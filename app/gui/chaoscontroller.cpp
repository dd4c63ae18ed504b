#include "chaoscontroller.h"

#include "chaospanel.h"
#include "clusterevent.h"
#include "clusterobserver.h"
#include "mainwindow.h"

#include "chaos/chaosseries.h"
#include "settings/usersettings.h"

#include <QDateTime>

namespace pgha::app {

using views::ChaosPanel;

namespace {
QString timedText(qint64 atMs, const QString &text)
{
    return QStringLiteral("%1%2 s  %3").arg(atMs >= 0 ? QStringLiteral("+") : QString()).arg(static_cast<double>(atMs) / 1000.0, 0, 'f', 2).arg(text);
}
} // namespace

ChaosController::ChaosController(svc::HttpClient *http, models::ClusterObserver *observer, views::MainWindow *window,
                                 QObject *parent)
    : QObject(parent), m_http(http), m_observer(observer), m_window(window), m_storePath(storePathFromEnvironment())
{
    connect(window, &views::MainWindow::chaosRunRequested, this, &ChaosController::run);
    connect(window, &views::MainWindow::chaosCancelRequested, this, &ChaosController::cancel);
    connect(window, &views::MainWindow::failoverDemoRequested, this, &ChaosController::startFailoverDemo);
    updateAvailability();
    reloadRuns();
}

ChaosController::~ChaosController()
{
    // Never leave a fault behind (a frozen primary stays frozen): undo what can be undone now.
    if (m_series)
        m_series->cancel();
}

QString ChaosController::storePathFromEnvironment()
{
    const QString env = qEnvironmentVariable("PGHA_CHAOS_STORE");
    return env.isEmpty() ? svc::defaultChaosStorePath() : env;
}

void ChaosController::setStorePath(const QString &path)
{
    m_storePath = path;
    reloadRuns();
}

void ChaosController::reloadRuns()
{
    int skipped = 0;
    auto runs = svc::loadChaosRuns(m_storePath, &skipped);
    m_window->setChaosRuns(runs ? runs.value() : QList<svc::ChaosReport>(), m_storePath, skipped,
                           runs ? QString() : runs.error().toString());
}

QString ChaosController::commandsKey() const
{
    return m_profile.sourceFile.isEmpty() ? m_profile.name : m_profile.sourceFile;
}

void ChaosController::setProfile(const svc::Profile &profile)
{
    m_profile = profile;
    m_postgresPassword.clear();   // the resolver gives the new profile's
    const QStringList commands = svc::settings::value(svc::settings::kChaosCommands).value(commandsKey()).toStringList();
    m_window->chaosPanel()->setCommands(commands.value(0), commands.value(1));
    refreshEnvironment();
}

void ChaosController::refreshEnvironment()
{
    // A run crashes and restarts lab processes on purpose: the lab looks "partial" meanwhile,
    // which says nothing about where faults may run. Look again once the series is over.
    if (isRunning())
        return;
    m_env = svc::chaosEnvironmentFor(m_profile);
    updateAvailability();
}

svc::FaultAvailability ChaosController::availability(const QString &faultId) const
{
    const svc::FaultInfo *fault = svc::faultById(faultId);
    if (!fault)
        return {false, tr("no fault named \"%1\"").arg(faultId)};
    return svc::faultAvailability(*fault, m_env);
}

void ChaosController::updateAvailability()
{
    QList<ChaosPanel::FaultEntry> entries;
    for (const auto &f : svc::faultCatalog())
        entries.append({f, svc::faultAvailability(f, m_env)});
    const svc::FaultAvailability demo = availability(QString::fromLatin1(kDemoFault));
    m_window->setChaosFaults(entries, demo.available && !isRunning(), isRunning() ? tr("a chaos run is in progress") : demo.reason);
}

bool ChaosController::run(const QString &faultId, int iterations, std::optional<bool> synchronousMode,
                          const QString &injectCommand, const QString &undoCommand, const QString &loadWorkload,
                          int loadClients)
{
    const svc::FaultInfo *fault = svc::faultById(faultId);
    if (m_busyElsewhere)
        if (const QString why = m_busyElsewhere(); !why.isEmpty()) {
            emit note(QStringLiteral("chaos"), tr("no fault started: %1").arg(why), 1);
            return false;
        }
    if (isRunning() || !fault) {
        emit note(QStringLiteral("chaos"), isRunning() ? tr("a chaos run is already in progress") : tr("no fault named \"%1\"").arg(faultId), 1);
        return false;
    }
    refreshEnvironment();   // fresh: the lab may have stopped since the last look
    const svc::FaultAvailability a = svc::faultAvailability(*fault, m_env);
    if (!a.available) {
        emit note(QStringLiteral("chaos"), tr("%1 is not available: %2").arg(fault->title, a.reason), 1);
        return false;
    }
    svc::ChaosOptions options;
    options.faultId = faultId;
    options.synchronousMode = synchronousMode;
    options.injectCommand = injectCommand;
    options.undoCommand = undoCommand;
    if (svc::isExternalFault(fault->kind) && injectCommand.isEmpty()) {
        emit note(QStringLiteral("chaos"), tr("%1 needs the command that injects it").arg(fault->title), 1);
        return false;
    }
    if (svc::isExternalFault(fault->kind)) {
        QVariantMap remembered = svc::settings::value(svc::settings::kChaosCommands);
        remembered.insert(commandsKey(), QStringList{injectCommand, undoCommand});
        svc::settings::setValue(svc::settings::kChaosCommands, remembered);
    }
    if (!loadWorkload.isEmpty()) {
        // The load goes where the Bench tab's "rw" goes: the profile's read-write entry.
        svc::ChaosLoadSpec spec;
        spec.workload = loadWorkload;
        spec.clients = std::clamp(loadClients, 1, ChaosPanel::kMaxLoadClients);
        auto load = svc::resolveChaosLoad(spec, m_profile);
        if (!load) {
            emit note(QStringLiteral("chaos"), tr("no load: %1").arg(load.error().toString()), 1);
            return false;
        }
        options.load = load.value();
    }
    const int n = std::clamp(iterations, 1, ChaosPanel::kMaxIterations);
    svc::Profile target = m_profile;
    target.readWrite.password = m_postgresPassword;
    auto *series = new svc::ChaosSeries(target, options, n, m_storePath, m_http, this);
    m_series = series;
    m_faultTitle = fault->title;
    // The window's views follow the series first: by the time this controller says a run
    // finished, its report card is on screen.
    m_window->followChaosSeries(series, m_faultTitle, m_demo);
    connect(series, &svc::ChaosSeries::runStarted, this, [this](int i, int total) {
        emit note(QStringLiteral("chaos"), tr("%1: run %2 of %3 started").arg(m_faultTitle).arg(i).arg(total), 0);
    });
    connect(series, &svc::ChaosSeries::event, this, &ChaosController::onEvent);
    connect(series, &svc::ChaosSeries::storeError, this, [this](const QString &error) { emit note(QStringLiteral("chaos"), error, 2); });
    connect(series, &svc::ChaosSeries::runFinished, this, &ChaosController::onRunFinished);
    connect(series, &svc::ChaosSeries::finished, this, &ChaosController::onSeriesFinished);
    updateAvailability();
    series->start();
    return true;
}

bool ChaosController::startFailoverDemo()
{
    const svc::FaultAvailability a = availability(QString::fromLatin1(kDemoFault));
    if (isRunning() || !a.available) {
        emit note(QStringLiteral("chaos"), tr("Failover demo not started: %1").arg(isRunning() ? tr("a chaos run is in progress") : a.reason), 1);
        return false;
    }
    // The window keeps the topology in view while it runs; the report card follows.
    m_demo = true;
    if (!run(QString::fromLatin1(kDemoFault), 1, std::nullopt)) {
        m_demo = false;
        return false;
    }
    return true;
}

void ChaosController::cancel()
{
    if (!m_series)
        return;
    emit note(QStringLiteral("chaos"), tr("%1: cancelled, undoing the fault").arg(m_faultTitle), 1);
    m_series->cancel();
}

void ChaosController::onEvent(const svc::ChaosReport::Event &e)
{
    const bool injected = m_series && m_series->current() && m_series->current()->liveRtoMs() >= 0;
    const bool trouble = e.text.startsWith(u"writes fail") || e.text.startsWith(u"reads fail") || e.text.contains(u"failed");
    m_observer->record({QDateTime::currentMSecsSinceEpoch(), QStringLiteral("chaos:") + e.source,
                        trouble ? models::ClusterEvent::Severity::Warning : models::ClusterEvent::Severity::Info,
                        QStringLiteral("chaos"), m_series ? m_faultTitle : QString(), injected ? timedText(e.atMs, e.text) : e.text});
}

void ChaosController::onRunFinished(const svc::ChaosReport &r)
{
    reloadRuns();
    QString text = tr("%1 run %2/%3: %4 · RTO %5").arg(r.faultTitle).arg(r.iteration).arg(r.iterations).arg(r.verdict, svc::formatSeconds(r.rtoMs));
    if (r.budgetMs)
        text += tr(" (budget %1)").arg(svc::formatSeconds(r.budgetMs));
    if (r.rpo.checked)
        text += tr(" · %1 of %2 acknowledged writes lost").arg(r.rpo.missing).arg(r.rpo.acknowledged);
    if (!r.error.isEmpty())
        text += QStringLiteral(" · ") + r.error;
    emit note(QStringLiteral("chaos"), text, r.passed() ? 0 : 2);
    emit runFinished(r);
}

void ChaosController::onSeriesFinished(const QList<svc::ChaosReport> &runs)
{
    if (m_series)
        m_series->deleteLater();
    m_series = nullptr;
    m_demo = false;
    refreshEnvironment();
    if (runs.size() > 1) {
        const svc::ChaosSummary s = svc::summarizeRuns(runs);
        auto sec = [&s](qint64 ms) { return s.rto.count ? svc::formatSeconds(ms) : QStringLiteral("—"); };
        emit note(QStringLiteral("chaos"),
                  tr("%1: %2 runs, %3 passed · RTO median %4 · p95 %5 · max %6 · %7 acknowledged writes lost")
                          .arg(m_faultTitle).arg(s.runs).arg(s.passed)
                          .arg(sec(s.rto.median), sec(s.rto.p95), sec(s.rto.max))
                          .arg(s.lostWrites),
                  s.passed == s.runs ? 0 : 2);
    }
    emit seriesFinished(runs);
}

} // namespace pgha::app
