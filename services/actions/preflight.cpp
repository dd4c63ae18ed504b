#include "preflight.h"

#include "actions/configpatch.h"
#include "actions/patronicalls.h"

#include <algorithm>

namespace pgha::svc {

namespace {

bool truthyTag(const QJsonValue &v)
{
    return v.isBool() ? v.toBool() : (v.isString() && (v.toString().compare(u"true", Qt::CaseInsensitive) == 0));
}

QString bytesText(qint64 b)
{
    if (b >= 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(double(b) / (1024.0 * 1024.0), 0, 'f', 1);
    if (b >= 1024)
        return QStringLiteral("%1 KiB").arg(double(b) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(b);
}

QString nameList(const QStringList &names)
{
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

} // namespace

ActionRequest completeRequest(ActionRequest r, const ClusterSnapshot &cluster)
{
    if (r.kind == ActionKind::Switchover && r.leader.isEmpty())
        if (const auto *l = cluster.leader())
            r.leader = l->name;
    return r;
}

QList<CandidateVerdict> judgeCandidates(const PreflightContext &ctx, bool forSwitchover)
{
    const auto &c = ctx.cluster;
    const auto *leader = c.leader();
    bool sync = ctx.config && ctx.config->synchronousMode;
    // Patroni 3 stores synchronous_mode "quorum" but does not know it (its members stay async):
    // quorum is in effect only where members report quorum_standby.
    if (sync && ctx.config->synchronousQuorum)
        sync = std::any_of(c.members.cbegin(), c.members.cend(), [](const PatroniMember &m) { return m.role == MemberRole::QuorumStandby; });
    // Patroni's default (1 MiB) where the DCS sets none; -1: the configuration was not read.
    const qint64 maxLag = ctx.config ? ctx.config->effectiveMaximumLagOnFailover() : -1;
    QList<CandidateVerdict> out;
    for (const auto &m : c.members) {
        if (leader && m.name == leader->name)
            continue;
        CandidateVerdict v{m.name, false, {}};
        if (!m.isRunning())
            v.reasons << QStringLiteral("state is \"%1\", not running or streaming").arg(m.state.isEmpty() ? QStringLiteral("unknown") : m.state);
        if (truthyTag(m.tags.value(u"nofailover")))
            v.reasons << QStringLiteral("tagged nofailover");
        if (m.apiUrl.isEmpty())
            v.reasons << QStringLiteral("has no REST API URL in the DCS");
        if (forSwitchover && sync && ctx.config->synchronousQuorum && m.role != MemberRole::QuorumStandby)
            v.reasons << QStringLiteral("synchronous_mode is quorum and it is not a quorum standby");
        else if (forSwitchover && sync && !ctx.config->synchronousQuorum && m.role != MemberRole::SyncStandby)
            v.reasons << QStringLiteral("synchronous_mode is on and it is not the sync standby");
        if (leader && leader->timeline && m.timeline && *m.timeline != *leader->timeline)
            v.reasons << QStringLiteral("on timeline %1, the leader is on %2").arg(*m.timeline).arg(*leader->timeline);
        if (m.lag.kind == MemberLag::Kind::Unknown)
            v.reasons << QStringLiteral("its lag is unknown (not streaming)");
        else if (maxLag >= 0 && m.lag.kind == MemberLag::Kind::Bytes && m.lag.bytes > maxLag)
            v.reasons << QStringLiteral("lag %1 is over maximum_lag_on_failover %2").arg(bytesText(m.lag.bytes), bytesText(maxLag));
        v.eligible = v.reasons.isEmpty();
        out.append(v);
    }
    return out;
}

Preflight runPreflight(const ActionRequest &r, const PreflightContext &ctx)
{
    Preflight p;
    const auto &c = ctx.cluster;
    const auto *leader = c.leader();
    const QString leaderName = leader ? leader->name : QString();
    p.confirmText = ctx.clusterName.isEmpty() ? (c.scope.isEmpty() ? QStringLiteral("cluster") : c.scope) : ctx.clusterName;

    if (!ctx.actionsEnabled)
        p.blockers << QStringLiteral("actions are off for this profile — enable them in the profile editor "
                                     "(actions_enabled: true) if this cluster may be changed from here");
    if (c.members.isEmpty())
        p.blockers << QStringLiteral("no member is known — the Patroni REST APIs did not answer; check the profile's patroni: URLs");

    auto requireMembers = [&]() {
        for (const auto &name : r.members)
            if (!c.member(name))
                p.blockers << QStringLiteral("\"%1\" is not a member of the cluster (members: %2)")
                                  .arg(name, [&] { QStringList n; for (const auto &m : c.members) n << m.name; return n.join(QStringLiteral(", ")); }());
    };
    auto eligibleNames = [&](const QList<CandidateVerdict> &vs) {
        QStringList n;
        for (const auto &v : vs)
            if (v.eligible)
                n << v.name;
        return n;
    };

    switch (r.kind) {
    case ActionKind::Switchover: {
        p.candidates = judgeCandidates(ctx, true);
        if (!leader) {
            p.blockers << QStringLiteral("the cluster has no leader — a switchover needs one; use failover with a candidate");
            break;
        }
        if (!r.leader.isEmpty() && r.leader != leaderName)
            p.blockers << QStringLiteral("\"%1\" is not the leader (%2 is) — Patroni would refuse: leader name does not match")
                              .arg(r.leader, leaderName);
        if (c.paused && r.isScheduled())
            p.blockers << QStringLiteral("the cluster is paused — Patroni cannot schedule a switchover in maintenance mode; resume first");
        if (c.paused && r.candidate.isEmpty())
            p.blockers << QStringLiteral("the cluster is paused — a switchover then needs a named candidate");
        if (c.scheduledSwitchover)
            p.warnings << QStringLiteral("a switchover is already scheduled at %1; this one replaces it").arg(c.scheduledSwitchover->at);
        if (r.isScheduled() && r.scheduledAt <= QDateTime::currentDateTimeUtc())
            p.blockers << QStringLiteral("the scheduled time %1 is in the past").arg(scheduleText(r.scheduledAt));
        const QStringList ok = eligibleNames(p.candidates);
        if (!r.candidate.isEmpty()) {
            bool found = false;
            for (const auto &v : p.candidates)
                if (v.name == r.candidate) {
                    found = true;
                    if (!v.eligible)
                        p.blockers << QStringLiteral("%1 cannot take over: %2 (eligible: %3)").arg(v.name, v.reasons.join(QStringLiteral("; ")), nameList(ok));
                }
            if (!found)
                p.blockers << (r.candidate == leaderName ? QStringLiteral("%1 is already the leader").arg(r.candidate)
                                                         : QStringLiteral("\"%1\" is not a member of the cluster").arg(r.candidate));
        } else if (ok.isEmpty() && !r.isScheduled()) {
            p.blockers << QStringLiteral("no member can take over — Patroni would answer 412 \"no good candidates have been found\"");
        }
        const QString next = r.candidate.isEmpty() ? QStringLiteral("the healthiest of %1").arg(nameList(ok)) : r.candidate;
        const qint64 tl = leader->timeline.value_or(0);
        p.expected = (r.isScheduled() ? QStringLiteral("At %1, ").arg(scheduleText(r.scheduledAt)) : QString())
                     + QStringLiteral("%1 hands the leader key to %2, which is promoted on timeline %3; %4 restarts as a replica "
                                      "and follows it. Writes through the read-write entry point pause for a few seconds; "
                                      "no acknowledged write is lost.")
                           .arg(leaderName, next).arg(tl + 1).arg(leaderName);
        break;
    }
    case ActionKind::Failover: {
        p.typedConfirmation = true;
        p.confirmReasons << QStringLiteral("a failover promotes a member without the leader's consent");
        p.candidates = judgeCandidates(ctx, false);
        if (r.candidate.isEmpty())
            p.blockers << QStringLiteral("a failover needs a candidate — name the member that should lead");
        if (leader && leader->isRunning())
            p.blockers << QStringLiteral("%1 is a healthy leader — a failover is for a cluster that has lost its leader; "
                                         "use a switchover, which hands over cleanly").arg(leaderName);
        for (const auto &v : p.candidates)
            if (v.name == r.candidate && !v.eligible)
                p.blockers << QStringLiteral("%1 cannot take over: %2").arg(v.name, v.reasons.join(QStringLiteral("; ")));
        if (!r.candidate.isEmpty() && !c.member(r.candidate))
            p.blockers << QStringLiteral("\"%1\" is not a member of the cluster").arg(r.candidate);
        p.expected = QStringLiteral("%1 is promoted and takes the leader key; the other members follow it.").arg(r.candidate);
        break;
    }
    case ActionKind::Restart: {
        requireMembers();
        if (c.paused && r.isScheduled())
            p.blockers << QStringLiteral("the cluster is paused — Patroni cannot schedule a restart in maintenance mode");
        QStringList targets = r.members;
        if (targets.isEmpty())
            for (const auto &m : c.members)
                targets << m.name;
        QStringList skipped;
        for (const auto &t : targets) {
            const auto *m = c.member(t);
            if (m && m->isLeader()) {
                p.typedConfirmation = true;
                p.confirmReasons << QStringLiteral("%1 is the leader: restarting it stops writes until it is back").arg(t);
            }
            if (m && r.pendingOnly && !m->pendingRestart)
                skipped << t;
        }
        if (!skipped.isEmpty())
            p.warnings << QStringLiteral("%1 has no pending restart and will not restart (--pending)").arg(skipped.join(QStringLiteral(", ")));
        if (r.pendingOnly && skipped.size() == targets.size())
            p.blockers << QStringLiteral("no target member has a pending restart — nothing would restart");
        p.expected = QStringLiteral("%1 restart%2 PostgreSQL%3; a restarted leader stays leader (writes pause while it restarts).")
                         .arg(targets.join(QStringLiteral(", ")), targets.size() == 1 ? QStringLiteral("s") : QString(),
                              r.isScheduled() ? QStringLiteral(" at ") + scheduleText(r.scheduledAt) : QString());
        break;
    }
    case ActionKind::Reinit: {
        p.typedConfirmation = true;
        p.confirmReasons << QStringLiteral("reinit wipes %1's data directory").arg(nameList(r.members));
        requireMembers();
        if (r.members.isEmpty())
            p.blockers << QStringLiteral("name the replica to reinitialize");
        if (!leader)
            p.blockers << QStringLiteral("the cluster has no leader — Patroni refuses to reinitialize without one to clone from");
        for (const auto &t : r.members)
            if (t == leaderName)
                p.blockers << QStringLiteral("%1 is the leader — Patroni refuses to reinitialize the leader; switch over first").arg(t);
        p.expected = QStringLiteral("%1's data directory is wiped and cloned again from %2 with pg_basebackup; it streams again afterwards.")
                         .arg(r.members.join(QStringLiteral(", ")), leaderName);
        break;
    }
    case ActionKind::Reload:
        requireMembers();
        p.expected = QStringLiteral("Patroni rereads its configuration and PostgreSQL reloads; members whose change needs a restart show pending_restart.");
        break;
    case ActionKind::Pause:
        if (c.paused)
            p.blockers << QStringLiteral("the cluster is already paused");
        p.expected = QStringLiteral("Maintenance mode: Patroni stops managing PostgreSQL — no automatic failover until resumed.");
        break;
    case ActionKind::Resume:
        if (!c.paused)
            p.blockers << QStringLiteral("the cluster is not paused");
        p.expected = QStringLiteral("Patroni manages PostgreSQL again; a missing leader is replaced automatically.");
        break;
    case ActionKind::CancelSwitchover:
        if (!c.scheduledSwitchover)
            p.blockers << QStringLiteral("no switchover is scheduled");
        p.expected = QStringLiteral("The scheduled switchover is removed; nothing else changes.");
        break;
    case ActionKind::CancelRestart: {
        requireMembers();
        bool any = false;
        for (const auto &m : c.members)
            if ((r.members.isEmpty() || r.members.contains(m.name)) && !m.scheduledRestart.isEmpty())
                any = true;
        if (!any)
            p.warnings << QStringLiteral("/cluster shows no scheduled restart on the targets");
        p.expected = QStringLiteral("Scheduled restarts are removed; nothing else changes.");
        break;
    }
    case ActionKind::ConfigPatch: {
        const QJsonObject current = ctx.config ? ctx.config->raw : QJsonObject{};
        if (!ctx.config)
            p.warnings << QStringLiteral("the current configuration is not known yet; the diff is against an empty one");
        const auto changes = diffConfig(current, r.configPatch);
        if (changes.isEmpty())
            p.blockers << QStringLiteral("the change leaves the configuration as it is");
        const auto check = checkConfig(applyMergePatch(current, r.configPatch));
        p.blockers << check.errors;
        p.warnings << check.warnings;
        QStringList lines;
        for (const auto &ch : changes)
            lines << QStringLiteral("%1: %2 → %3").arg(ch.key, describeValue(ch.before), describeValue(ch.after));
        p.expected = QStringLiteral("The DCS configuration changes (%1); every member applies it within loop_wait.").arg(lines.join(QStringLiteral("; ")));
        break;
    }
    }

    if (ctx.production && r.kind != ActionKind::Reload) {
        p.typedConfirmation = true;
        p.confirmReasons << QStringLiteral("the profile is production");
    }
    p.allowed = p.blockers.isEmpty();
    return p;
}

QStringList newRequirements(const Preflight &confirmed, const Preflight &fresh, const QList<PatroniCall> &confirmedCalls,
                            const QList<PatroniCall> &freshCalls)
{
    QStringList out;
    for (const auto &b : fresh.blockers)
        if (!confirmed.blockers.contains(b))
            out << QStringLiteral("refused now: %1").arg(b);
    if (fresh.typedConfirmation && !confirmed.typedConfirmation)
        out << QStringLiteral("the cluster name %1 must be typed now: %2")
                   .arg(fresh.confirmText, fresh.confirmReasons.join(QStringLiteral("; ")));
    else if (fresh.typedConfirmation && fresh.confirmText != confirmed.confirmText)
        out << QStringLiteral("the name to type is now %1, not %2").arg(fresh.confirmText, confirmed.confirmText);
    for (const auto &w : fresh.warnings)
        if (!confirmed.warnings.contains(w))
            out << QStringLiteral("new warning: %1").arg(w);
    auto same = [](const PatroniCall &a, const PatroniCall &b) {
        return a.member == b.member && a.verb == b.verb && a.url == b.url && a.body == b.body;
    };
    const bool callsSame = confirmedCalls.size() == freshCalls.size()
                           && std::equal(confirmedCalls.cbegin(), confirmedCalls.cend(), freshCalls.cbegin(), same);
    if (!callsSame) {
        QStringList now;
        for (const auto &c : freshCalls)
            now << QStringLiteral("%1 %2 %3").arg(QString::fromLatin1(c.verb), c.url.toString(QUrl::RemoveUserInfo), QString::fromUtf8(c.body)).trimmed();
        out << QStringLiteral("the request changed: now %1").arg(now.isEmpty() ? QStringLiteral("none") : now.join(QStringLiteral("; ")));
    }
    return out;
}

} // namespace pgha::svc
