#include "pgobservation.h"

#include "core/wholenumber.h"

namespace pgha::svc {

QString pgObservationSql()
{
    // The timeline: a replica's WAL receiver knows it; a primary's is the first 8 hex digits
    // of its current WAL file name (pg_control_checkpoint() lags until the next checkpoint).
    return QStringLiteral(
            "SELECT pg_is_in_recovery() AS in_recovery, "
            "CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver) "
            "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline, "
            "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn, "
            "pg_last_wal_receive_lsn()::text AS receive_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn, "
            "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) AS replay_age_s, "
            "current_setting('server_version') AS server_version; "
            "SELECT application_name, client_addr::text AS client_addr, state, sync_state, sent_lsn::text AS sent_lsn, "
            "write_lsn::text AS write_lsn, flush_lsn::text AS flush_lsn, replay_lsn::text AS replay_lsn, "
            "EXTRACT(EPOCH FROM write_lag) AS write_lag_s, EXTRACT(EPOCH FROM flush_lag) AS flush_lag_s, "
            "EXTRACT(EPOCH FROM replay_lag) AS replay_lag_s, "
            "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint END "
            "AS replay_lag_bytes FROM pg_stat_replication ORDER BY application_name; "
            "SELECT status, sender_host, sender_port, received_tli, latest_end_lsn::text AS latest_end_lsn, "
            "EXTRACT(EPOCH FROM now() - last_msg_receipt_time) AS last_msg_age_s, slot_name FROM pg_stat_wal_receiver");
}

namespace {

std::optional<double> optDouble(const PgResultSet &s, int row, const QString &col)
{
    const int c = s.column(col);
    if (c < 0 || s.nulls.value(row).value(c, true))
        return std::nullopt;
    bool ok = false;
    const double v = s.rows[row][c].toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

std::optional<qint64> optInt(const PgResultSet &s, int row, const QString &col)
{
    const int c = s.column(col);
    if (c < 0 || s.nulls.value(row).value(c, true))
        return std::nullopt;
    return wholeNumber<qint64>(s.rows[row][c]);
}

} // namespace

Result<PgNodeObservation> parsePgObservation(const QList<PgResultSet> &sets)
{
    if (sets.size() != 3)
        return makeError(ErrorKind::Parse, QStringLiteral("PostgreSQL: expected 3 result sets (node, walsenders, WAL receiver), got %1").arg(sets.size()),
                         QStringLiteral("is this a PostgreSQL 13 or newer server, reached directly (not through a pooler)?"));
    const PgResultSet &node = sets[0];
    if (node.rows.size() != 1 || node.column(QStringLiteral("in_recovery")) < 0)
        return makeError(ErrorKind::Parse, QStringLiteral("PostgreSQL: the node query returned %1 rows").arg(node.rows.size()));
    PgNodeObservation o;
    o.inRecovery = node.value(0, QStringLiteral("in_recovery")) == u"t";
    o.timeline = optInt(node, 0, QStringLiteral("timeline"));
    o.currentLsn = node.value(0, QStringLiteral("current_lsn"));
    o.receiveLsn = node.value(0, QStringLiteral("receive_lsn"));
    o.replayLsn = node.value(0, QStringLiteral("replay_lsn"));
    o.replayAgeS = optDouble(node, 0, QStringLiteral("replay_age_s"));
    o.serverVersion = node.value(0, QStringLiteral("server_version"));

    const PgResultSet &rep = sets[1];
    for (int r = 0; r < rep.rows.size(); ++r)
        o.replication.append({rep.value(r, QStringLiteral("application_name")), rep.value(r, QStringLiteral("client_addr")),
                              rep.value(r, QStringLiteral("state")), rep.value(r, QStringLiteral("sync_state")),
                              rep.value(r, QStringLiteral("sent_lsn")), rep.value(r, QStringLiteral("write_lsn")),
                              rep.value(r, QStringLiteral("flush_lsn")), rep.value(r, QStringLiteral("replay_lsn")),
                              optDouble(rep, r, QStringLiteral("write_lag_s")), optDouble(rep, r, QStringLiteral("flush_lag_s")),
                              optDouble(rep, r, QStringLiteral("replay_lag_s")), optInt(rep, r, QStringLiteral("replay_lag_bytes"))});

    const PgResultSet &rcv = sets[2];
    if (!rcv.rows.isEmpty()) {
        PgNodeObservation::WalReceiver w;
        w.status = rcv.value(0, QStringLiteral("status"));
        w.senderHost = rcv.value(0, QStringLiteral("sender_host"));
        w.senderPort = rcv.value(0, QStringLiteral("sender_port")).toInt();
        w.receivedTimeline = rcv.value(0, QStringLiteral("received_tli")).toLongLong();
        w.latestEndLsn = rcv.value(0, QStringLiteral("latest_end_lsn"));
        w.lastMessageAgeS = optDouble(rcv, 0, QStringLiteral("last_msg_age_s"));
        w.slotName = rcv.value(0, QStringLiteral("slot_name"));
        o.walReceiver = w;
    }
    return o;
}

} // namespace pgha::svc
