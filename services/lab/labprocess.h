#pragma once

#include "core/result.h"
#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"
#include "process/procutil.h"

namespace pgha::svc {

// Starts one lab member process, detached in a session of its own, output appended to its log,
// with a scrubbed environment, as `runAs` when given (root starts the lab). Returns what the
// state file records about it. Used by NativeLab's start and by LabMemberControl's restarts.
Result<LabState::Process> launchLabProcess(const LabConfig &config, const LabBinaries &binaries,
                                           const proc::Account *runAs, const LabComponent &component);

} // namespace pgha::svc
