#include "clusterevent.h"

#include "memberformat.h"
#include "core/utctime.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

#include <algorithm>
#include <tuple>

namespace pgha::models {

using Severity = ClusterEvent::Severity;

QString ClusterEvent::severityName(Severity s)
{
    switch (s) {
    case Severity::Info: return QStringLiteral("info");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Error: return QStringLiteral("error");
    }
    return {};
}

QJsonObject ClusterEvent::toJson() const
{
    return {{QStringLiteral("at"), svc::utcFromMs(atMs).toString(Qt::ISODateWithMs)},
            {QStringLiteral("atMs"), atMs},
            {QStringLiteral("source"), source},
            {QStringLiteral("severity"), severityName(severity)},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("subject"), subject},
            {QStringLiteral("text"), text}};
}

namespace {
ClusterEvent make(qint64 at, const QString &source, Severity s, const QString &kind, const QString &subject,
                  const QString &text)
{
    return {at, source, s, kind, subject, text};
}

const svc::PatroniMember *member(const svc::ClusterSnapshot &s, const QString &name)
{
    for (const auto &m : s.members)
        if (m.name == name)
            return &m;
    return nullptr;
}
// The cluster's timeline: the leader's, or the highest a member reports while there is none.
std::optional<qint64> clusterTimeline(const svc::ClusterSnapshot &s)
{
    if (const auto *l = s.leader(); l && l->timeline)
        return l->timeline;
    std::optional<qint64> best;
    for (const auto &m : s.members)
        if (m.timeline && (!best || *m.timeline > *best))
            best = m.timeline;
    return best;
}
} // namespace

QList<ClusterEvent> diffCluster(const svc::ClusterSnapshot &before, const svc::ClusterSnapshot &after,
                                qint64 lagThresholdBytes)
{
    QList<ClusterEvent> out;
    if (before.members.isEmpty())
        return out;
    const qint64 at = after.fetchedAtMs;
    const QString src = QStringLiteral("patroni");
    const auto *oldLeader = before.leader();
    const auto *newLeader = after.leader();
    const QString was = oldLeader ? oldLeader->name : QString();
    const QString now = newLeader ? newLeader->name : QString();
    if (was != now) {
        if (now.isEmpty())
            out.append(make(at, src, Severity::Error, QStringLiteral("leader-changed"), was,
                            QStringLiteral("no leader (was %1)").arg(was)));
        else
            out.append(make(at, src, Severity::Warning, QStringLiteral("leader-changed"), now,
                            was.isEmpty() ? QStringLiteral("%1 is the leader").arg(now)
                                          : QStringLiteral("leader changed: %1 → %2").arg(was, now)));
    }
    // Compared across snapshots without a leader too (a switchover passes through one).
    const auto oldTimeline = clusterTimeline(before);
    const auto newTimeline = clusterTimeline(after);
    if (oldTimeline && newTimeline && *newTimeline > *oldTimeline)
        out.append(make(at, src, Severity::Warning, QStringLiteral("timeline-changed"), now,
                        now.isEmpty() ? QStringLiteral("timeline %1 → %2").arg(*oldTimeline).arg(*newTimeline)
                                      : QStringLiteral("timeline %1 → %2 on %3").arg(*oldTimeline).arg(*newTimeline).arg(now)));
    for (const auto &m : after.members) {
        const auto *old = member(before, m.name);
        if (!old) {
            out.append(make(at, src, Severity::Info, QStringLiteral("member-joined"), m.name,
                            QStringLiteral("%1 joined as %2 (%3)").arg(m.name, roleText(m), m.state)));
            continue;
        }
        if (old->state != m.state)
            out.append(make(at, src, m.isRunning() ? Severity::Info : Severity::Warning,
                            QStringLiteral("member-state"), m.name,
                            QStringLiteral("%1: %2 → %3").arg(m.name, old->state, m.state)));
        const bool wasHigh = old->lag.kind == svc::MemberLag::Kind::Bytes && old->lag.bytes > lagThresholdBytes;
        const bool isHigh = m.lag.kind == svc::MemberLag::Kind::Bytes && m.lag.bytes > lagThresholdBytes;
        if (isHigh && !wasHigh)
            out.append(make(at, src, Severity::Warning, QStringLiteral("lag-high"), m.name,
                            QStringLiteral("%1 lags %2 (over %3)").arg(m.name, bytesText(m.lag.bytes), bytesText(lagThresholdBytes))));
        else if (wasHigh && !isHigh && m.lag.kind == svc::MemberLag::Kind::Bytes)
            out.append(make(at, src, Severity::Info, QStringLiteral("lag-ok"), m.name,
                            QStringLiteral("%1 caught up (lag %2)").arg(m.name, bytesText(m.lag.bytes))));
    }
    for (const auto &m : before.members)
        if (!member(after, m.name))
            out.append(make(at, src, Severity::Warning, QStringLiteral("member-left"), m.name,
                            QStringLiteral("%1 left the cluster (was %2, %3)").arg(m.name, roleText(m), m.state)));
    return out;
}

