#include "etcdleaseclock.h"

#include <algorithm>

namespace pgha::svc {

namespace {
constexpr qint64 kSecondMs = 1000;
} // namespace

void EtcdLeaseClock::follow(const QString &leaseId)
{
    if (leaseId == m_leaseId)
        return;
    clear();
    m_leaseId = leaseId;
}

void EtcdLeaseClock::observe(qint64 atMs, const EtcdLeaseTtl &answer)
{
    if (m_leaseId.isEmpty() || (!answer.id.isEmpty() && answer.id != m_leaseId))
        return;
    if (answer.ttlS < 0) {   // gone: expired, or revoked by its holder
        if (!m_expired)
            m_expiredSeenMs = atMs;
        m_expired = true;
        if (m_known)
            m_latestMs = std::min(m_latestMs, atMs);
        m_earliestMs = std::min(m_earliestMs, m_latestMs);
        m_known = true;
        return;
    }
    m_grantedS = answer.grantedS;
    const qint64 earliest = atMs + answer.ttlS * kSecondMs;
    const qint64 latest = earliest + kSecondMs;
    if (!m_known || m_expired || earliest >= m_latestMs || latest <= m_earliestMs) {
        // The first answer, or one the interval cannot hold: a renewal moved the expiry.
        if (m_known && !m_expired && earliest >= m_latestMs)
            m_renewedAtMs = atMs;
        m_earliestMs = earliest;
        m_latestMs = latest;
        m_known = true;
        m_expired = false;
        m_expiredSeenMs = 0;
        return;
    }
    m_earliestMs = std::max(m_earliestMs, earliest);
    m_latestMs = std::min(m_latestMs, latest);
}

qint64 EtcdLeaseClock::remainingMs(qint64 nowMs) const
{
    if (!m_known || m_expired)
        return 0;
    return std::max<qint64>(0, expiresAtMs() - nowMs);
}

} // namespace pgha::svc
