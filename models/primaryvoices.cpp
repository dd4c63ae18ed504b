#include "primaryvoices.h"

#include <QStringList>

namespace pgha::models {

namespace {
QString joinSorted(QStringList names)
{
    names.removeDuplicates();
    names.sort();
    return names.join(QStringLiteral(" + "));
}

// The member at host:port, by name; the host:port itself when no member is there.
QString memberAt(const svc::ClusterSnapshot &cluster, const QString &hostPort)
{
    for (const auto &m : cluster.members)
        if (QStringLiteral("%1:%2").arg(m.host).arg(m.port) == hostPort)
            return m.name;
    return hostPort;
}

QString authority(const QUrl &url, int defaultPort)
{
    return QStringLiteral("%1:%2").arg(url.host()).arg(url.port(defaultPort));
}
} // namespace

QString readWriteProxy(const svc::HaproxyStats &stats, const QString &configured)
{
    if (!configured.isEmpty())
        return configured;
    for (const auto &r : stats.rows)
        if (r.kind == svc::HaproxyRow::Kind::Server
            && (r.proxy.contains(u"write") || r.proxy.contains(u"primary") || r.proxy.contains(u"master") || r.proxy == u"rw"))
            return r.proxy;
    return {};
}

std::optional<QString> haproxyVoice(const svc::HaproxyStats &stats, const QString &proxy)
{
    if (proxy.isEmpty())
        return std::nullopt;
    const auto servers = stats.servers(proxy);
    if (servers.isEmpty())
        return std::nullopt;
    QStringList up;
    for (const auto &r : servers)
        if (r.isUp())
            up.append(r.name);
    return joinSorted(up);
}

std::optional<QString> patroniPrimaryVoice(const QList<svc::PatroniNodeReport> &nodes)
{
    QStringList primaries;
    bool anyAnswer = false;
    for (const auto &n : nodes) {
        if (n.primaryCode == 0)
            continue;
        anyAnswer = true;
        if (n.primaryCode == 200)
            primaries.append(n.name);
    }
    if (!anyAnswer)
        return std::nullopt;
    return joinSorted(primaries);
}

std::optional<QString> pgbouncerVoice(const svc::HaproxyStats &stats, const QString &proxy,
                                      const QList<svc::Profile::Endpoint> &bouncers,
                                      const QMap<QString, svc::PgBouncerObservation> &observations,
                                      const svc::ClusterSnapshot &cluster)
{
    // Without /cluster yet, a target cannot be named as a member: abstain rather than vote an
    // address (which would look like a disagreement at startup).
    if (proxy.isEmpty() || bouncers.isEmpty() || stats.servers(proxy).isEmpty() || cluster.members.isEmpty())
        return std::nullopt;
    QStringList targets;
    for (const auto &server : stats.servers(proxy)) {
        if (!server.isUp())
            continue;
        const svc::Profile::Endpoint *bouncer = nullptr;
        for (const auto &b : bouncers)
            if (authority(b.url, 6432) == server.address)
                bouncer = &b;
        if (!bouncer || !observations.contains(bouncer->name))
            return std::nullopt;   // not a PgBouncer we watch, or not read yet: cannot say
        const QString target = observations.value(bouncer->name).target();
        if (target.isEmpty())
            return std::nullopt;
        targets.append(memberAt(cluster, target));
    }
    return joinSorted(targets);
}

std::optional<QString> pgpoolVoice(const svc::PgpoolObservation &pgpool, const svc::ClusterSnapshot &cluster)
{
    if (pgpool.nodes.isEmpty() || cluster.members.isEmpty())
        return std::nullopt;
    QStringList names;
    for (const QString &target : pgpool.primaries())
        names.append(memberAt(cluster, target));
    return joinSorted(names);
}

} // namespace pgha::models