QList<ClusterEvent> diffHaproxy(const svc::HaproxyStats &before, const svc::HaproxyStats &after, qint64 atMs)
{
    QList<ClusterEvent> out;
    for (const auto &r : after.rows) {
        if (r.kind != svc::HaproxyRow::Kind::Server)
            continue;
        const auto *old = before.find(r.proxy, r.name);
        if (!old || old->isUp() == r.isUp())
            continue;
        const QString subject = r.proxy + QLatin1Char('/') + r.name;
        const QString check = r.checkStatus.isEmpty() ? QString()
                : QStringLiteral(" (check %1%2)").arg(r.checkStatus, r.checkCode ? QStringLiteral(" %1").arg(r.checkCode) : QString());
        out.append(make(atMs, QStringLiteral("haproxy"), r.isUp() ? Severity::Info : Severity::Warning,
                        r.isUp() ? QStringLiteral("server-up") : QStringLiteral("server-down"), subject,
                        QStringLiteral("%1 %2%3").arg(subject, r.isUp() ? QStringLiteral("UP") : QStringLiteral("DOWN"), check)));
    }
    return out;
}

QList<ClusterEvent> diffEtcd(const svc::EtcdSnapshot &before, const svc::EtcdSnapshot &after)
{
    QList<ClusterEvent> out;
    if (before.leaderName != after.leaderName && !before.statusByEndpoint.isEmpty())
        out.append(make(after.fetchedAtMs, QStringLiteral("etcd"), Severity::Warning, QStringLiteral("etcd-leader-changed"),
                        after.leaderName,
                        after.leaderName.isEmpty() ? QStringLiteral("etcd has no leader (was %1)").arg(before.leaderName)
                                                   : QStringLiteral("etcd leader: %1 → %2")
                                                             .arg(before.leaderName.isEmpty() ? QStringLiteral("none") : before.leaderName,
                                                                  after.leaderName)));
    // Where Patroni's keys are is said once when it is the v2 keyspace (worth knowing: etcd 3.6
    // has none), and whenever it moves between keyspaces; finding them in v3 is the usual case.
    if (!after.keyspace.isEmpty() && after.keyspace != before.keyspace
        && (after.keyspace == u"v2" || !before.keyspace.isEmpty()))
        out.append(make(after.fetchedAtMs, QStringLiteral("etcd"), Severity::Info, QStringLiteral("etcd-keyspace"), after.keyspace,
                        before.keyspace.isEmpty()
                                ? QStringLiteral("Patroni's keys are in etcd's %1 keyspace. %2").arg(after.keyspace, after.keyspaceNote)
                                : QStringLiteral("Patroni's keys moved from etcd's %1 keyspace to the %2 one")
                                          .arg(before.keyspace, after.keyspace)));
    return out;
}

