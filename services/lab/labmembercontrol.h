#pragma once

#include "core/result.h"
#include "lab/labstate.h"

#include <QList>
#include <QString>

namespace pgha::svc {

// Single members of a running native lab, for chaos faults and their undo: which processes make
// up a member, and starting one member again. Quick and synchronous (signals and a spawn, no
// waiting); the lab directory's state file stays the one record of what runs.
namespace labmember {

// The lab's state when it is running (phase Running); otherwise an error that says why not.
Result<LabState> loadRunning(const QString &labDir);

// A Patroni member's PostgreSQL: its postmaster (from postmaster.pid) and every child of it.
struct PostgresProcesses {
    qint64 postmaster = 0;
    QList<qint64> children;
    QList<qint64> walSenders;   // the children serving replication
};
PostgresProcesses postgresOf(const LabState::Process &member);

// Starts `name` again with the configuration it was started with, unless it is alive already,
// and records its new PID. Refused while another program starts or stops the lab.
Result<LabState::Process> relaunch(const QString &labDir, const QString &name);

} // namespace labmember

} // namespace pgha::svc
