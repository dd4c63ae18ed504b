#include "chaos/measurement.h"

#include <QSet>

#include <algorithm>

namespace pgha::svc {

Outage measureOutage(const QList<qint64> &ackTimes, qint64 faultMs, qint64 endMs)
{
    Outage o;
    // Candidate gaps: each pair of consecutive acknowledgements whose later one comes at or after
    // the fault, and the tail after the last acknowledgement.
    qint64 longest = -1;
    qsizetype longestEnd = -1;   // index of the acknowledgement that ends it; size() = the tail
    for (qsizetype i = 1; i < ackTimes.size(); ++i) {
        if (ackTimes[i] < faultMs)
            continue;
        const qint64 gap = ackTimes[i] - ackTimes[i - 1];
        if (gap > longest) {
            longest = gap;
            longestEnd = i;
        }
    }
    const bool tailAfterFault = !ackTimes.isEmpty() && endMs >= faultMs;
    if (tailAfterFault) {
        const qint64 tail = endMs - std::max(ackTimes.back(), faultMs);
        if (tail > longest && tail > kOutageThresholdMs) {
            longest = endMs - ackTimes.back();
            longestEnd = ackTimes.size();
        }
    }
    if (longestEnd < 0)
        return o;
    if (longest > kOutageThresholdMs) {
        o.seen = true;
        o.gapMs = longest;
        o.startMs = ackTimes[longestEnd - 1] - faultMs;
        if (longestEnd < ackTimes.size())
            o.rtoMs = ackTimes[longestEnd] - faultMs;
        return o;
    }
    // No outage: the first acknowledgement after the fault.
    const auto first = std::lower_bound(ackTimes.cbegin(), ackTimes.cend(), faultMs);
    if (first != ackTimes.cend()) {
        o.rtoMs = *first - faultMs;
        o.gapMs = longest;
        o.startMs = ackTimes[longestEnd - 1] - faultMs;
    }
    return o;
}

Budget faultBudget(FaultKind kind, const PatroniTimings &t, const HaproxyCheckSettings &check)
{
    const qint64 haproxyUp = static_cast<qint64>(check.interMs) * check.rise;
    const qint64 promote = 1000;
    // A synchronous standby must follow the new primary before its commits return.
    const qint64 follow = t.synchronousMode ? t.loopWait * 1000LL + 1000 : 0;
    const QString followText = t.synchronousMode
            ? QStringLiteral(" + loop_wait %1 s + 1 s for a standby to follow (synchronous_mode)").arg(t.loopWait)
            : QString();
    switch (kind) {
    case FaultKind::CrashPrimary:
    case FaultKind::FreezePrimary:
    case FaultKind::StallThenCrash:
    case FaultKind::PartitionPrimary:
    case FaultKind::ExternalPrimary:   // the worst case of what a command can do: a crash
        return {t.ttl * 1000LL + t.loopWait * 1000LL + haproxyUp + promote + follow,
                QStringLiteral("ttl %1 s + loop_wait %2 s + HAProxy rise %3 × inter %4 ms + 1 s promotion%5")
                        .arg(t.ttl).arg(t.loopWait).arg(check.rise).arg(check.interMs).arg(followText)};
    case FaultKind::StopPrimary:
        // The leader key is released at once: a replica takes over in its next loop.
        return {t.loopWait * 1000LL + haproxyUp + promote + 2000 + follow,
                QStringLiteral("loop_wait %1 s + HAProxy rise %2 × inter %3 ms + 1 s promotion + 2 s clean shutdown%4")
                        .arg(t.loopWait).arg(check.rise).arg(check.interMs).arg(followText)};
    case FaultKind::LoseEtcdQuorum:
        // The leader demotes when it cannot renew the key: after retry_timeout, within ttl.
        return {t.ttl * 1000LL + t.loopWait * 1000LL,
                QStringLiteral("ttl %1 s + loop_wait %2 s (retry_timeout %3 s to give up on etcd)")
                        .arg(t.ttl).arg(t.loopWait).arg(t.retryTimeout)};
    case FaultKind::CrashReplica:
    case FaultKind::FreezeReplica:
    case FaultKind::CrashEtcdMember:
    case FaultKind::LoseEtcdQuorumFailsafe:
    case FaultKind::CrashHaproxy:
    case FaultKind::CrashPgbouncer:
    case FaultKind::ExternalReplica:
        break;
    }
    return {};
}

std::optional<qint64> parseLsn(const QString &lsn)
{
    const int slash = static_cast<int>(lsn.indexOf(u'/'));
    if (slash <= 0)
        return std::nullopt;
    bool okHigh = false, okLow = false;
    const qint64 high = lsn.left(slash).toLongLong(&okHigh, 16);
    const qint64 low = lsn.mid(slash + 1).toLongLong(&okLow, 16);
    if (!okHigh || !okLow)
        return std::nullopt;
    return (high << 32) | low;
}

QList<qint64> missingIds(const QList<qint64> &acknowledged, const QList<qint64> &present)
{
    const QSet<qint64> have(present.cbegin(), present.cend());
    QList<qint64> missing;
    for (qint64 id : acknowledged)
        if (!have.contains(id))
            missing.append(id);
    std::sort(missing.begin(), missing.end());
    return missing;
}

std::optional<PoolerRetryPlateau> findPoolerRetryPlateau(const QList<std::tuple<qint64, QString, QString>> &events)
{
    std::optional<PoolerRetryPlateau> p;
    for (const auto &[atMs, source, text] : events) {
        if (atMs < 0 || !text.contains(QLatin1String(kPgBouncerLoginRetryText)))
            continue;
        if (!p) {
            p = PoolerRetryPlateau{};
            p->firstMs = atMs;
        }
        p->lastMs = std::max(p->lastMs, atMs);
        ++p->refusals;
        const QString path = text.startsWith(u"writes") ? QStringLiteral("writes")
                             : text.startsWith(u"reads") ? QStringLiteral("reads")
                                                         : source;
        if (!p->paths.contains(path))
            p->paths.append(path);
    }
    return p;
}

QString PoolerRetryPlateau::sentence() const
{
    return QStringLiteral("PgBouncer refused new logins (server_login_retry) %1 time(s) on the %2 path from %3 to %4 s: after a "
                          "failed login to its server it waits server_login_retry before trying again, whatever the cluster "
                          "does meanwhile — time of the pooler's making, not Patroni's")
            .arg(refusals)
            .arg(paths.join(QStringLiteral(", ")))
            .arg(static_cast<double>(firstMs) / 1000.0, 0, 'f', 2)
            .arg(static_cast<double>(lastMs) / 1000.0, 0, 'f', 2);
}

} // namespace pgha::svc
