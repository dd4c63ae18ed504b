#pragma once

#include "bench/benchrun.h"
#include "core/result.h"
#include "profile/profile.h"

#include <QObject>
#include <QStringList>

#include <functional>

// The entry points a benchmark can load, named the same in the CLI, the GUI and the store:
//   rw      the profile's read-write entry (the lab: HAProxy :5000 → PgBouncer → primary)
//   ro      the read-only entry (HAProxy :5001 → PgBouncers → replicas)
//   pgpool  Pgpool-II, when the profile has one
//   member:NAME  one member's PostgreSQL, no proxy
//   direct  the current primary's PostgreSQL, no proxy (found by asking every member)
namespace pgha::svc {

QStringList benchTargetNames(const Profile &profile);

// Every target but "direct", which needs the cluster asked (resolveDirectTarget).
Result<BenchTarget> resolveBenchTarget(const Profile &profile, const QString &name);

// Asks every member's PostgreSQL whether it is in recovery; the one that is not becomes the
// "direct" target. `done` runs once, asynchronously.
void resolveDirectTarget(const Profile &profile, QObject *context, std::function<void(const Result<BenchTarget> &)> done);

// Opens `connections` sessions through the target at once and asks each server who it is:
// "pg2 (primary, 127.0.0.1:5433)". Distinct answers, sorted. `done` runs once.
void probeAnsweredBy(const Profile &profile, const BenchTarget &target, int connections, QObject *context,
                     std::function<void(const QStringList &)> done);

} // namespace pgha::svc
