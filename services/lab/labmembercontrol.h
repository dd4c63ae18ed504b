#pragma once

#include "core/result.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QList>
#include <QString>

namespace pgha::svc {

// Single members of a running native lab, for chaos faults and their undo: which processes make
// up a member, and starting one member again. Quick and synchronous (signals and a spawn, no
// waiting); the lab directory's state file stays the one record of what runs.
namespace labmember {

// The lab's state when it is running (phase Running); otherwise an error that says why not.
Result<LabState> loadRunning(const QString &labDir);

// A Patroni member's PostgreSQL: its postmaster (from postmaster.pid, identity checked) and
// every child of it, each with its identity so a later signal reaches the same process.
struct PostgresProcesses {
    proc::ProcessRef postmaster;
    QList<proc::ProcessRef> children;
    QList<proc::ProcessRef> walSenders;   // the children serving replication
};
PostgresProcesses postgresOf(const LabState::Process &member);

// Starts `name` again with the configuration it was started with, unless it is alive already,
// and records its new PID. Refused while another program starts or stops the lab.
Result<LabState::Process> relaunch(const QString &labDir, const QString &name);

} // namespace labmember

} // namespace pgha::svc
