#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace pgha::svc {

// One row of HAProxy's `show stat` CSV: a frontend, a backend, or a server of a proxy.
struct HaproxyRow {
    enum class Kind { Frontend, Backend, Server, Listener };
    QString proxy;            // pxname: read_write, read_only, stats …
    QString name;             // svname: FRONTEND, BACKEND or the server name
    Kind kind = Kind::Server;
    QString status;           // UP, DOWN, OPEN, "UP 1/2" (going down), MAINT, NOLB, no check …
    QString checkStatus;      // L7OK, L7STS, L4CON, L4TOUT …
    int checkCode = 0;        // HTTP status of the last check (0 when none)
    qint64 checkDurationMs = -1;
    qint64 lastChangeSec = -1; // seconds since the last UP/DOWN transition
    qint64 currentSessions = 0;
    qint64 totalSessions = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    QString address;          // addr (server), when HAProxy reports it
    QString tracked;          // "proxy/server" whose check this server follows (`track`), else ""

    bool isUp() const { return status.startsWith(u"UP") || status == u"OPEN"; }
    // The proxy and server of `tracked` ("" when it tracks none).
    QString trackedProxy() const { return tracked.section(QLatin1Char('/'), 0, 0); }
    QString trackedServer() const { return tracked.section(QLatin1Char('/'), 1); }
};

struct HaproxyStats {
    QList<HaproxyRow> rows;

    const HaproxyRow *find(const QString &proxy, const QString &name) const;
    QList<HaproxyRow> servers(const QString &proxy) const;
};

// Largest stats CSV we accept: a lab's is ~4 KiB; thousands of servers stay far below this.
inline constexpr qsizetype kMaxHaproxyCsvBytes = 8 * 1024 * 1024;

// Parses `GET /stats;csv`. Columns are found by name in the "# pxname,svname,…" header, so
// older and newer HAProxy releases (which add columns) parse alike.
Result<HaproxyStats> parseHaproxyCsv(const QByteArray &csv);

} // namespace pgha::svc
