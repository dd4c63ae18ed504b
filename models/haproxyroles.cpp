#include "haproxyroles.h"

#include <QSet>

namespace pgha::models {

namespace {

enum class Routes { Unknown, Writes, Reads, Any };

bool namedLikeWrites(const QString &proxy)
{
    const QString p = proxy.toLower();
    for (const char *word : {"write", "primary", "master", "leader"})
        if (p.contains(QLatin1String(word)))
            return true;
    return p == u"rw" || p.endsWith(u"_rw") || p.startsWith(u"rw_") || p.endsWith(u"-rw");
}

bool namedLikeReads(const QString &proxy)
{
    if (namedLikeWrites(proxy))
        return false;   // read_write
    const QString p = proxy.toLower();
    for (const char *word : {"read", "replica", "standby", "slave", "sync"})
        if (p.contains(QLatin1String(word)))
            return true;
    return p == u"ro" || p.endsWith(u"_ro") || p.startsWith(u"ro_") || p.endsWith(u"-ro");
}

} // namespace

QString HaproxyRoles::howText(How how)
{
    switch (how) {
    case How::None: return tr("not found");
    case How::Configured: return tr("set in the profile");
    case How::Routing: return tr("by what it routes to");
    case How::Name: return tr("by its name");
    case How::Kept: return tr("kept from before (nothing routed now)");
    }
    return {};
}

HaproxyRoles HaproxyRoles::find(const svc::HaproxyStats &stats, const ServerMember &memberOf, const QString &leader,
                                const QStringList &replicas, const QString &configuredReadWrite,
                                const QString &configuredReadOnly, const HaproxyRoles &previous)
{
    HaproxyRoles out;
    QStringList proxies;
    for (const auto &r : stats.rows)
        if (r.kind == svc::HaproxyRow::Kind::Server && !proxies.contains(r.proxy))
            proxies.append(r.proxy);

    // Backends whose servers others `track` only run health checks (the Docker lab's
    // leader_check/replica_check): no client goes through them, so they play no role.
    QSet<QString> checkOnly;
    for (const auto &r : stats.rows)
        if (r.kind == svc::HaproxyRow::Kind::Server && !r.tracked.isEmpty())
            checkOnly.insert(r.trackedProxy());

    QHash<QString, Routes> routes;
    QStringList unmapped;
    for (const auto &proxy : std::as_const(proxies)) {
        QSet<QString> up;
        bool unknown = false;
        bool checked = false;
        for (const auto &s : stats.servers(proxy)) {
            // A server that tracks another (`track leader_check/pg1`) is checked by that one's check.
            const svc::HaproxyRow *checker = &s;
            if (!s.tracked.isEmpty())
                if (const auto *t = stats.find(s.trackedProxy(), s.trackedServer()))
                    checker = t;
            checked |= checker->checkStatus.startsWith(u"L7") || checker->checkCode > 0;
            const auto m = memberOf(s);
            if (!m)
                unmapped.append(QStringLiteral("%1/%2%3").arg(proxy, s.name, s.address.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(s.address)));
            if (!s.isUp())
                continue;
            if (m)
                up.insert(*m);
            else
                unknown = true;
        }
        if (!checked)
            out.notes.append(tr("HAProxy proxy %1 has no HTTP health check: it routes by something other than Patroni's "
                                "/primary or /replica, so which node it sends to does not follow a failover").arg(proxy));
        Routes r = Routes::Unknown;
        if (!unknown && !up.isEmpty() && !leader.isEmpty()) {
            if (up == QSet<QString>{leader})
                r = Routes::Writes;
            else if (!up.contains(leader) && std::all_of(up.cbegin(), up.cend(), [&](const QString &m) { return replicas.contains(m); }))
                r = Routes::Reads;
            else if (up.contains(leader) && up.size() > 1)
                r = Routes::Any;
        }
        routes.insert(proxy, r);
    }
    if (!unmapped.isEmpty())
        out.notes.append(tr("HAProxy servers no Patroni member stands at: %1 (HAProxy's CSV gives server addresses only "
                            "with `stats show-legends`; or name servers after the members)").arg(unmapped.join(QStringLiteral(", "))));

    auto choose = [&](Choice &choice, const QString &configured, Routes wanted, bool (*namedLike)(const QString &),
                      const Choice &before, const QString &taken) {
        if (!configured.isEmpty()) {
            choice = {configured, How::Configured,
                      proxies.contains(configured) ? tr("%1 (set in the profile)").arg(configured)
                                                   : tr("%1 is set in the profile, but HAProxy has no proxy of that name (it has: %2)")
                                                             .arg(configured, proxies.join(QStringLiteral(", ")))};
            return;
        }
        QStringList byRouting;
        for (const auto &p : std::as_const(proxies))
            if (routes.value(p) == wanted && p != taken && !checkOnly.contains(p))
                byRouting.append(p);
        if (byRouting.size() == 1) {
            choice = {byRouting.front(), How::Routing,
                      wanted == Routes::Writes ? tr("%1 sends to the leader only").arg(byRouting.front())
                                               : tr("%1 sends to replicas only").arg(byRouting.front())};
            return;
        }
        if (before.how == How::Routing || before.how == How::Kept)
            if (proxies.contains(before.proxy) && before.proxy != taken && routes.value(before.proxy) == Routes::Unknown) {
                choice = {before.proxy, How::Kept, tr("%1, as seen before (it routes to no member it can be told by now)").arg(before.proxy)};
                return;
            }
        QStringList byName;
        for (const auto &p : std::as_const(proxies))
            if (namedLike(p) && p != taken && !checkOnly.contains(p) && (wanted == Routes::Reads || routes.value(p) != Routes::Any))
                byName.append(p);
        if (byName.size() == 1) {
            choice = {byName.front(), How::Name, tr("%1, by its name").arg(byName.front())};
            return;
        }
        choice = {};
    };
    choose(out.readWrite, configuredReadWrite, Routes::Writes, namedLikeWrites, previous.readWrite, QString());
    choose(out.readOnly, configuredReadOnly, Routes::Reads, namedLikeReads, previous.readOnly, out.readWrite.proxy);
    for (const auto &p : std::as_const(proxies))
        if (p != out.readWrite.proxy && p != out.readOnly.proxy)
            out.others.append(p);
    return out;
}

} // namespace pgha::models
