#include "clusterlayout.h"

namespace pgha::models {

namespace {
constexpr int kPostgresPort = 5432;
constexpr int kPgBouncerPort = 6432;
} // namespace

ClusterLayout ClusterLayout::derive(const Inputs &in, const ClusterLayout &previous)
{
    ClusterLayout out;
    out.members = MemberMap(in.cluster, in.aliases);
    for (const auto &e : in.postgres)
        if (const auto m = out.members.memberAt(svc::hostPortOf(e.url, kPostgresPort)))
            out.postgresMembers.insert(e.name, *m);
        else if (in.cluster.member(e.name))
            out.postgresMembers.insert(e.name, e.name);   // named after the member it is
    for (const auto &r : in.haproxy.rows) {
        if (r.kind != svc::HaproxyRow::Kind::Server)
            continue;
        std::optional<QString> member;
        if (!r.address.isEmpty()) {
            const svc::HostPort addr = svc::parseHostPort(r.address);
            member = out.members.memberAt(addr);
            // Not PostgreSQL itself: perhaps one of the profile's PgBouncers, which says where it sends.
            for (const auto &b : in.pgbouncers)
                if (!member && svc::sameHostPort(svc::hostPortOf(b.url, kPgBouncerPort), addr)) {
                    out.serverPoolers.insert(serverKey(r), b.name);
                    const QString target = in.bouncerObservations.value(b.name).target();
                    if (!target.isEmpty())
                        member = out.members.memberAt(target);
                }
        }
        if (!member)
            member = out.members.memberForServer(r.name, QString());
        if (member)
            out.serverMembers.insert(serverKey(r), *member);
    }
    const svc::PatroniMember *leader = in.cluster.leader();
    QStringList replicas;
    for (const auto &m : in.cluster.members)
        if (!m.isLeader() && m.isRunning())
            replicas.append(m.name);
    out.haproxy = HaproxyRoles::find(
            in.haproxy, [&out](const svc::HaproxyRow &s) { return out.memberForServer(s); }, leader ? leader->name : QString(),
            replicas, in.readWriteProxy, in.readOnlyProxy, previous.haproxy);
    return out;
}

std::optional<QString> ClusterLayout::memberForServer(const svc::HaproxyRow &server) const
{
    const auto it = serverMembers.constFind(serverKey(server));
    if (it == serverMembers.cend())
        return std::nullopt;
    return *it;
}

QString ClusterLayout::postgresMemberOrUnmapped(const QString &endpointName, const QString &address) const
{
    const auto it = postgresMembers.constFind(endpointName);
    return it != postgresMembers.cend() ? *it : MemberMap::unmappedText(address);
}

} // namespace pgha::models
