#include "pgpoolobservation.h"

namespace pgha::svc {

QStringList PgpoolObservation::primaries() const
{
    QStringList out;
    for (const auto &n : nodes)
        if (n.role == u"primary" && n.status == u"up")
            out.append(n.hostPort());
    return out;
}

Result<PgpoolObservation> parsePgpoolNodes(const PgResultSet &set)
{
    for (const char *col : {"node_id", "hostname", "port", "status", "role"})
        if (set.column(QString::fromLatin1(col)) < 0)
            return makeError(ErrorKind::Parse, QStringLiteral("Pgpool-II: SHOW POOL_NODES has no \"%1\" column").arg(QLatin1String(col)),
                             QStringLiteral("is this endpoint a Pgpool-II (not PostgreSQL or PgBouncer)?"));
    PgpoolObservation o;
    for (int r = 0; r < set.rows.size(); ++r) {
        auto v = [&](const char *c) { return set.value(r, QString::fromLatin1(c)); };
        PgpoolObservation::Node n;
        bool ok = false;
        n.id = v("node_id").toInt(&ok);
        n.port = v("port").toInt(&ok);
        if (!ok)
            return makeError(ErrorKind::Parse, QStringLiteral("Pgpool-II: SHOW POOL_NODES row %1: port \"%2\" is not a number").arg(r).arg(v("port")));
        n.host = v("hostname");
        n.status = v("status");
        n.pgStatus = v("pg_status");
        n.role = v("role");
        n.pgRole = v("pg_role");
        n.lbWeight = v("lb_weight").toDouble();
        n.selectCount = v("select_cnt").toLongLong();
        n.loadBalanceNode = v("load_balance_node") == u"true";
        n.replicationDelay = v("replication_delay").toLongLong();
        n.replicationState = v("replication_state");
        n.syncState = v("replication_sync_state");
        n.lastStatusChange = v("last_status_change");
        o.nodes.append(n);
    }
    return o;
}

} // namespace pgha::svc
