#pragma once

#include "lab/labstate.h"
#include "process/procutil.h"

#include <QList>
#include <QString>

namespace pgha::svc::nativefaults {

// What the native lab's faults do to processes, each returning one sentence for the timeline.
// Signals only: quick, never blocking. (The Docker lab does the same with container commands.)

// SIGKILL to a component. A Patroni member dies whole: Patroni, its postmaster and every
// PostgreSQL child at once, as when its machine loses power.
QString crash(const LabState::Process &p);
// SIGTERM to a member's Patroni: it stops PostgreSQL cleanly and releases the leader key.
QString stopGracefully(const LabState::Process &p);
// SIGSTOP to a member's Patroni and every PostgreSQL process of it; `frozen` gets the PIDs to thaw.
QString freeze(const LabState::Process &p, QList<proc::ProcessRef> *frozen);
// SIGSTOP to the WAL senders of a member's PostgreSQL: replication stalls, writes go on.
QString freezeWalSenders(const LabState::Process &p, QList<proc::ProcessRef> *frozen);
// SIGCONT to every PID given.
QString thaw(const QList<proc::ProcessRef> &pids);
// Starts a component again (see labmember::relaunch); the sentence says how it went.
QString restart(const QString &labDir, const QString &name, bool *ok = nullptr);

} // namespace pgha::svc::nativefaults
