#include "pgbouncerobservation.h"


namespace pgha::svc {

QString PgBouncerObservation::target() const
{
    QString target;
    for (const auto &d : databases) {
        if (d.host.isEmpty())
            continue;
        const QString t = QStringLiteral("%1:%2").arg(d.host).arg(d.port);
        if (!target.isEmpty() && target != t)
            return {};   // databases point at different servers
        target = t;
    }
    return target;
}

QStringList pgBouncerAdminCommands()
{
    return {QStringLiteral("SHOW DATABASES"), QStringLiteral("SHOW POOLS"), QStringLiteral("SHOW STATS"),
            QStringLiteral("SHOW SERVERS"), QStringLiteral("SHOW CLIENTS")};
}

Result<PgBouncerObservation> parsePgBouncer(const QList<PgResultSet> &sets)
{
    if (sets.size() < 2)
        return makeError(ErrorKind::Parse, QStringLiteral("PgBouncer: %1 result sets for SHOW DATABASES, POOLS, STATS, SERVERS").arg(sets.size()),
                         QStringLiteral("is this PgBouncer's admin console (database \"pgbouncer\")?"));
    auto parsed = parsePgBouncer(sets.at(0), sets.at(1));
    if (!parsed)
        return parsed;
    PgBouncerObservation o = std::move(parsed).value();
    const PgResultSet stats = sets.value(2);
    for (int r = 0; r < stats.rows.size(); ++r) {
        const QString db = stats.value(r, QStringLiteral("database"));
        if (db == u"pgbouncer")
            continue;
        auto n = [&](const char *c) { return stats.value(r, QString::fromLatin1(c)).toLongLong(); };
        o.stats.append({db, n("total_xact_count"), n("total_query_count"), n("total_received"), n("total_sent"),
                        n("avg_xact_time"), n("avg_query_time"), n("avg_wait_time"), n("avg_xact_count")});
    }
    const PgResultSet servers = sets.value(3);
    for (int r = 0; r < servers.rows.size(); ++r)
        o.servers.append({servers.value(r, QStringLiteral("user")), servers.value(r, QStringLiteral("database")),
                          servers.value(r, QStringLiteral("state")), servers.value(r, QStringLiteral("addr")),
                          servers.value(r, QStringLiteral("port")).toInt(), servers.value(r, QStringLiteral("application_name")),
                          servers.value(r, QStringLiteral("local_addr"))});
    // Where the admin console's clients (this poller among them) reached PgBouncer: its own
    // address, which a published port or a proxy in between hides from the profile's URL.
    const PgResultSet clients = sets.value(4);
    for (int r = 0; r < clients.rows.size(); ++r) {
        const QString local = clients.value(r, QStringLiteral("local_addr"));
        if (clients.value(r, QStringLiteral("database")) == u"pgbouncer" && !local.isEmpty() && !o.ownAddresses.contains(local))
            o.ownAddresses.append(local);
    }
    return o;
}

Result<PgBouncerObservation> parsePgBouncer(const PgResultSet &showDatabases, const PgResultSet &showPools)
{
    for (const char *col : {"name", "host", "port"})
        if (showDatabases.column(QString::fromLatin1(col)) < 0)
            return makeError(ErrorKind::Parse, QStringLiteral("PgBouncer: SHOW DATABASES has no \"%1\" column").arg(QLatin1String(col)),
                             QStringLiteral("is this PgBouncer's admin console (database \"pgbouncer\")?"));
    for (const char *col : {"database", "cl_active", "cl_waiting", "sv_active", "sv_idle"})
        if (showPools.column(QString::fromLatin1(col)) < 0)
            return makeError(ErrorKind::Parse, QStringLiteral("PgBouncer: SHOW POOLS has no \"%1\" column").arg(QLatin1String(col)),
                             QStringLiteral("is this PgBouncer's admin console (database \"pgbouncer\")?"));
    PgBouncerObservation o;
    for (int r = 0; r < showDatabases.rows.size(); ++r) {
        const QString name = showDatabases.value(r, QStringLiteral("name"));
        if (name == u"pgbouncer")
            continue;   // the admin console itself
        o.databases.append({name, showDatabases.value(r, QStringLiteral("host")), showDatabases.value(r, QStringLiteral("database")),
                            showDatabases.value(r, QStringLiteral("pool_mode")), showDatabases.value(r, QStringLiteral("port")).toInt(),
                            showDatabases.value(r, QStringLiteral("pool_size")).toInt(),
                            showDatabases.value(r, QStringLiteral("current_connections")).toInt()});
    }
    for (int r = 0; r < showPools.rows.size(); ++r) {
        if (showPools.value(r, QStringLiteral("database")) == u"pgbouncer")
            continue;
        auto n = [&](const char *c) { return showPools.value(r, QString::fromLatin1(c)).toInt(); };
        o.pools.append({showPools.value(r, QStringLiteral("database")), showPools.value(r, QStringLiteral("user")),
                        showPools.value(r, QStringLiteral("pool_mode")), n("cl_active"), n("cl_waiting"), n("sv_active"),
                        n("sv_idle"), n("sv_used"),
                        n("maxwait") + showPools.value(r, QStringLiteral("maxwait_us")).toDouble() / 1e6});
    }
    return o;
}

} // namespace pgha::svc
