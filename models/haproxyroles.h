#pragma once

#include "haproxy/haproxystats.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace pgha::models {

// Which of HAProxy's proxies carries writes and which reads, found by what they do rather than
// by what they are called: a proxy whose UP servers are exactly Patroni's leader routes writes;
// one whose UP servers are all replicas routes reads. Names ("primary", "read_write",
// "replicas" …) only decide when routing cannot (every server down mid-failover, servers that
// cannot be mapped to members), and a choice once made by routing is kept through a failover.
// The profile's haproxy_read_write_proxy / haproxy_read_only_proxy override everything.
struct HaproxyRoles {
    Q_DECLARE_TR_FUNCTIONS(HaproxyRoles)
public:
    enum class How { None, Configured, Routing, Name, Kept };
    struct Choice {
        QString proxy;   // "" when none was found
        How how = How::None;
        QString reason;  // one sentence, for the details pane and `pgha status`
    };
    Choice readWrite;
    Choice readOnly;
    // Proxies with servers that are neither (a stats backend, an "any member" proxy), each
    // with what it routes to.
    QStringList others;
    // Said once in words: servers no member stands for, proxies without an HTTP check.
    QStringList notes;

    // server → the member it reaches (nullopt when it cannot be told).
    using ServerMember = std::function<std::optional<QString>(const svc::HaproxyRow &server)>;

    static HaproxyRoles find(const svc::HaproxyStats &stats, const ServerMember &memberOf, const QString &leader,
                             const QStringList &replicas, const QString &configuredReadWrite,
                             const QString &configuredReadOnly, const HaproxyRoles &previous);
    static QString howText(How how);
};

} // namespace pgha::models
