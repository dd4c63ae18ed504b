#pragma once

#include "core/hostport.h"
#include "patroni/patronitypes.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pgha::models {

// Which Patroni member an address belongs to, by what /cluster reports (each member's name,
// host, port and api_url), never by a naming scheme: the one place where every source —
// PostgreSQL endpoints, PgBouncer's and Pgpool's backends, HAProxy servers, REST APIs — is put
// next to a member. Host spellings compare through svc::canonicalHost (localhost = 127.0.0.1
// = ::1, case, brackets); `aliases` adds what a host name resolves to, so "pg-1:5432" and
// "10.0.0.5:5432" meet when pg-1 resolves to 10.0.0.5.
class MemberMap {
public:
    // canonical host → the canonical addresses it resolves to (either direction is looked up).
    using Aliases = QHash<QString, QStringList>;

    MemberMap() = default;
    explicit MemberMap(const svc::ClusterSnapshot &cluster, Aliases aliases = {});

    bool isEmpty() const { return m_members.isEmpty(); }
    QStringList names() const;

    // The member whose PostgreSQL /cluster lists at this host and port.
    std::optional<QString> memberAt(const svc::HostPort &address) const;
    std::optional<QString> memberAt(const QString &hostPort) const { return memberAt(svc::parseHostPort(hostPort)); }
    // The member whose REST API (api_url) is at this URL's host and port.
    std::optional<QString> memberForRestApi(const QUrl &url) const;
    // The one member on this host whatever the port (a pooler beside its node); nullopt when
    // none or several members share the host (then only a port tells them apart).
    std::optional<QString> memberOnHost(const QString &host) const;
    // An HAProxy server: by its address when HAProxy reports one, else by its name (a member's
    // name, a member's host, or Patroni's documented "postgresql_HOST_PORT" form).
    std::optional<QString> memberForServer(const QString &serverName, const QString &address) const;

    // "unmapped: 10.0.0.9:5432": how an address no member stands at is shown.
    static QString unmappedText(const QString &address);

private:
    struct Entry {
        QString name;
        QStringList hosts;   // canonical host and its aliases
        int port = 0;
        QStringList apiHosts;
        int apiPort = 0;
    };
    QStringList hostKeys(const QString &host) const;
    static bool overlaps(const QStringList &a, const QStringList &b);

    QList<Entry> m_members;
    Aliases m_aliases;
};

} // namespace pgha::models
