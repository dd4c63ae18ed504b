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

Result<PgBouncerObservation> parsePgBouncer(const PgResultSet &showDatabases, const PgResultSet &showPools)
{
    for (const char *col : {"name", "host", "port"})
        if (showDatabases.column(QString::fromLatin1(col)) < 0)
            return makeError(QStringLiteral("PgBouncer: SHOW DATABASES has no \"%1\" column").arg(QLatin1String(col)),
                             QStringLiteral("is this PgBouncer's admin console (database \"pgbouncer\")?"));
    for (const char *col : {"database", "cl_active", "cl_waiting", "sv_active", "sv_idle"})
        if (showPools.column(QString::fromLatin1(col)) < 0)
            return makeError(QStringLiteral("PgBouncer: SHOW POOLS has no \"%1\" column").arg(QLatin1String(col)),
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
