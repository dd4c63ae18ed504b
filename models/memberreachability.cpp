#include "memberreachability.h"

#include <QDateTime>

namespace pgha::models {

namespace {
// A dropped session older than this says nothing about a refusal now.
constexpr qint64 kSuspectForgetMs = 5000;
} // namespace

QString MemberReachability::clockText(qint64 atMs)
{
    return QDateTime::fromMSecsSinceEpoch(atMs).toString(QStringLiteral("HH:mm:ss.zzz"));
}

void MemberReachability::sessionLost(const QString &member, qint64 atMs, const QString &why)
{
    if (member.isEmpty() || m_down.contains(member))
        return;
    m_suspects.insert(member, {atMs, why});
}

std::optional<ClusterEvent> MemberReachability::restFailed(const QString &member, qint64 atMs, const QString &how)
{
    if (member.isEmpty() || m_down.contains(member))
        return std::nullopt;
    Down d;
    d.restFailedAtMs = atMs;
    const auto suspect = m_suspects.take(member);
    const bool sessionFirst = suspect.atMs > 0 && atMs - suspect.atMs <= kSuspectForgetMs;
    d.sinceMs = sessionFirst ? suspect.atMs : atMs;
    d.firstSource = sessionFirst ? tr("PostgreSQL") : tr("Patroni REST");
    d.how = tr("REST %1 at %2").arg(how, clockText(atMs));
    m_down.insert(member, d);
    const QString text = sessionFirst
            ? tr("%1 unreachable: its PostgreSQL session dropped at %2 (seen first), its REST API %3 %4 ms later — whatever "
                 "/cluster on the others still says").arg(member, clockText(suspect.atMs), how).arg(atMs - suspect.atMs)
            : tr("%1 unreachable: its REST API %2 at %3 — whatever /cluster on the others still says").arg(member, how, clockText(atMs));
    return ClusterEvent{d.sinceMs, QStringLiteral("reachability"), ClusterEvent::Severity::Error, QStringLiteral("member-unreachable"),
                        member, text};
}

std::optional<ClusterEvent> MemberReachability::restAnswered(const QString &member, qint64 atMs)
{
    if (member.isEmpty())
        return std::nullopt;
    if (m_down.remove(member) > 0)
        return ClusterEvent{atMs, QStringLiteral("reachability"), ClusterEvent::Severity::Info, QStringLiteral("member-reachable"), member,
                            tr("%1 reachable again: its REST API answers").arg(member)};
    const auto suspect = m_suspects.take(member);
    if (suspect.atMs > 0 && atMs - suspect.atMs <= kSuspectForgetMs)
        return ClusterEvent{suspect.atMs, QStringLiteral("reachability"), ClusterEvent::Severity::Info, QStringLiteral("session-dropped"),
                            member, tr("%1's PostgreSQL session dropped (%2) while its Patroni answers: PostgreSQL restarting or "
                                       "stopped by Patroni").arg(member, suspect.why)};
    return std::nullopt;
}

} // namespace pgha::models