QList<ClusterEvent> diffDcsScope(const svc::PatroniDcsScope *before, const svc::PatroniDcsScope *after, qint64 atMs,
                                 const QString &via)
{
    QList<ClusterEvent> out;
    if (!before || !after)
        return out;
    const QString src = QStringLiteral("etcd");
    const QString how = via.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(via);
    if (before->leader != after->leader) {
        if (after->leader.isEmpty())
            out.append(make(atMs, src, Severity::Error, QStringLiteral("leader-key"), before->leader,
                            QStringLiteral("leader key of %1 gone from the DCS: the scope has no leader%2").arg(before->leader, how)));
        else if (before->leader.isEmpty())
            out.append(make(atMs, src, Severity::Warning, QStringLiteral("leader-key"), after->leader,
                            QStringLiteral("%1 took the leader key%2").arg(after->leader, how)));
        else
            out.append(make(atMs, src, Severity::Warning, QStringLiteral("leader-key"), after->leader,
                            QStringLiteral("leader key passed from %1 to %2%3").arg(before->leader, after->leader, how)));
    }
    const auto request = [](const QJsonObject &f) {
        const QString leader = f.value(u"leader").toString();
        const QString candidate = f.value(u"member").toString(f.value(u"candidate").toString());
        const QString at = f.value(u"scheduled_at").toString();
        return QStringLiteral("%1%2%3").arg(leader.isEmpty() ? QStringLiteral("failover") : QStringLiteral("switchover from ") + leader,
                                            candidate.isEmpty() ? QString() : QStringLiteral(" to ") + candidate,
                                            at.isEmpty() ? QString() : QStringLiteral(" at ") + at);
    };
    if (before->failover != after->failover) {
        if (!after->failover.isEmpty())
            out.append(make(atMs, src, Severity::Warning, QStringLiteral("dcs-failover"), after->failover.value(u"member").toString(),
                            QStringLiteral("%1 requested in the DCS%2").arg(request(after->failover), how)));
        else
            out.append(make(atMs, src, Severity::Info, QStringLiteral("dcs-failover"), before->failover.value(u"member").toString(),
                            QStringLiteral("the %1 request left the DCS%2").arg(request(before->failover), how)));
    }
    const QString syncBefore = before->sync.value(u"sync_standby").toString();
    const QString syncAfter = after->sync.value(u"sync_standby").toString();
    if (syncBefore != syncAfter)
        out.append(make(atMs, src, Severity::Info, QStringLiteral("dcs-sync"), syncAfter,
                        QStringLiteral("synchronous standby in the DCS: %1 → %2%3")
                                .arg(syncBefore.isEmpty() ? QStringLiteral("none") : syncBefore,
                                     syncAfter.isEmpty() ? QStringLiteral("none") : syncAfter, how)));
    if (before->failsafe.isEmpty() != after->failsafe.isEmpty())
        out.append(make(atMs, src, Severity::Info, QStringLiteral("dcs-failsafe"), QString(),
                        after->failsafe.isEmpty() ? QStringLiteral("the failsafe key left the DCS%1").arg(how)
                                                  : QStringLiteral("failsafe key written: %1 may keep the primary without the DCS%2")
                                                            .arg(after->failsafe.keys().join(QStringLiteral(", ")), how)));
    for (auto it = after->members.cbegin(); it != after->members.cend(); ++it)
        if (!before->members.contains(it.key()))
            out.append(make(atMs, src, Severity::Info, QStringLiteral("dcs-member"), it.key(),
                            QStringLiteral("member key of %1 written%2").arg(it.key(), how)));
    for (auto it = before->members.cbegin(); it != before->members.cend(); ++it)
        if (!after->members.contains(it.key()))
            out.append(make(atMs, src, Severity::Warning, QStringLiteral("dcs-member"), it.key(),
                            QStringLiteral("member key of %1 gone from the DCS (its lease expired, or it left)%2").arg(it.key(), how)));
    return out;
}

QList<ClusterEvent> diffHealth(const svc::SourceHealth &before, const svc::SourceHealth &after, qint64 atMs)
{
    if (!after.everPolled || (before.everPolled && before.reachable == after.reachable))
        return {};
    if (!after.reachable)
        return {make(atMs, after.id, Severity::Error, QStringLiteral("source-unreachable"), after.label,
                     QStringLiteral("%1 unreachable: %2").arg(after.label, after.lastError))};
    if (before.everPolled)
        return {make(atMs, after.id, Severity::Info, QStringLiteral("source-recovered"), after.label,
                     QStringLiteral("%1 reachable again").arg(after.label))};
    return {};
}

