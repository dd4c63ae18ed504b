#include "labstopper.h"

#include "core/logging.h"
#include "lab/labfiles.h"
#include "process/procutil.h"

#include <QFile>
#include <QMap>

#include <csignal>

namespace pgha::svc {

QString LabComponentStatus::stateName(State s)
{
    switch (s) {
    case State::Pending: return QStringLiteral("pending");
    case State::Starting: return QStringLiteral("starting");
    case State::Ready: return QStringLiteral("ready");
    case State::Failed: return QStringLiteral("failed");
    case State::Stopping: return QStringLiteral("stopping");
    case State::Stopped: return QStringLiteral("stopped");
    }
    return {};
}

namespace {
// A postmaster.pid may outlive its process; only signal a PID that is really a postgres.
bool isPostgres(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return true;   // no procfs (macOS): trust the pid file, it was just read from a live data dir
    const QByteArray comm = f.readAll().trimmed();
    return comm == "postgres" || comm == "postmaster";
}
// PostgreSQL 12+ marks a standby with standby.signal; a data dir without one is a primary.
bool isPrimaryDataDir(const QString &dataDir)
{
    return !dataDir.isEmpty() && QFile::exists(dataDir + QStringLiteral("/PG_VERSION"))
            && !QFile::exists(dataDir + QStringLiteral("/standby.signal"));
}
} // namespace

LabStopper::LabStopper(LabState state, QObject *parent) : QObject(parent), m_state(std::move(state))
{
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &LabStopper::tick);
}

void LabStopper::start()
{
    m_totalClock.start();
    m_ticker.start();
    enterStage(Stage::FrontAndReplicas);
}

QList<LabStopper::Target> LabStopper::targetsFor(Stage stage) const
{
    QList<Target> out;
    for (const auto &p : m_state.processes) {
        const bool etcd = p.kind == LabComponentKind::Etcd;
        const bool leader = p.kind == LabComponentKind::Patroni && isPrimaryDataDir(p.dataDir);
        if (stage == Stage::FrontAndReplicas && !etcd && !leader && proc::isAlive(p.pid, p.startTicks))
            out.append({p.name, p.kind, p.pid, p.startTicks, p.pgid, false});
        // Everything but etcd still alive once the replicas are gone: the leader, and also a
        // member whose data directory changed role in between (an old primary restarted by a
        // chaos undo that demoted itself meanwhile), which no stage would stop otherwise.
        if (stage == Stage::Leader && !etcd && proc::isAlive(p.pid, p.startTicks))
            out.append({p.name, p.kind, p.pid, p.startTicks, p.pgid, false});
        // One etcd member at a time (see kEtcdGraceMs): the next once this one is gone.
        if (stage == Stage::Etcd && etcd && out.isEmpty() && proc::isAlive(p.pid, p.startTicks))
            out.append({p.name, p.kind, p.pid, p.startTicks, p.pgid, false});
    }
    if (stage == Stage::Postmasters) {
        // Each member's data directory as recorded, and as the layout has it: an earlier stop
        // that missed a postmaster left a state without processes, which still names the lab.
        QMap<QString, QString> dataDirs;   // member → data directory
        const LabLayout layout(m_state.config.labDir);
        for (const auto &c : m_state.config.components())
            if (c.kind == LabComponentKind::Patroni && !m_state.config.labDir.isEmpty())
                dataDirs.insert(c.name, layout.dataDir(c));
        for (const auto &p : m_state.processes)
            if (p.kind == LabComponentKind::Patroni && !p.dataDir.isEmpty())
                dataDirs.insert(p.name, p.dataDir);
        for (auto it = dataDirs.cbegin(); it != dataDirs.cend(); ++it)
            if (const qint64 pm = proc::postmasterPid(it.value()); pm > 0 && isPostgres(pm))
                out.append({it.key(), LabComponentKind::Patroni, pm, proc::startTicks(pm), 0, true});
    }
    return out;
}

