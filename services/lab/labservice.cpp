#include "lab/labservice.h"

#include "lab/labdir.h"
#include "lab/labfiles.h"
#include "lab/labhealth.h"

#include <QCoreApplication>
#include <QTimer>

#include <utility>

namespace pgha::svc {

QStringList labFlavors()
{
    return {QStringLiteral("native"), QStringLiteral("docker")};
}

LabService::LabService(LabConfig config, HttpClient *http, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_http(http)
{
}

LabService::~LabService() = default;

const std::optional<docker::DockerSetup> &LabService::engine() const
{
    static const std::optional<docker::DockerSetup> none;
    return none;
}

void LabService::listContainers(bool, QObject *context, ContainersDone done)
{
    const Error e = makeError(ErrorKind::NotFound, QStringLiteral("the %1 lab runs no containers").arg(flavor()));
    QMetaObject::invokeMethod(context, [done, e] { done(e); }, Qt::QueuedConnection);
}

QProcess *LabService::logs(const QString &component, int, bool, QObject *, std::function<void(const QString &)>,
                           std::function<void(const Error *)> done)
{
    const Error e = makeError(ErrorKind::NotFound, QStringLiteral("the %1 lab keeps %2's log in a file: %3")
                                                           .arg(flavor(), component, LabLayout(m_config.labDir).logFile(component)));
    if (done)
        done(&e);
    return nullptr;
}

bool LabService::beginStart(const StartOptions &options, bool forRunAsUser)
{
    if (m_busy) {
        emit startFinished(LabOutcome::failure(makeError(ErrorKind::Busy, QStringLiteral("the lab is already starting or stopping"))));
        return false;
    }
    m_busy = true;
    ++m_generation;
    m_options = options;
    m_stopRequested = false;
    m_failing = false;
    m_clock.start();
    m_components.clear();
    m_breakdown = {};
    m_breakdown.flavor = flavor();
    m_healthChecks = 0;
    m_healthWaits.clear();
    bool created = false;
    auto ready = claimLabDir(m_config.labDir, forRunAsUser, &created);
    if (ready)
        ready = acquireLock();
    if (!ready) {
        m_busy = false;
        emit startFinished(LabOutcome::failure(ready.error()));
        return false;
    }
    return true;
}

Result<bool> LabService::acquireLock()
{
    if (m_lock)
        return true;
    auto lock = lockLabDir(m_config.labDir);
    if (!lock)
        return lock.error();
    m_lock = std::move(lock.value());
    return true;
}

void LabService::releaseLock()
{
    if (m_lock)
        m_lock->unlock();
    m_lock.reset();
}

bool LabService::saveState(LabState::Phase phase, const QString &error)
{
    m_state.flavor = flavor();
    m_state.phase = phase;
    m_state.lastError = error;
    m_state.controllerPid = phase == LabState::Phase::Starting || phase == LabState::Phase::Stopping
            ? QCoreApplication::applicationPid()
            : 0;
    fillState(m_state);
    auto saved = m_state.save(m_config.labDir);
    if (!saved)
        emit message(saved.error().toString());
    return saved.ok();
}

void LabService::setStage(const QString &text, int percent)
{
    m_stageClock.start();
    emit stageChanged(text, percent);
    emit message(text);
}

void LabService::beginStage(const QString &key, const QString &label)
{
    m_breakdown.advance(key, label, m_clock.elapsed());
}

void LabService::setComponent(const QString &name, LabComponentStatus::State state, const QString &detail)
{
    auto it = m_components.find(name);
    if (it == m_components.end()) {
        // First heard of (during a stop, say): its identity comes from the configuration.
        LabComponentStatus fresh;
        fresh.name = name;
        for (const auto &component : components())
            if (component.name == name)
                fresh.kind = component.kind;
        it = m_components.insert(name, fresh);
    } else if (it->state == state && it->detail == detail) {
        return;
    }
    it->state = state;
    it->detail = detail;
    emit componentChanged(*it);
}

void LabService::failStart(const Error &error, const QString &component)
{
    if (m_failing)
        return;
    m_failing = true;
    if (!m_breakdown.isEmpty())
        beginStage(QStringLiteral("undo"), QStringLiteral("stopping what the failed start launched"));
    const quint64 generation = ++m_generation;
    undoStart(error, component, [this, generation](const Error &e) {
        if (generation == m_generation)
            finishStart(LabOutcome::failure(e, m_clock.elapsed()));
    });
}

void LabService::finishStart(const LabOutcome &outcome)
{
    const bool stopAsked = std::exchange(m_stopRequested, false);
    m_failing = false;
    startEnded();
    m_busy = false;
    releaseLock();
    // Refused before anything was launched (a port taken, a stale lab): the checks alone say
    // nothing about where time went.
    if (outcome.alreadyRunning || m_breakdown.stages().size() < 2) {
        emit startFinished(outcome);
    } else {
        LabOutcome timed = outcome;
        timed.breakdown = m_breakdown;
        timed.breakdown.finish(outcome.elapsedMs > 0 ? outcome.elapsedMs : m_clock.elapsed());
        emit startFinished(timed);
    }
    if (stopAsked)
        emit stopFinished(LabOutcome::success(m_clock.elapsed()));
}

void LabService::runHealthCheck()
{
    constexpr int kWaitsKept = 3;        // distinct reasons a check failed, for the breakdown's note
    constexpr int kWaitChars = 90;
    const QString stage = QStringLiteral("health");
    if (!m_breakdown.has(stage))
        beginStage(stage, QStringLiteral("health check (data path)"));
    auto *check = new LabHealthCheck(m_config, m_state.secrets, m_http, this);
    const quint64 generation = m_generation;
    ++m_healthChecks;
    connect(check, &LabHealthCheck::finished, this, [this, check, generation, stage](const LabHealth &health) {
        check->deleteLater();
        if (generation != m_generation || !awaitsHealth())
            return;
        // What the start waited for at its end: the reasons the checks before the last failed.
        for (const QString &problem : health.problems)
            if (const QString p = problem.left(kWaitChars); !m_healthWaits.contains(p) && m_healthWaits.size() < kWaitsKept)
                m_healthWaits.append(p);
        const QString checks = m_healthChecks == 1 ? QStringLiteral("1 check") : QStringLiteral("%1 checks").arg(m_healthChecks);
        m_breakdown.setNote(stage, m_healthWaits.isEmpty() ? checks
                                                           : checks + QStringLiteral("; waited for: ") + m_healthWaits.join(u"; "));
        if (const auto outcome = judgeHealth(health)) {
            finishStart(*outcome);
            return;
        }
        QTimer::singleShot(healthRetryMs(), this, [this, generation] {
            if (generation == m_generation && awaitsHealth())
                runHealthCheck();
        });
    });
    check->start();
}

} // namespace pgha::svc
