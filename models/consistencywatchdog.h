#pragma once

#include "clusterevent.h"

#include <QMap>
#include <QObject>

#include <optional>

namespace pgha::models {

// Flags when the sources disagree about which node is the primary, and for how long: the DCS
// leader key (etcd), Patroni's /cluster, the members answering 200 to GET /primary, the
// servers UP in HAProxy's read-write proxy, the PostgreSQL those servers' PgBouncers forward
// to, Pgpool-II's primary where one is configured, and PostgreSQL itself (the nodes not in recovery: two of them is a split brain). A source
// that cannot be read is "unknown" and does not count; "none" (no leader, no server UP) does.
class ConsistencyWatchdog : public QObject {
    Q_OBJECT
public:
    static inline const QString kDcs = QStringLiteral("DCS leader key");
    static inline const QString kPatroni = QStringLiteral("Patroni /cluster");
    static inline const QString kPatroniPrimary = QStringLiteral("Patroni /primary");
    static inline const QString kHaproxy = QStringLiteral("HAProxy read-write");
    static inline const QString kPgBouncer = QStringLiteral("PgBouncer behind read-write");
    static inline const QString kPgpool = QStringLiteral("Pgpool-II primary");
    static inline const QString kPostgres = QStringLiteral("PostgreSQL not in recovery");

    explicit ConsistencyWatchdog(QObject *parent = nullptr);

    // `primary` empty = the source says there is none; nullopt = the source is not readable.
    void report(const QString &source, const std::optional<QString> &primary, qint64 atMs);

    bool inDisagreement() const { return m_open; }
    QMap<QString, QString> views() const;   // source → primary ("" = none), readable sources only
    qint64 longestWindowMs() const { return m_longestMs; }
    int windows() const { return m_windows; }

signals:
    void event(const pgha::models::ClusterEvent &event);

private:
    QString describeViews() const;

    QMap<QString, std::optional<QString>> m_views;
    QMap<QString, std::optional<QString>> m_viewsAtOpen;
    bool m_open = false;
    qint64 m_openSinceMs = 0;
    qint64 m_longestMs = 0;
    int m_windows = 0;
};

} // namespace pgha::models
