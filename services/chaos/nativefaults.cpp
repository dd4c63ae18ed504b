#include "chaos/nativefaults.h"

#include "lab/labmembercontrol.h"
#include "process/procutil.h"

#include <csignal>

namespace pgha::svc::nativefaults {

QString crash(const LabState::Process &p)
{
    // Every PID is checked against its recorded start time right before the signal: the state
    // file's PIDs may be stale, and a reused PID belongs to somebody else.
    if (!proc::isAlive(p.pid, p.startTicks))
        return QStringLiteral("%1 (pid %2) is not running any more: no signal sent").arg(p.name).arg(p.pid);
    if (p.kind != LabComponentKind::Patroni) {
        proc::killGroup(p.pid, p.pgid);
        return QStringLiteral("SIGKILL to %1: pid %2").arg(p.name).arg(p.pid);
    }
    // Read the postmaster and its children before the kill: afterwards they are orphans.
    const auto pg = labmember::postgresOf(p);
    proc::signalSame(p.pid, p.startTicks, proc::kSigKill);
    QString what = QStringLiteral("SIGKILL to %1: Patroni pid %2").arg(p.name).arg(p.pid);
    if (pg.postmaster.pid) {
        proc::signalSame(pg.postmaster.pid, pg.postmaster.startTicks, proc::kSigKill);
        for (const auto &child : pg.children)
            proc::signalSame(child.pid, child.startTicks, proc::kSigKill);
        what += QStringLiteral(", postmaster pid %1 and its %2 children").arg(pg.postmaster.pid).arg(pg.children.size());
    }
    return what;
}

QString stopGracefully(const LabState::Process &p)
{
    if (!proc::signalSame(p.pid, p.startTicks, SIGTERM))
        return QStringLiteral("%1 (pid %2) is not running any more: no signal sent").arg(p.name).arg(p.pid);
    return QStringLiteral("SIGTERM to %1's Patroni (pid %2): a clean stop").arg(p.name).arg(p.pid);
}

QString freeze(const LabState::Process &p, QList<proc::ProcessRef> *frozen)
{
    const auto pg = labmember::postgresOf(p);
    QList<proc::ProcessRef> pids{{p.pid, p.startTicks}};
    if (pg.postmaster.pid)
        pids << pg.postmaster << pg.children;
    for (const auto &ref : pids)
        proc::signalSame(ref.pid, ref.startTicks, proc::kSigStop);
    *frozen << pids;
    return QStringLiteral("SIGSTOP to %1: Patroni and %2 PostgreSQL processes").arg(p.name).arg(pids.size() - 1);
}

QString freezeWalSenders(const LabState::Process &p, QList<proc::ProcessRef> *frozen)
{
    const auto pg = labmember::postgresOf(p);
    for (const auto &ref : pg.walSenders)
        proc::signalSame(ref.pid, ref.startTicks, proc::kSigStop);
    *frozen << pg.walSenders;
    return QStringLiteral("SIGSTOP to %1's %2 WAL senders: replication stalls, writes go on").arg(p.name).arg(pg.walSenders.size());
}

QString thaw(const QList<proc::ProcessRef> &pids)
{
    for (const auto &ref : pids)
        proc::signalSame(ref.pid, ref.startTicks, proc::kSigCont);
    return QStringLiteral("SIGCONT to %1 processes").arg(pids.size());
}

QString restart(const QString &labDir, const QString &name, bool *ok)
{
    auto started = labmember::relaunch(labDir, name);
    if (ok)
        *ok = started.ok();
    if (!started)
        return QStringLiteral("restarting %1 failed: %2").arg(name, started.error().toString());
    return QStringLiteral("%1 started again (pid %2)").arg(name).arg(started.value().pid);
}

} // namespace pgha::svc::nativefaults
