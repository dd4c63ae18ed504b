#pragma once

#include "etcd/etcdtypes.h"

#include <QString>

namespace pgha::svc {

// When a lease (Patroni's leader key) expires, from etcd's answers to `lease/timetolive`. etcd
// gives whole seconds and truncates, so an answer of TTL n at time t places the expiry in
// [t + n, t + n + 1) s; answers that agree narrow that interval, one that no longer fits it
// means the holder renewed the lease (or etcd's leader moved its clock): the interval starts
// again. Pure: the caller passes its clock (epoch ms), so tests replay recorded answers.
class EtcdLeaseClock {
public:
    // A lease is followed from its first answer; another id starts over.
    void follow(const QString &leaseId);
    void clear() { *this = {}; }
    void observe(qint64 atMs, const EtcdLeaseTtl &answer);

    const QString &leaseId() const { return m_leaseId; }
    bool known() const { return m_known; }
    bool expired() const { return m_expired; }
    qint64 grantedS() const { return m_grantedS; }
    // The middle of the interval the expiry lies in, and half its width.
    qint64 expiresAtMs() const { return (m_earliestMs + m_latestMs) / 2; }
    qint64 uncertaintyMs() const { return (m_latestMs - m_earliestMs) / 2; }
    qint64 remainingMs(qint64 nowMs) const;
    // When an answer last showed the lease renewed (0 until one did).
    qint64 renewedAtMs() const { return m_renewedAtMs; }
    // The time of the first answer that found the lease gone (0 while it lives).
    qint64 expiredSeenAtMs() const { return m_expiredSeenMs; }

private:
    QString m_leaseId;
    bool m_known = false;
    bool m_expired = false;
    qint64 m_grantedS = 0;
    qint64 m_earliestMs = 0;
    qint64 m_latestMs = 0;
    qint64 m_renewedAtMs = 0;
    qint64 m_expiredSeenMs = 0;
};

} // namespace pgha::svc
