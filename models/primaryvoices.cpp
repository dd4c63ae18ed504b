#include "primaryvoices.h"

#include <QStringList>

#include <algorithm>

namespace pgha::models {

namespace {
QString joinSorted(QStringList names)
{
    names.removeDuplicates();
    names.sort();
    return names.join(QStringLiteral(" + "));
}
} // namespace

std::optional<QString> haproxyVoice(const svc::HaproxyStats &stats, const ClusterLayout &layout)
{
    const QString proxy = layout.haproxy.readWrite.proxy;
    if (proxy.isEmpty())
        return std::nullopt;
    const auto servers = stats.servers(proxy);
    if (servers.isEmpty())
        return std::nullopt;
    QStringList up;
    for (const auto &r : servers) {
        if (!r.isUp())
            continue;
        const auto member = layout.memberForServer(r);
        if (!member)
            return std::nullopt;   // a server no member stands for: cannot say
        up.append(*member);
    }
    return joinSorted(up);
}

std::optional<QString> patroniPrimaryVoice(const QList<svc::PatroniNodeReport> &nodes, const svc::ClusterSnapshot &cluster)
{
    QStringList primaries;
    bool anyAnswer = false;
    for (const auto &n : nodes) {
        if (n.primaryCode == 0)
            continue;
        anyAnswer = true;
        if (n.primaryCode == 200) {
            if (n.member.isEmpty())
                return std::nullopt;   // an API /cluster does not list claims the primary
            primaries.append(n.member);
        }
    }
    if (!anyAnswer)
        return std::nullopt;
    if (primaries.isEmpty())
        for (const auto &m : cluster.members)
            if (m.isRunning() && std::none_of(nodes.cbegin(), nodes.cend(), [&m](const svc::PatroniNodeReport &n) {
                    return n.member == m.name && n.primaryCode != 0;
                }))
                return std::nullopt;   // a running member not asked (yet) may be the primary
    return joinSorted(primaries);
}

std::optional<QString> postgresVoice(const QMap<QString, svc::PgNodeObservation> &observations, const ClusterLayout &layout)
{
    if (observations.isEmpty() || layout.members.isEmpty())
        return std::nullopt;
    QStringList primaries;
    for (auto it = observations.cbegin(); it != observations.cend(); ++it) {
        if (it->inRecovery)
            continue;
        const auto member = layout.postgresMembers.constFind(it.key());
        if (member == layout.postgresMembers.cend())
            return std::nullopt;   // a primary at an address no member stands at
        primaries.append(*member);
    }
    return joinSorted(primaries);
}

std::optional<QString> pgbouncerVoice(const svc::HaproxyStats &stats, const ClusterLayout &layout,
                                      const QMap<QString, svc::PgBouncerObservation> &observations)
{
    // Without /cluster yet, a target cannot be named as a member: abstain rather than vote an
    // address (which would look like a disagreement at startup).
    const QString proxy = layout.haproxy.readWrite.proxy;
    if (proxy.isEmpty() || stats.servers(proxy).isEmpty() || layout.members.isEmpty())
        return std::nullopt;
    QStringList targets;
    for (const auto &server : stats.servers(proxy)) {
        if (!server.isUp())
            continue;
        const QString bouncer = layout.serverPoolers.value(ClusterLayout::serverKey(server));
        if (bouncer.isEmpty() || !observations.contains(bouncer))
            return std::nullopt;   // not a PgBouncer we watch, or not read yet: cannot say
        const ClusterLayout::Pooler *pooler = layout.pooler(bouncer);
        if (!pooler || pooler->targets.isEmpty() || !pooler->unmapped.isEmpty())
            return std::nullopt;   // forwards to no member /cluster lists: shown as unmapped
        targets += pooler->targets;   // several: it spreads writes, itself a disagreement
    }
    return joinSorted(targets);
}

std::optional<QString> pgpoolVoice(const svc::PgpoolObservation &pgpool, const MemberMap &members)
{
    if (pgpool.nodes.isEmpty() || members.isEmpty())
        return std::nullopt;
    QStringList names;
    for (const QString &target : pgpool.primaries()) {
        const auto member = members.memberAt(target);
        if (!member)
            return std::nullopt;
        names.append(*member);
    }
    return joinSorted(names);
}

} // namespace pgha::models