namespace {
// Flattens a JSON object into "a.b.c" → value text, so nested parameters diff key by key.
void flatten(const QJsonObject &o, const QString &prefix, QMap<QString, QString> &out)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            flatten(it.value().toObject(), key, out);
        else
            out.insert(key, QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact)).mid(1).chopped(1));
    }
}
} // namespace

QList<ClusterEvent> diffConfig(const svc::PatroniDynamicConfig &before, const svc::PatroniDynamicConfig &after, qint64 atMs)
{
    if (before.raw.isEmpty() || before.raw == after.raw)
        return {};
    QMap<QString, QString> a, b;
    flatten(before.raw, {}, a);
    flatten(after.raw, {}, b);
    QStringList changes;
    for (auto it = b.cbegin(); it != b.cend(); ++it)
        if (a.value(it.key()) != it.value())
            changes.append(QStringLiteral("%1 %2 → %3").arg(it.key(), a.contains(it.key()) ? a.value(it.key()) : QStringLiteral("(unset)"),
                                                           it.value()));
    for (auto it = a.cbegin(); it != a.cend(); ++it)
        if (!b.contains(it.key()))
            changes.append(QStringLiteral("%1 %2 → (unset)").arg(it.key(), it.value()));
    return {make(atMs, QStringLiteral("patroni"), Severity::Warning, QStringLiteral("config-changed"), QString(),
                 QObject::tr("dynamic configuration changed: %1").arg(changes.join(QStringLiteral(", "))))};
}

QList<ClusterEvent> diffRoleChecks(const QList<svc::PatroniNodeReport> &before, const QList<svc::PatroniNodeReport> &after)
{
    QList<ClusterEvent> out;
    for (const auto &n : after) {
        const auto old = std::find_if(before.cbegin(), before.cend(), [&n](const auto &b) { return b.name == n.name; });
        if (old == before.cend())
            continue;
        for (const auto &[path, was, now] : {std::tuple{"/primary", old->primaryCode, n.primaryCode},
                                             std::tuple{"/replica", old->replicaCode, n.replicaCode}}) {
            if (was == now || was == 0 || now == 0)
                continue;   // 0 = no answer: the source-unreachable event covers it
            const QString who = n.member.isEmpty() ? n.name : n.member;
            out.append(make(n.fetchedAtMs, QStringLiteral("patroni"), Severity::Info, QStringLiteral("role-check"), who,
                            QObject::tr("%1 %2 now answers %3 (was %4)").arg(who, QLatin1String(path)).arg(now).arg(was)));
        }
    }
    return out;
}

QList<ClusterEvent> diffPgpool(const svc::PgpoolObservation &before, const svc::PgpoolObservation &after)
{
    QList<ClusterEvent> out;
    for (const auto &n : after.nodes)
        for (const auto &b : before.nodes) {
            if (b.id != n.id)
                continue;
            if (b.status != n.status)
                out.append(make(after.fetchedAtMs, QStringLiteral("pgpool"), n.status == u"up" ? Severity::Info : Severity::Warning,
                                n.status == u"up" ? QStringLiteral("server-up") : QStringLiteral("server-down"),
                                QStringLiteral("%1/%2").arg(after.name, n.hostPort()),
                                QObject::tr("%1: backend %2 (%3) %4 → %5").arg(after.name).arg(n.id).arg(n.hostPort(), b.status, n.status)));
            if (b.role != n.role)
                out.append(make(after.fetchedAtMs, QStringLiteral("pgpool"), Severity::Info, QStringLiteral("pgpool-role"),
                                QStringLiteral("%1/%2").arg(after.name, n.hostPort()),
                                QObject::tr("%1: backend %2 (%3) is now %4 (was %5)").arg(after.name).arg(n.id).arg(n.hostPort(), n.role, b.role)));
        }
    return out;
}

} // namespace pgha::models
