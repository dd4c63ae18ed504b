#include "membermap.h"

namespace pgha::models {

MemberMap::MemberMap(const svc::ClusterSnapshot &cluster, Aliases aliases) : m_aliases(std::move(aliases))
{
    for (const auto &m : cluster.members) {
        Entry e;
        e.name = m.name;
        e.hosts = hostKeys(m.host);
        e.port = m.port;
        if (!m.apiUrl.isEmpty()) {
            const QUrl api(m.apiUrl);
            e.apiHosts = hostKeys(api.host());
            e.apiPort = api.port(api.scheme() == u"https" ? 443 : 80);
        }
        m_members.append(e);
    }
}

QStringList MemberMap::names() const
{
    QStringList out;
    for (const auto &e : m_members)
        out.append(e.name);
    return out;
}

QStringList MemberMap::hostKeys(const QString &host) const
{
    if (host.isEmpty())
        return {};
    const QString canonical = svc::canonicalHost(host);
    QStringList keys{canonical};
    keys += m_aliases.value(canonical);
    for (auto it = m_aliases.cbegin(); it != m_aliases.cend(); ++it)
        if (it.value().contains(canonical))
            keys.append(it.key());
    keys.removeDuplicates();
    return keys;
}

bool MemberMap::overlaps(const QStringList &a, const QStringList &b)
{
    for (const auto &x : a)
        if (b.contains(x))
            return true;
    return false;
}

std::optional<QString> MemberMap::memberAt(const svc::HostPort &address) const
{
    if (!address.isValid())
        return std::nullopt;
    const QStringList keys = hostKeys(address.host);
    for (const auto &e : m_members)
        if (e.port == address.port && overlaps(e.hosts, keys))
            return e.name;
    return std::nullopt;
}

std::optional<QString> MemberMap::memberForRestApi(const QUrl &url) const
{
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    const int port = url.port(url.scheme() == u"https" ? 443 : 80);
    const QStringList keys = hostKeys(url.host());
    for (const auto &e : m_members)
        if (e.apiPort == port && overlaps(e.apiHosts, keys))
            return e.name;
    return std::nullopt;
}

std::optional<QString> MemberMap::memberOnHost(const QString &host) const
{
    const QStringList keys = hostKeys(host);
    std::optional<QString> found;
    for (const auto &e : m_members)
        if (overlaps(e.hosts, keys)) {
            if (found)
                return std::nullopt;
            found = e.name;
        }
    return found;
}

std::optional<QString> MemberMap::memberForServer(const QString &serverName, const QString &address) const
{
    if (!address.isEmpty())
        if (auto m = memberAt(address))
            return m;
    for (const auto &e : m_members)
        if (e.name == serverName)
            return e.name;
    // Patroni's documentation names servers postgresql_HOST_PORT.
    const QString name = serverName.toLower();
    for (const auto &e : m_members)
        for (const auto &h : e.hosts)
            if (name == h || name.endsWith(QStringLiteral("_%1_%2").arg(h).arg(e.port)))
                return e.name;
    return std::nullopt;
}

QString MemberMap::unmappedText(const QString &address)
{
    return QStringLiteral("unmapped: %1").arg(address);
}

} // namespace pgha::models
