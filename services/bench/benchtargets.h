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
//   standalone  a plain PostgreSQL beside the bundled lab, no Patroni: the baseline (started on demand)
namespace pgha::svc {

QStringList benchTargetNames(const Profile &profile);

// Every target but "direct", which needs the cluster asked (resolveDirectTarget); "standalone"
// only when it runs (resolveBenchTargetAsync starts it).
Result<BenchTarget> resolveBenchTarget(const Profile &profile, const QString &name);

// Asks every member's PostgreSQL whether it is in recovery; the one that is not becomes the
// "direct" target. `done` runs once, asynchronously.
void resolveDirectTarget(const Profile &profile, QObject *context, std::function<void(const Result<BenchTarget> &)> done);

// Any target, "direct" included; `done` runs once, always asynchronously.
void resolveBenchTargetAsync(const Profile &profile, const QString &name, QObject *context,
                             std::function<void(const Result<BenchTarget> &)> done);

// A server that answered through a target: the member it is (by its port among the profile's
// PostgreSQL endpoints; "" when none matches), its role and address.
struct AnsweredServer {
    QString member;
    bool primary = false;
    QString address;          // "127.0.0.1:5433"
    QString describe() const; // "pg2 (primary, 127.0.0.1:5433)"
    bool operator==(const AnsweredServer &) const = default;
};

// Opens `connections` sessions through the target at once and asks each server who it is.
// Distinct answers, sorted by description; empty when none answered, with the first error
// (naming the address and the cause: refused, wrong password …). `done` runs once.
void probeAnsweredBy(const Profile &profile, const BenchTarget &target, int connections, QObject *context,
                     std::function<void(const QList<AnsweredServer> &, const QString &firstError)> done);
QStringList describeAll(const QList<AnsweredServer> &servers);

} // namespace pgha::svc
