#pragma once

#include <QString>
#include <QUrl>

namespace pgha::svc {

// A network address as the sources spell it: "10.0.0.1:5432", "[::1]:5432", "pg-1:5432",
// "localhost:5432". One home for reading and comparing them, so every source is matched to a
// Patroni member by the same rules.
struct HostPort {
    QString host;   // as written, without IPv6 brackets
    int port = 0;   // 0 when none was given

    bool isValid() const { return !host.isEmpty() && port > 0; }
    // "host:port", IPv6 in brackets.
    QString text() const;
    bool operator==(const HostPort &) const = default;
};

// "host:port" or "[v6]:port" (also a bare IPv6 address followed by ":port", as some tools print
// it); `defaultPort` when no port is given. An empty host when `text` holds none.
HostPort parseHostPort(const QString &text, int defaultPort = 0);
// host and port of a URL (postgresql://, http://), `defaultPort` when it names none.
HostPort hostPortOf(const QUrl &url, int defaultPort);

// The form in which two spellings of one host compare equal: lower case, no brackets, an IPv6
// address in its shortest form, an IPv4-mapped IPv6 address as IPv4, and every spelling of
// this machine's loopback (localhost, 127.0.0.1, ::1) as "localhost". Other 127.x addresses
// stay themselves: 127.0.0.11 is not 127.0.0.1.
QString canonicalHost(const QString &host);
bool sameHostPort(const HostPort &a, const HostPort &b);

} // namespace pgha::svc