int LabStopper::graceMs(Stage stage) const
{
    if (stage == Stage::FrontAndReplicas || stage == Stage::Leader)
        for (const auto &t : m_targets)
            if (t.kind == LabComponentKind::Patroni)
                return kPatroniGraceMs;
    return stage == Stage::Etcd ? kEtcdGraceMs : kOtherGraceMs;
}

void LabStopper::report(const Target &t, LabComponentStatus::State state, const QString &detail)
{
    emit componentChanged({t.name, t.kind, state, detail, t.pid});
}

void LabStopper::enterStage(Stage stage)
{
    m_stage = stage;
    m_escalated = false;
    m_stageClock.start();
    if (stage == Stage::Ports || stage == Stage::Done)
        return;
    m_targets = targetsFor(stage);
    for (const auto &t : m_targets) {
        // SIGINT is PostgreSQL's "fast" shutdown (SIGTERM would be "smart" and wait for every
        // client); Patroni is already gone, so nobody else will stop this postmaster.
        const bool ok = t.isPostmaster ? proc::signalSame(t.pid, t.startTicks, SIGINT) : proc::terminateGroup(t.pid, t.pgid);
        report(t, LabComponentStatus::State::Stopping,
               t.isPostmaster ? QStringLiteral("stopping the PostgreSQL that Patroni left running (pid %1)").arg(t.pid)
                              : QStringLiteral("SIGTERM sent to pid %1").arg(t.pid));
        if (!ok)
            qCDebug(lcLab) << "signal failed for" << t.name << t.pid;
    }
}

void LabStopper::tick()
{
    if (m_stage == Stage::Done)
        return;
    if (m_stage == Stage::Ports) {
        QStringList busy;
        for (const auto &c : m_state.config.components())
            for (const auto &p : c.ports)
                if (proc::isPortInUse(m_state.config.host, p.port))
                    busy.append(QStringLiteral("%1 (%2)").arg(p.port).arg(p.role));
        if (busy.isEmpty() || m_stageClock.elapsed() > kPortFreeTimeoutMs) {
            m_ticker.stop();
            m_stage = Stage::Done;
            LabOutcome outcome;
            outcome.elapsedMs = m_totalClock.elapsed();
            outcome.ok = busy.isEmpty();
            if (!outcome.ok)
                outcome.error = makeError(QStringLiteral("the lab stopped, but these ports are still in use: ") +
                                                  busy.join(QStringLiteral(", ")),
                                          QStringLiteral("another program listens there; find it with `ss -ltnp`"));
            emit finished(outcome);
        }
        return;
    }

    QList<Target> still;
    for (const auto &t : std::as_const(m_targets)) {
        if (proc::isAlive(t.pid, t.startTicks))
            still.append(t);
        else if (!t.isPostmaster)
            report(t, LabComponentStatus::State::Stopped, QStringLiteral("stopped"));
    }
    m_targets = still;

    if (!m_targets.isEmpty() && !m_escalated && m_stageClock.elapsed() > graceMs(m_stage)) {
        m_escalated = true;
        for (const auto &t : std::as_const(m_targets)) {
            qCDebug(lcLab) << t.name << "did not stop within the grace period; sending SIGKILL";
            report(t, LabComponentStatus::State::Stopping, QStringLiteral("did not stop in time: SIGKILL"));
            // The grace period was long enough for a PID to be reused: check identity again.
            if (t.isPostmaster)
                proc::signalSame(t.pid, t.startTicks, proc::kSigKill);
            else if (proc::isAlive(t.pid, t.startTicks))
                proc::killGroup(t.pid, t.pgid);
        }
    }
    if (!m_targets.isEmpty())
        return;

    switch (m_stage) {
    case Stage::FrontAndReplicas: enterStage(Stage::Leader); break;
    case Stage::Leader: enterStage(Stage::Postmasters); break;
    case Stage::Postmasters: enterStage(Stage::Etcd); break;
    case Stage::Etcd: enterStage(targetsFor(Stage::Etcd).isEmpty() ? Stage::Ports : Stage::Etcd); break;
    case Stage::Ports:
    case Stage::Done: break;
    }
}

} // namespace pgha::svc
