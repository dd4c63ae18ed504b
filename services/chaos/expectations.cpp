#include "chaos/expectations.h"

#include "chaos/measurement.h"

namespace pgha::svc {

namespace {
using Expectation = ChaosReport::Expectation;

QString leaderText(const ChaosReport &r)
{
    return QStringLiteral("leader %1 → %2").arg(r.oldLeader, r.newLeader.isEmpty() ? QStringLiteral("none") : r.newLeader);
}

// Another member took the leader key after the fault (whoever holds it at the end).
bool anotherLeaderTookOver(const ChaosReport &r)
{
    for (const auto &c : r.leaderHistory)
        if (!c.holder.isEmpty() && c.holder != r.oldLeader)
            return true;
    return !r.newLeader.isEmpty() && r.newLeader != r.oldLeader;
}

Expectation newLeaderWithin(const ChaosReport &r, qint64 limitMs, const QString &text)
{
    const bool changed = anotherLeaderTookOver(r);
    const bool inTime = r.rtoMs && *r.rtoMs <= limitMs;
    return {text, changed && inTime,
            QStringLiteral("%1; RTO %2, limit %3")
                    .arg(r.leaderHistory.isEmpty() ? leaderText(r) : QStringLiteral("leader key ") + r.leaderHistoryText(),
                         formatSeconds(r.rtoMs), formatSeconds(limitMs))};
}

Expectation noLeaderChange(const ChaosReport &r)
{
    const ChaosReport::Phase *other = r.phase(QStringLiteral("new_leader_key"));
    const bool keyMoved = other && other->atMs;
    return {QStringLiteral("no leader change"), r.newLeader == r.oldLeader && !keyMoved,
            leaderText(r) + (keyMoved ? QStringLiteral("; the leader key moved at %1").arg(formatSeconds(other->atMs)) : QString())};
}

Expectation writesGoOn(const ChaosReport &r, const QString &text)
{
    const qint64 gap = r.writeGapMs.value_or(-1);
    return {text, r.writeGapMs && gap <= kWritesGoOnGapMs && r.writes.acknowledged > 0,
            QStringLiteral("longest write gap after the fault %1 (limit %2)").arg(formatSeconds(r.writeGapMs), formatSeconds(kWritesGoOnGapMs))};
}

Expectation rejoined(const ChaosReport &r)
{
    return {QStringLiteral("%1 streams again as a replica").arg(r.rejoin.member), r.rejoin.state == u"streaming",
            r.rejoin.state == u"streaming" ? QStringLiteral("streaming %1 after the undo").arg(formatSeconds(r.rejoin.ms))
                                           : QStringLiteral("rejoin: %1%2").arg(r.rejoin.state,
                                                 r.rejoin.note.isEmpty() ? QString() : QStringLiteral(" — ") + r.rejoin.note)};
}

// One failover, not two: the old primary must not take the leader key back once another member held it.
Expectation oneLeaderChange(const ChaosReport &r)
{
    bool otherHeld = false;
    bool tookBack = false;
    for (const auto &c : r.leaderHistory) {
        if (!c.holder.isEmpty() && c.holder != r.oldLeader)
            otherHeld = true;
        else if (otherHeld && c.holder == r.oldLeader)
            tookBack = true;
    }
    return {QStringLiteral("the old primary does not take the leader role back"), !tookBack,
            QStringLiteral("leader key: %1").arg(r.leaderHistoryText())};
}

Expectation noLoss(const ChaosReport &r)
{
    return {QStringLiteral("no acknowledged write lost (synchronous_mode on)"), r.rpo.checked && r.rpo.missing == 0,
            r.rpo.checked ? QStringLiteral("%1 of %2 acknowledged writes missing on %3").arg(r.rpo.missing).arg(r.rpo.acknowledged).arg(r.rpo.checkedOn)
                          : QStringLiteral("not checked: %1").arg(r.rpo.note)};
}

Expectation outageThenResume(const ChaosReport &r, const QString &what)
{
    const ChaosReport::Phase *failed = r.phase(QStringLiteral("first_failed_write"));
    const bool sawFailure = failed && failed->atMs && (!r.undoAtMs || *failed->atMs <= *r.undoAtMs);
    const ChaosReport::Phase *first = r.phase(QStringLiteral("first_write"));
    const bool resumed = first && first->atMs && r.undoAtMs && *first->atMs - *r.undoAtMs <= kResumeAfterUndoMs;
    return {QStringLiteral("writes fail while %1 is down and resume within %2 of the restart").arg(what, formatSeconds(kResumeAfterUndoMs)),
            sawFailure && resumed,
            QStringLiteral("first failed write %1, undo %2, first write after %3")
                    .arg(failed ? formatSeconds(failed->atMs) : QStringLiteral("—"), formatSeconds(r.undoAtMs),
                         first ? formatSeconds(first->atMs) : QStringLiteral("—"))};
}
} // namespace

QList<Expectation> judgeRun(FaultKind kind, const ChaosReport &r)
{
    QList<Expectation> out;
    const FaultInfo &info = faultInfo(kind);
    if (info.expectsFailover && r.paused) {
        const ChaosReport::Phase *p = r.phase(QStringLiteral("new_primary_200"));
        const bool promoted = p && p->atMs;
        out.append({QStringLiteral("no failover while paused"), !promoted && (r.newLeader.isEmpty() || r.newLeader == r.oldLeader),
                    leaderText(r) + (promoted ? QStringLiteral("; another member answered /primary at %1").arg(formatSeconds(p->atMs))
                                              : QStringLiteral("; no other member answered /primary"))});
        return out;
    }
    switch (kind) {
    case FaultKind::CrashPrimary:
    case FaultKind::FreezePrimary:
    case FaultKind::StallThenCrash:
    case FaultKind::PartitionPrimary:
    case FaultKind::ExternalPrimary:   // judged as a crash: the worst a command can do
        out.append(newLeaderWithin(r, r.budgetMs.value_or(0),
                                   QStringLiteral("a new leader takes writes within ttl + loop_wait + HAProxy detection")));
        out.append(oneLeaderChange(r));
        out.append(rejoined(r));
        if (r.synchronousMode)
            out.append(noLoss(r));
        break;
    case FaultKind::StopPrimary:
        out.append(newLeaderWithin(r, r.ttl * 1000LL,
                                   QStringLiteral("a new leader takes writes before the ttl runs out (the key is released, not expired)")));
        out.append(oneLeaderChange(r));
        out.append(rejoined(r));
        if (r.synchronousMode)
            out.append(noLoss(r));
        break;
    case FaultKind::CrashReplica:
    case FaultKind::FreezeReplica:
    case FaultKind::ExternalReplica:
        out.append(noLeaderChange(r));
        out.append(writesGoOn(r, QStringLiteral("writes go on")));
        out.append(rejoined(r));
        break;
    case FaultKind::CrashEtcdMember:
        out.append(noLeaderChange(r));
        out.append(writesGoOn(r, QStringLiteral("writes go on while two etcd members keep the quorum")));
        break;
    case FaultKind::LoseEtcdQuorum: {
        const ChaosReport::Phase *failed = r.phase(QStringLiteral("first_failed_write"));
        const bool stopped = failed && failed->atMs && r.budgetMs && *failed->atMs <= *r.budgetMs;
        out.append({QStringLiteral("the primary stops taking writes within ttl + loop_wait (failsafe_mode off: Patroni demotes it)"),
                    stopped,
                    QStringLiteral("first failed write %1, limit %2").arg(failed ? formatSeconds(failed->atMs) : QStringLiteral("never"),
                                                                          formatSeconds(r.budgetMs))});
        const ChaosReport::Phase *first = r.phase(QStringLiteral("first_write"));
        out.append({QStringLiteral("writes resume after the quorum is back"), first && first->atMs.has_value(),
                    QStringLiteral("first write after the outage %1").arg(first ? formatSeconds(first->atMs) : QStringLiteral("—"))});
        break;
    }
    case FaultKind::LoseEtcdQuorumFailsafe:
        out.append(writesGoOn(r, QStringLiteral("the primary keeps serving writes while etcd has no quorum (failsafe_mode on)")));
        out.append(noLeaderChange(r));
        break;
    case FaultKind::CrashHaproxy:
        out.append(outageThenResume(r, QStringLiteral("HAProxy")));
        out.append(noLeaderChange(r));
        break;
    case FaultKind::CrashPgbouncer:
        out.append(outageThenResume(r, QStringLiteral("the primary's PgBouncer")));
        out.append(noLeaderChange(r));
        break;
    }
    if (r.load) {
        // The clients work again: commits after the outage. How fast throughput returns to its
        // pre-fault level is a figure, not a verdict (a 2-core machine rejoining a member
        // beside the load may take longer than the tail).
        const ChaosLoadReport &l = *r.load;
        const qint64 after = l.gapStartMs && l.gapMs ? *l.gapStartMs + *l.gapMs : 0;
        qint64 committedAfter = 0;
        for (const auto &s : l.seconds)
            if (s.atMs + 1000 > after && s.atMs >= 0)
                committedAfter += s.committed;
        const QString recovery = l.throughputRecoveryMs
                ? QStringLiteral("throughput within 10 % of %1 tps at %2").arg(l.preFaultTps.value_or(0), 0, 'f', 0)
                          .arg(formatSeconds(l.throughputRecoveryMs))
                : QStringLiteral("throughput not back within 10 % of %1 tps before pgbench stopped").arg(l.preFaultTps.value_or(0), 0, 'f', 0);
        out.append({QStringLiteral("the load commits again after the outage"), committedAfter > 0 && l.error.isEmpty(),
                    QStringLiteral("%1 committed after the gap; %2%3")
                            .arg(committedAfter)
                            .arg(recovery, l.error.isEmpty() ? QString() : QStringLiteral("; ") + l.error)});
    }
    if (!r.reinitialised.isEmpty())
        out.append({QStringLiteral("every member streams again without a reinit"), false,
                    QStringLiteral("reinitialised by the console: %1").arg(r.reinitialised.join(QStringLiteral(", ")))});
    return out;
}

} // namespace pgha::svc
