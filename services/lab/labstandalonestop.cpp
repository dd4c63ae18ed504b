// LabStandalone's stopping and read-only side: stop, what a lab directory's standalone is doing,
// and the entry points other modules call (the bench's endpoint, `pgha lab stop`, a wipe).
#include "lab/labstandalone.h"

#include "lab/labdir.h"

#include <QCoreApplication>

#include <csignal>
#include <utility>

namespace pgha::svc {

namespace {
constexpr char kNativeFlavor[] = "native";
} // namespace

QString StandaloneReport::statusName(Status s)
{
    switch (s) {
    case Status::Absent: return QStringLiteral("absent");
    case Status::Stopped: return QStringLiteral("stopped");
    case Status::Running: return QStringLiteral("running");
    case Status::Stale: return QStringLiteral("stale");
    case Status::Busy: return QStringLiteral("busy");
    }
    return {};
}

void LabStandalone::stop()
{
    if (isBusy()) {
        if (m_starting && m_stage != Stage::Cancelling)
            failStart(makeError(QStringLiteral("the start of the standalone baseline was cancelled")));
        return;
    }
    ++m_generation;
    m_clock.start();
    m_starting = false;
    m_stage = Stage::Stopping;
    if (auto trusted = checkLabDirTrusted(m_labDir); !trusted)
        return failEarly(trusted.error());
    if (!StandaloneState::exists(m_labDir)) {
        emit message(QStringLiteral("no standalone baseline in %1: nothing to stop").arg(m_labDir));
        StandaloneOutcome o;
        o.ok = true;
        return finish(o);
    }
    if (auto ok = lock(); !ok)
        return failEarly(ok.error());
    const StandaloneReport report = inspect(m_labDir);
    if (!report.state)
        return failEarly(makeError(report.summary));
    m_state = *report.state;
    if (report.status == StandaloneReport::Status::Busy)
        return failEarly(makeError(QStringLiteral("the standalone baseline in %1 is %2").arg(m_labDir, report.summary),
                                   QStringLiteral("wait for that program to finish")));
    StandaloneOutcome o;
    if (report.pid == 0) {
        if (m_state.phase != StandaloneState::Phase::Stopped && m_state.phase != StandaloneState::Phase::Failed) {
            m_state.phase = StandaloneState::Phase::Stopped;
            save();
        }
        o.ok = true;
        return finish(o);
    }
    m_state.phase = StandaloneState::Phase::Stopping;
    m_state.controllerPid = QCoreApplication::applicationPid();
    save();
    stopProcesses([this](const Error *error) {
        m_state.phase = error ? StandaloneState::Phase::Failed : StandaloneState::Phase::Stopped;
        m_state.lastError = error ? error->message : QString();
        m_state.controllerPid = 0;
        if (!error)
            m_state.pid = 0;
        save();
        StandaloneOutcome done;
        done.ok = !error;
        done.wasRunning = true;
        if (error)
            done.error = *error;
        else
            emit message(QStringLiteral("stopped the standalone baseline in %1 s").arg(m_clock.elapsed() / 1000.0, 0, 'f', 1));
        finish(done);
    });
}

void LabStandalone::stopProcesses(std::function<void(const Error *)> then)
{
    m_targets.clear();
    if (m_state.pid > 0 && proc::isAlive(m_state.pid, m_state.startTicks))
        m_targets.append({m_state.pid, m_state.startTicks, m_state.pgid});
    // A postmaster the state lost track of, found by its data directory (checked to be that one's).
    if (const qint64 pm = m_state.dataDir.isEmpty() ? 0 : proc::postmasterPid(m_state.dataDir); pm > 0 && pm != m_state.pid)
        m_targets.append({pm, proc::startTicks(pm), 0});
    m_afterStop = std::move(then);
    m_hadTargets = !m_targets.isEmpty();
    m_killed = false;
    m_portWait = false;
    m_stageClock.start();
    for (const auto &t : std::as_const(m_targets)) {
        // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, nothing waits for them.
        proc::signalSame(t.pid, t.startTicks, SIGINT);
        emit message(QStringLiteral("stopping the standalone PostgreSQL (pid %1): fast shutdown").arg(t.pid));
    }
    m_ticker.start();
}

void LabStandalone::tickStop()
{
    QList<Target> alive;
    for (const auto &t : std::as_const(m_targets))
        if (proc::isAlive(t.pid, t.startTicks))
            alive.append(t);
    m_targets = alive;
    const auto done = [this](const Error *error) {
        m_ticker.stop();
        auto then = std::exchange(m_afterStop, nullptr);
        if (then)
            then(error);
    };
    if (!m_targets.isEmpty()) {
        if (!m_killed && m_stageClock.elapsed() > kStopGraceMs) {
            m_killed = true;
            m_stageClock.restart();
            for (const auto &t : std::as_const(m_targets)) {
                emit message(QStringLiteral("the standalone PostgreSQL (pid %1) did not stop within %2 s: SIGKILL")
                                     .arg(t.pid).arg(kStopGraceMs / 1000));
                if (t.pgid > 0)
                    proc::killGroup(t.pid, t.pgid);
                else
                    proc::signalSame(t.pid, t.startTicks, proc::kSigKill);
            }
        } else if (m_killed && m_stageClock.elapsed() > kKillWaitMs) {
            const Error e = makeError(QStringLiteral("the standalone PostgreSQL (pid %1) is still there after SIGKILL").arg(m_targets.front().pid),
                                      QStringLiteral("look at it with `ps -o pid,stat,cmd -p %1`").arg(m_targets.front().pid));
            done(&e);
        }
        return;
    }
    if (!m_portWait) {
        m_portWait = true;
        m_stageClock.restart();
    }
    const bool busy = m_hadTargets && proc::isPortInUse(m_state.host, m_state.port);
    if (busy && m_stageClock.elapsed() < kPortFreeTimeoutMs)
        return;
    if (busy) {
        const Error e = makeError(QStringLiteral("the standalone baseline stopped, but port %1 is still in use").arg(m_state.port),
                                  QStringLiteral("another program listens there; `ss -ltnp 'sport = :%1'` shows it").arg(m_state.port));
        return done(&e);
    }
    done(nullptr);
}

StandaloneReport LabStandalone::inspect(const QString &labDir)
{
    StandaloneReport r;
    r.labDir = labDir;
    if (!StandaloneState::exists(labDir)) {
        r.summary = QStringLiteral("no standalone baseline in %1").arg(labDir);
        return r;
    }
    auto loaded = StandaloneState::load(labDir);
    if (!loaded) {
        r.status = StandaloneReport::Status::Stale;
        r.summary = loaded.error().toString();
        return r;
    }
    const StandaloneState &s = loaded.value();
    r.state = s;
    const bool pidAlive = s.pid > 0 && proc::isAlive(s.pid, s.startTicks);
    r.pid = pidAlive ? s.pid : (s.dataDir.isEmpty() ? 0 : proc::postmasterPid(s.dataDir));
    r.listening = r.pid > 0 && proc::isPortInUse(s.host, s.port);
    const bool controllerAlive = s.controllerPid > 0 && s.controllerPid != QCoreApplication::applicationPid()
            && proc::isAlive(s.controllerPid);
    const bool transient = s.phase == StandaloneState::Phase::Starting || s.phase == StandaloneState::Phase::Stopping;
    if (transient && controllerAlive) {
        r.status = StandaloneReport::Status::Busy;
        r.summary = QStringLiteral("%1 by pid %2").arg(StandaloneState::phaseName(s.phase)).arg(s.controllerPid);
    } else if (r.pid > 0 && s.phase == StandaloneState::Phase::Running) {
        r.status = StandaloneReport::Status::Running;
        r.summary = QStringLiteral("running: PostgreSQL %1 on %2:%3 (pid %4)%5")
                            .arg(s.pgVersion, s.host).arg(s.port).arg(r.pid)
                            .arg(r.listening ? QString() : QStringLiteral(", not listening"));
    } else if (r.pid == 0 && (s.phase == StandaloneState::Phase::Stopped || s.phase == StandaloneState::Phase::Failed)) {
        r.status = StandaloneReport::Status::Stopped;
        r.summary = s.phase == StandaloneState::Phase::Failed && !s.lastError.isEmpty()
                ? QStringLiteral("stopped after a failed start or stop: %1").arg(s.lastError)
                : QStringLiteral("stopped (data kept in %1)").arg(s.dataDir);
    } else {
        r.status = StandaloneReport::Status::Stale;
        r.summary = r.pid > 0 ? QStringLiteral("stale: PostgreSQL (pid %1) runs, left by an interrupted %2")
                                        .arg(r.pid)
                                        .arg(s.phase == StandaloneState::Phase::Stopping ? QStringLiteral("stop") : QStringLiteral("start"))
                              : QStringLiteral("stale: it was %1 but its PostgreSQL is gone (crashed, or the machine restarted)")
                                        .arg(StandaloneState::phaseName(s.phase));
    }
    return r;
}

Result<PgEndpoint> standaloneEndpoint(const QString &labDir)
{
    auto lab = LabState::load(labDir);
    if (!lab)
        return lab.error();
    if (lab.value().flavor != QLatin1String(kNativeFlavor))
        return makeError(QStringLiteral("standalone baseline: only on the native lab for now — the lab in %1 is the %2 flavour")
                                 .arg(labDir, lab.value().flavor),
                         QStringLiteral("run the native lab for the baseline (`pgha lab start --flavor native`)"));
    const StandaloneReport r = LabStandalone::inspect(labDir);
    if (r.status != StandaloneReport::Status::Running)
        return makeError(QStringLiteral("the standalone baseline in %1 is not running (%2)").arg(labDir, r.summary),
                         QStringLiteral("start it with `pgha lab standalone start`"));
    const QString password = lab.value().secrets.superuser;
    if (r.state->passwordSha256 != passwordFingerprint(password))
        return makeError(QStringLiteral("the standalone baseline in %1 runs with the lab's earlier password (the lab was "
                                        "started afresh since)").arg(labDir),
                         QStringLiteral("`pgha lab standalone start` makes it again with the lab's password"));
    PgEndpoint e;
    e.host = r.state->host;
    e.port = r.state->port;
    e.user = QStringLiteral("postgres");
    e.database = QStringLiteral("postgres");
    e.password = password;
    e.tls = PgTls::forLab();
    return e;
}

void ensureStandalone(const QString &labDir, QObject *context, std::function<void(const Result<PgEndpoint> &)> done)
{
    auto *standalone = new LabStandalone(labDir, context);
    QObject::connect(standalone, &LabStandalone::finished, context,
                     [standalone, labDir, done = std::move(done)](const StandaloneOutcome &o) {
                         standalone->deleteLater();
                         if (!o.ok)
                             return done(o.error);
                         done(standaloneEndpoint(labDir));
                     });
    QMetaObject::invokeMethod(standalone, &LabStandalone::start, Qt::QueuedConnection);
}

void stopStandalone(const QString &labDir, QObject *context, std::function<void(const StandaloneOutcome &)> done)
{
    auto *standalone = new LabStandalone(labDir, context);
    QObject::connect(standalone, &LabStandalone::finished, context,
                     [standalone, done = std::move(done)](const StandaloneOutcome &o) {
                         standalone->deleteLater();
                         done(o);
                     });
    QMetaObject::invokeMethod(standalone, &LabStandalone::stop, Qt::QueuedConnection);
}

QStringList standaloneWipeEntries(const QString &labDir)
{
    if (!StandaloneState::exists(labDir))
        return {};
    const StandaloneReport r = LabStandalone::inspect(labDir);
    if (r.pid > 0 || r.status == StandaloneReport::Status::Busy)
        return {};
    return {StandaloneState::fileName(), QLatin1String(kStandaloneName)};
}

} // namespace pgha::svc
