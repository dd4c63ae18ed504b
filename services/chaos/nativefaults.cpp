#include "chaos/nativefaults.h"

#include "lab/labmembercontrol.h"
#include "process/procutil.h"

#include <csignal>

namespace pgha::svc::nativefaults {

QString crash(const LabState::Process &p)
{
    if (p.kind != LabComponentKind::Patroni) {
        proc::killGroup(p.pid, p.pgid);
        return QStringLiteral("SIGKILL to %1: pid %2").arg(p.name).arg(p.pid);
    }
    // Read the postmaster and its children before the kill: afterwards they are orphans.
    const auto pg = labmember::postgresOf(p);
    proc::signalProcess(p.pid, SIGKILL);
    QString what = QStringLiteral("SIGKILL to %1: Patroni pid %2").arg(p.name).arg(p.pid);
    if (pg.postmaster) {
        proc::signalProcess(pg.postmaster, SIGKILL);
        for (qint64 child : pg.children)
            proc::signalProcess(child, SIGKILL);
        what += QStringLiteral(", postmaster pid %1 and its %2 children").arg(pg.postmaster).arg(pg.children.size());
    }
    return what;
}

QString stopGracefully(const LabState::Process &p)
{
    proc::signalProcess(p.pid, SIGTERM);
    return QStringLiteral("SIGTERM to %1's Patroni (pid %2): a clean stop").arg(p.name).arg(p.pid);
}

QString freeze(const LabState::Process &p, QList<qint64> *frozen)
{
    const auto pg = labmember::postgresOf(p);
    QList<qint64> pids{p.pid};
    if (pg.postmaster)
        pids << pg.postmaster << pg.children;
    for (qint64 pid : pids)
        proc::signalProcess(pid, SIGSTOP);
    *frozen << pids;
    return QStringLiteral("SIGSTOP to %1: Patroni and %2 PostgreSQL processes").arg(p.name).arg(pids.size() - 1);
}

QString freezeWalSenders(const LabState::Process &p, QList<qint64> *frozen)
{
    const auto pg = labmember::postgresOf(p);
    for (qint64 pid : pg.walSenders)
        proc::signalProcess(pid, SIGSTOP);
    *frozen << pg.walSenders;
    return QStringLiteral("SIGSTOP to %1's %2 WAL senders: replication stalls, writes go on").arg(p.name).arg(pg.walSenders.size());
}

QString thaw(const QList<qint64> &pids)
{
    for (qint64 pid : pids)
        proc::signalProcess(pid, SIGCONT);
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
