#pragma once

#include "chaos/faultcatalog.h"
#include "lab/labconfig.h"

#include <QList>
#include <QString>

#include <optional>
#include <tuple>

namespace pgha::svc {

// The outage a fault caused, from the acknowledgement times of the write probe (one clock).
struct Outage {
    bool seen = false;                 // a gap longer than kOutageThresholdMs began at or after the fault
    std::optional<qint64> rtoMs;       // fault → the first acknowledgement ending the outage (or the first after the fault)
    std::optional<qint64> gapMs;       // last acknowledgement before → first after
    std::optional<qint64> startMs;     // the last acknowledgement before the outage (relative to the fault)
};
// Gaps up to this long are a client's ordinary jitter, not an outage.
inline constexpr qint64 kOutageThresholdMs = 1000;
// `ackTimes` ascending, on the same clock as `faultMs`; `endMs` is when the probe stopped (an
// unanswered tail up to it is an outage without recovery: no RTO).
Outage measureOutage(const QList<qint64> &ackTimes, qint64 faultMs, qint64 endMs);

// What Patroni's and HAProxy's timings predict as the worst case for a fault, and the formula in
// words. Failover: the leader key expires ≤ ttl after the crash, a replica notices within loop_wait,
// promotes (≈1 s with the client's reconnect), and HAProxy needs `rise` good checks `inter` apart.
// With synchronous_mode the new primary's commits also wait until the other replica follows it
// (its next loop, and a reconnect): one more loop_wait + 1 s (seen here: 5 s after the promotion).
struct Budget {
    std::optional<qint64> ms;
    QString formula;
};
struct PatroniTimings {
    int ttl = 0;
    int loopWait = 0;
    int retryTimeout = 0;
    bool synchronousMode = false;
};
Budget faultBudget(FaultKind kind, const PatroniTimings &t, const HaproxyCheckSettings &check);

// PgBouncer refuses new logins with "server login has been failing, try again later
// (server_login_retry)" for server_login_retry seconds after a login to its server failed: a
// plateau of the pooler's making, which may outlast the cluster's own outage. Found in a run's
// events (the probes' and the load's errors): the first and last refusal after the fault and
// how many, per path ("writes", "reads", "load").
struct PoolerRetryPlateau {
    qint64 firstMs = 0;
    qint64 lastMs = 0;
    int refusals = 0;
    QStringList paths;
    QString sentence() const;          // for the report: what it was, when, and what it means
};
inline constexpr const char *kPgBouncerLoginRetryText = "server_login_retry";
// `events`: (ms from the fault, source, text) as the report keeps them.
std::optional<PoolerRetryPlateau> findPoolerRetryPlateau(const QList<std::tuple<qint64, QString, QString>> &events);

// "0/3000060" → byte position; nullopt when it does not parse.
std::optional<qint64> parseLsn(const QString &lsn);

// Acknowledged ids absent from `present` (a set difference, never max − count), ascending.
QList<qint64> missingIds(const QList<qint64> &acknowledged, const QList<qint64> &present);

} // namespace pgha::svc
