#include "chaos/chaoscluster.h"

#include "core/hostport.h"
#include "haproxy/haproxystats.h"


namespace pgha::svc {

namespace {

// HAProxy's own defaults for `check` (inter 2 s, fall 3, rise 2): what a cluster whose HAProxy
// configuration the console cannot read is assumed to use, and said so in the budget.
constexpr HaproxyCheckSettings kHaproxyDefaultCheck{2000, 3, 2};

// Spellings of one address are one (core/hostport.h: localhost = 127.0.0.1 = ::1, brackets …).
bool sameAddress(const QString &hostA, int portA, const QString &hostB, int portB)
{
    return sameHostPort(HostPort{hostA, portA}, HostPort{hostB, portB});
}

} // namespace

QUrl urlBase(QUrl url)
{
    url.setPath(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    url.setUserInfo(QString());
    return url;
}

const ChaosCluster::Member *ChaosCluster::member(const QString &name) const
{
    for (const auto &m : members)
        if (m.name == name)
            return &m;
    return nullptr;
}

MemberApi ChaosCluster::api(const QString &name) const
{
    const Member *m = member(name);
    return m ? m->api : MemberApi{name, QUrl()};
}

PgEndpoint ChaosCluster::postgres(const QString &name) const
{
    const Member *m = member(name);
    if (m)
        return m->postgres;
    PgEndpoint none = readWrite;
    none.host = QStringLiteral("no-member-named-%1.invalid").arg(name);
    return none;
}

QString ChaosCluster::memberAt(const QString &host, int port) const
{
    for (const auto &m : members)
        if (sameAddress(m.postgres.host, m.postgres.port, host, port))
            return m.name;
    return {};
}

HealthTargets ChaosCluster::healthTargets() const
{
    HealthTargets t;
    for (const auto &m : members)
        t.members.append({m.name, m.api, builtInLab ? QString() : m.postgres.host, m.postgres.port});
    t.readWrite = readWrite;
    t.readOnly = readOnly;
    t.pgpool = pgpool;
    if (builtInLab && pgpool)
        for (auto &m : t.members)
            m.host = readWrite.host;
    return t;
}

ChaosCluster chaosClusterForLab(const LabState &state, const QString &labDir)
{
    const LabConfig &config = state.config;
    // The members and entry points as the lab's health check reaches them, under the chaos run's name.
    const HealthTargets lab = HealthTargets::forLab(config, state.secrets);
    ChaosCluster c;
    c.description = QStringLiteral("the lab in %1").arg(labDir);
    c.builtInLab = true;
    auto named = [](PgEndpoint e) {
        e.applicationName = QStringLiteral("pgha-chaos");
        return e;
    };
    for (const auto &m : lab.members) {
        PgEndpoint direct = named(lab.readWrite);
        direct.port = m.port;
        c.members.append({m.name, m.api, direct});
        c.haproxyServerMembers.insert(m.name, m.name);   // the lab's servers are named after its members
    }
    for (int i = 0; i < kLabMembers; ++i)
        c.etcd.append(config.url(config.ports.etcdClient[i], QString()));
    c.readWrite = named(lab.readWrite);
    c.readOnly = named(lab.readOnly);
    if (lab.pgpool)
        c.pgpool = named(*lab.pgpool);
    c.leaderKey = QStringLiteral("/service/%1/leader").arg(config.scope);
    c.haproxyStats = config.url(config.ports.haproxyStats, QStringLiteral("/stats;csv"));
    c.haproxyReadWriteProxy = QStringLiteral("read_write");
    c.haproxyCheck = kLabHaproxyCheck;
    c.haproxyCheckKnown = true;
    return c;
}

Result<ChaosCluster> chaosClusterForProfile(const Profile &profile, const ClusterSnapshot &cluster)
{
    if (profile.readWrite.host.isEmpty())
        return makeError(QStringLiteral("the profile %1 names no read-write entry point: the write probe has nowhere to write")
                                 .arg(profile.name),
                         QStringLiteral("add `read_write: postgresql://HOST:PORT` (HAProxy's write port, a Pgpool-II, or the "
                                        "primary) to the profile"));
    if (cluster.members.size() < 2)
        return makeError(QStringLiteral("Patroni's /cluster lists %1 member(s): a fault needs a cluster of two or more")
                                 .arg(cluster.members.size()));
    ChaosCluster c;
    c.description = QStringLiteral("%1 (profile %2)").arg(profile.scope.isEmpty() ? cluster.scope : profile.scope,
                                                          profile.sourceFile.isEmpty() ? profile.name : profile.sourceFile);
    const QString postgresPassword = profile.readWrite.password;
    c.readWrite = profile.readWrite;
    c.readWrite.applicationName = QStringLiteral("pgha-chaos");
    c.readOnly = profile.readOnly.host.isEmpty() ? c.readWrite : profile.readOnly;
    c.readOnly.password = postgresPassword;
    c.readOnly.applicationName = c.readWrite.applicationName;
    for (const auto &m : cluster.members) {
        ChaosCluster::Member member;
        member.name = m.name;
        // REST: the profile's entry for the member (by name or by address), else its api_url.
        QUrl api;
        for (const auto &e : profile.patroni)
            if (e.name == m.name)
                api = e.url;
        if (api.isEmpty() && !m.apiUrl.isEmpty())
            api = QUrl(m.apiUrl);
        if (api.isEmpty())
            return makeError(QStringLiteral("Patroni's /cluster gives no api_url for %1, and the profile names no REST API for it")
                                     .arg(m.name),
                             QStringLiteral("add it under `patroni:` in the profile with `name: %1`").arg(m.name));
        member.api = {m.name, urlBase(api)};
        // PostgreSQL: the profile's entry named so or at the same address, else /cluster's host:port.
        member.postgres = c.readWrite;
        member.postgres.host = m.host;
        member.postgres.port = m.port;
        for (const auto &e : profile.postgres) {
            const int port = e.url.port(5432);
            if (e.name == m.name || sameAddress(e.url.host(), port, m.host, m.port)) {
                member.postgres.host = e.url.host();
                member.postgres.port = port;
            }
        }
        if (member.postgres.host.isEmpty() || member.postgres.port <= 0)
            return makeError(QStringLiteral("Patroni's /cluster gives no PostgreSQL address for %1").arg(m.name),
                             QStringLiteral("list it under `postgres:` in the profile with `name: %1`").arg(m.name));
        c.members.append(member);
    }
    for (const auto &e : profile.etcd)
        c.etcd.append(urlBase(e.url));
    QString ns = profile.dcsNamespace.isEmpty() ? QStringLiteral("/service/") : profile.dcsNamespace;
    if (!ns.startsWith(u'/'))
        ns.prepend(u'/');
    if (!ns.endsWith(u'/'))
        ns.append(u'/');
    const QString scope = profile.scope.isEmpty() ? cluster.scope : profile.scope;
    if (!scope.isEmpty())
        c.leaderKey = ns + scope + QStringLiteral("/leader");
    else
        c.etcd.clear();   // no scope to watch: the leader key phases are left out, not guessed
    if (!profile.haproxyStats.isEmpty()) {
        QUrl stats = profile.haproxyStats;
        if (!stats.path().endsWith(u";csv"))
            stats.setPath(stats.path() + QStringLiteral(";csv"));
        c.haproxyStats = stats;
    }
    c.haproxyReadWriteProxy = profile.haproxyReadWriteProxy;
    c.haproxyCheck = kHaproxyDefaultCheck;
    c.haproxyCheckKnown = false;
    return c;
}

QHash<QString, QString> haproxyServerMembers(const QByteArray &csv, const ChaosCluster &cluster)
{
    QHash<QString, QString> out;
    const auto stats = parseHaproxyCsv(csv);
    if (!stats)
        return out;
    for (const auto &row : stats.value().rows) {
        if (row.kind != HaproxyRow::Kind::Server)
            continue;
        if (cluster.member(row.name)) {
            out.insert(row.name, row.name);
            continue;
        }
        const HostPort at = parseHostPort(row.address);
        if (!at.isValid())
            continue;
        const QString member = cluster.memberAt(at.host, at.port);
        if (!member.isEmpty())
            out.insert(row.name, member);
    }
    return out;
}

QString findReadWriteProxy(const QByteArray &csv, const ChaosCluster &cluster, const QString &leader)
{
    if (!cluster.haproxyReadWriteProxy.isEmpty())
        return cluster.haproxyReadWriteProxy;
    const auto stats = parseHaproxyCsv(csv);
    if (!stats)
        return {};
    const QHash<QString, QString> serverMembers = haproxyServerMembers(csv, cluster);
    QStringList proxies;
    for (const auto &row : stats.value().rows)
        if (row.kind == HaproxyRow::Kind::Server && !proxies.contains(row.proxy))
            proxies.append(row.proxy);
    QString byRouting, byShape;
    for (const QString &proxy : std::as_const(proxies)) {
        const auto servers = stats.value().servers(proxy);
        QStringList up;
        for (const auto &s : servers)
            if (s.isUp() && s.tracked.isEmpty())
                up.append(s.name);
        if (up.size() != 1)
            continue;
        if (serverMembers.value(up.front()) == leader && byRouting.isEmpty())
            byRouting = proxy;
        if (servers.size() >= 2 && byShape.isEmpty())
            byShape = proxy;
    }
    return byRouting.isEmpty() ? byShape : byRouting;
}

} // namespace pgha::svc
