#include "clusterlayout.h"

#include <QObject>

namespace pgha::models {

namespace {
constexpr int kPostgresPort = 5432;
constexpr int kPgBouncerPort = 6432;

// Where one PgBouncer sends, as members: every host of every pooled database (SHOW DATABASES
// gives a list as "a,b,c") and every server connection it holds (SHOW SERVERS).
void poolerTargets(ClusterLayout::Pooler &p, const svc::PgBouncerObservation &o, const MemberMap &members)
{
    QStringList hostPorts;
    for (const auto &d : o.databases)
        for (const QString &host : d.host.split(u',', Qt::SkipEmptyParts))
            hostPorts.append(svc::HostPort{host.trimmed(), d.port > 0 ? d.port : kPostgresPort}.text());
    for (const auto &s : o.servers)
        if (!s.address.isEmpty())
            hostPorts.append(svc::HostPort{s.address, s.port > 0 ? s.port : kPostgresPort}.text());
    hostPorts.removeDuplicates();
    for (const QString &hp : std::as_const(hostPorts)) {
        if (const auto m = members.memberAt(hp))
            p.targets.append(*m);
        else
            p.unmapped.append(MemberMap::unmappedText(hp));
    }
    p.targets.removeDuplicates();
    p.targets.sort();
}

// What the sources resolve that this machine may not (a member listed by a name only Docker's
// or the cluster's own DNS knows): a PgBouncer database pointing at one host name whose server
// connections are at an address says that name is that address.
MemberMap::Aliases learnedAliases(const ClusterLayout::Inputs &in)
{
    MemberMap::Aliases aliases = in.aliases;
    for (const auto &obs : in.bouncerObservations)
        for (const auto &db : obs.databases) {
            const QString host = db.host.trimmed();
            if (host.isEmpty() || host.contains(QLatin1Char(',')) || host.startsWith(QLatin1Char('/')))
                continue;   // several hosts (which is which?) or a socket directory
            const QString name = svc::canonicalHost(host);
            for (const auto &s : obs.servers) {
                const int port = db.port > 0 ? db.port : kPostgresPort;
                if (s.database != db.name || s.address.isEmpty() || (s.port > 0 && s.port != port))
                    continue;
                const QString address = svc::canonicalHost(s.address);
                if (address != name && !aliases.value(name).contains(address))
                    aliases[name].append(address);
            }
        }
    return aliases;
}

// The one observed PgBouncer whose own address is `host` (where its admin clients reached it,
// or where its server connections leave from); "" when none, several, or the host is this
// machine's loopback (shared by all).
QString poolerWithLocalAddress(const ClusterLayout::Inputs &in, const QString &host)
{
    const QString wanted = svc::canonicalHost(host);
    if (wanted.isEmpty() || wanted == u"localhost" || wanted.startsWith(u"127."))
        return {};
    QString found;
    for (auto it = in.bouncerObservations.cbegin(); it != in.bouncerObservations.cend(); ++it) {
        QStringList own = it.value().ownAddresses;
        for (const auto &s : it.value().servers)
            own.append(s.localAddress);
        for (const auto &address : std::as_const(own))
            if (!address.isEmpty() && svc::canonicalHost(address) == wanted) {
                if (!found.isEmpty() && found != it.key())
                    return {};
                found = it.key();
            }
    }
    return found;
}

void derivePoolers(ClusterLayout &out, const ClusterLayout::Inputs &in)
{
    QStringList names;
    for (const auto &e : in.pgbouncers)
        names.append(e.name);
    for (auto it = in.bouncerObservations.cbegin(); it != in.bouncerObservations.cend(); ++it)
        if (!names.contains(it.key()))
            names.append(it.key());
    const svc::PatroniMember *leader = in.cluster.leader();
    for (const QString &name : std::as_const(names)) {
        ClusterLayout::Pooler p;
        p.name = name;
        for (const auto &e : in.pgbouncers)
            if (e.name == name)
                p.address = svc::hostPortOf(e.url, kPgBouncerPort).text();
        const auto obs = in.bouncerObservations.constFind(name);
        p.observed = obs != in.bouncerObservations.cend();
        if (p.observed)
            poolerTargets(p, *obs, out.members);
        // Beside the member on its own host; on a host shared by every member (one machine, as
        // our lab), beside the one member it sends to.
        const svc::HostPort at = svc::parseHostPort(p.address);
        if (const auto m = at.host.isEmpty() ? std::nullopt : out.members.memberOnHost(at.host))
            p.beside = *m;
        else if (p.targets.size() == 1)
            p.beside = p.targets.front();
        for (auto it = out.serverPoolers.cbegin(); it != out.serverPoolers.cend(); ++it)
            p.inClientPath |= it.value() == name;
        if (leader && p.targets.contains(leader->name) && p.targets.size() > 1) {
            p.spreadsOverRoles = true;
            QStringList replicas = p.targets;
            replicas.removeAll(leader->name);
            p.warning = QObject::tr("%1 sends writes to replicas: it spreads its server connections over the leader %2 and %3 "
                                    "(SHOW DATABASES/SHOW SERVERS), so a write through it can land on a read-only node — point "
                                    "its [databases] entry at one host, or at the read-write entry point")
                                .arg(name, leader->name, replicas.join(QStringLiteral(", ")));
        }
        out.poolers.append(p);
    }
}
} // namespace

const ClusterLayout::Pooler *ClusterLayout::pooler(const QString &name) const
{
    for (const auto &p : poolers)
        if (p.name == name)
            return &p;
    return nullptr;
}

QStringList ClusterLayout::notes() const
{
    QStringList out = haproxy.notes;
    for (const auto &p : poolers) {
        if (!p.warning.isEmpty())
            out.append(p.warning);
        if (!p.unmapped.isEmpty())
            out.append(QObject::tr("%1 sends to addresses no member of /cluster reports: %2")
                               .arg(p.name, p.unmapped.join(QStringLiteral(", "))));
    }
    return out;
}

ClusterLayout ClusterLayout::derive(const Inputs &in, const ClusterLayout &previous)
{
    ClusterLayout out;
    out.members = MemberMap(in.cluster, learnedAliases(in));
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
            // The server is that PgBouncer, which says where it sends.
            auto throughPooler = [&](const QString &pooler) {
                out.serverPoolers.insert(serverKey(r), pooler);
                const QString target = in.bouncerObservations.value(pooler).target();
                if (!target.isEmpty())
                    member = out.members.memberAt(target);
            };
            // Not PostgreSQL itself: perhaps one of the profile's PgBouncers.
            for (const auto &b : in.pgbouncers)
                if (!member && svc::sameHostPort(svc::hostPortOf(b.url, kPgBouncerPort), addr))
                    throughPooler(b.name);
            // A PgBouncer HAProxy reaches at another address than the profile's (a container's
            // own address behind a published port): the one that says it is at that address.
            if (!member && !out.serverPoolers.contains(serverKey(r)))
                if (const QString pooler = poolerWithLocalAddress(in, addr.host); !pooler.isEmpty())
                    throughPooler(pooler);
        }
        if (!member)
            member = out.members.memberForServer(r.name, QString());
        if (member)
            out.serverMembers.insert(serverKey(r), *member);
    }
    derivePoolers(out, in);
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
