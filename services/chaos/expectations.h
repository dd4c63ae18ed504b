#pragma once

#include "chaos/chaosreport.h"
#include "chaos/faultcatalog.h"

namespace pgha::svc {

// What each fault should do, judged against a finished run's figures: every expectation is
// PASS or FAIL with the figures that decided. Pure (unit-tested on constructed reports).
//  - a failover fault: a new leader within the budget (graceful stop: before the ttl runs out),
//    the old primary rejoins as a replica, and with synchronous_mode no acknowledged write lost;
//  - paused: no failover;
//  - a replica, one etcd member: no leader change and writes go on;
//  - etcd quorum lost: failsafe_mode off → the primary stops taking writes within the budget;
//    failsafe_mode on → it keeps serving;
//  - HAProxy, the primary's PgBouncer: the outage is seen, and writes resume soon after the undo.
QList<ChaosReport::Expectation> judgeRun(FaultKind kind, const ChaosReport &r);

// Resumed after the undo within this long: the entry point is back, nothing else to wait for.
inline constexpr qint64 kResumeAfterUndoMs = 3000;
// Writes "go on" when no gap is longer than this.
inline constexpr qint64 kWritesGoOnGapMs = 1000;

} // namespace pgha::svc
