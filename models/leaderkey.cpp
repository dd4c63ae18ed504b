#include "leaderkey.h"

#include <algorithm>

namespace pgha::models {

namespace {
constexpr qint64 kSecondMs = 1000;
// A renewal may come this much after loop_wait before the countdown is shown.
constexpr qint64 kRenewalGraceMs = 1000;

QString seconds(qint64 ms) { return QString::number(double(ms) / kSecondMs, 'f', 1); }
} // namespace

QString LeaderKeyClock::text() const
{
    switch (state) {
    case State::Unknown:
        return {};
    case State::Renewing:
        // No "renewed 0.8 s ago": a text that changes every second would redraw the diagram for nothing.
        return QCoreApplication::translate("LeaderKeyClock", "lease of %1 s, renewed by its holder").arg(grantedS);
    case State::CountingDown:
        return QCoreApplication::translate("LeaderKeyClock", "key expires in %1 s").arg(seconds(remainingMs));
    case State::Expired:
        return QCoreApplication::translate("LeaderKeyClock", "leader key expired");
    }
    return {};
}

LeaderKeyClock leaderKeyClock(const svc::EtcdLeaseClock &lease, const QString &holder, bool keyPresent, qint64 followedAtMs,
                              int loopWaitS, bool holderGone, qint64 nowMs)
{
    LeaderKeyClock k;
    k.holder = holder;
    if (lease.leaseId().isEmpty() || holder.isEmpty() || !lease.known())
        return k;
    k.grantedS = lease.grantedS();
    if (lease.expired() || !keyPresent) {
        k.state = LeaderKeyClock::State::Expired;
        k.expiredAtMs = lease.expiredSeenAtMs() > 0 ? lease.expiredSeenAtMs() : nowMs;
        return k;
    }
    const qint64 renewed = std::max(lease.renewedAtMs(), followedAtMs);
    k.sinceRenewalMs = lease.renewedAtMs() > 0 ? nowMs - lease.renewedAtMs() : -1;
    k.remainingMs = lease.remainingMs(nowMs);
    k.uncertaintyMs = lease.uncertaintyMs();
    k.state = holderGone || nowMs - renewed > loopWaitS * kSecondMs + kRenewalGraceMs ? LeaderKeyClock::State::CountingDown
                                                                                      : LeaderKeyClock::State::Renewing;
    return k;
}

} // namespace pgha::models
