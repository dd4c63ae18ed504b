#pragma once

#include "etcd/etcdleaseclock.h"

#include <QCoreApplication>
#include <QString>

namespace pgha::models {

// The leader key as people see it on the leader's node and in the chaos strip: renewed as it
// should be, counting down after its holder stopped renewing it, or expired. Made from the
// watch's lease clock at one instant; pure.
struct LeaderKeyClock {
    enum class State {
        Unknown,     // no lease followed (no watch, the v2 keyspace, no leader yet)
        Renewing,    // renewed within loop_wait + 1 s
        CountingDown,// not renewed since: the holder may be dead
        Expired,     // etcd no longer knows the lease, or the key is gone
    };
    State state = State::Unknown;
    QString holder;               // the member that holds (or held) the key
    qint64 remainingMs = 0;       // CountingDown: until the expiry's best estimate
    qint64 uncertaintyMs = 0;
    qint64 grantedS = 0;
    qint64 sinceRenewalMs = -1;   // how long ago the last renewal was seen (-1: none seen)
    qint64 expiredAtMs = 0;       // Expired: when etcd was first seen without it

    bool isCountingDown() const { return state == State::CountingDown; }
    // "key expires in 6.2 s", "leader key expired", "lease of 10 s, renewed by its holder", "".
    QString text() const;
};

// `followedAtMs`: when the clock began following this lease (a lease never seen renewed
// counts from there); `keyPresent`: the DCS still holds the leader key; `holderGone`: its
// holder is unreachable, so nobody will renew it — the countdown shows at once.
LeaderKeyClock leaderKeyClock(const svc::EtcdLeaseClock &lease, const QString &holder, bool keyPresent, qint64 followedAtMs,
                              int loopWaitS, bool holderGone, qint64 nowMs);

} // namespace pgha::models
