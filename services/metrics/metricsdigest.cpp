#include "metricsdigest.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pgha::svc {

std::optional<double> MetricsDigest::value(const QString &key) const
{
    for (const auto &f : figures)
        if (f.key == key)
            return f.value;
    return std::nullopt;
}

QString MetricsDigest::originName(Origin o)
{
    switch (o) {
    case Origin::Patroni: return QStringLiteral("Patroni");
    case Origin::Etcd: return QStringLiteral("etcd");
    case Origin::PostgresExporter: return QStringLiteral("postgres_exporter");
    case Origin::PgBouncerExporter: return QStringLiteral("pgbouncer_exporter");
    case Origin::Other: break;
    }
    return QStringLiteral("other");
}

std::optional<double> sumSamples(const QList<PromFamily> &families, const QString &name)
{
    std::optional<double> sum;
    for (const auto &f : families)
        for (const auto &s : f.samples)
            if (s.name == name && std::isfinite(s.value))
                sum = sum.value_or(0) + s.value;
    return sum;
}

std::optional<double> maxSample(const QList<PromFamily> &families, const QString &name)
{
    std::optional<double> best;
    for (const auto &f : families)
        for (const auto &s : f.samples)
            if (s.name == name && std::isfinite(s.value))
                best = std::max(best.value_or(-std::numeric_limits<double>::infinity()), s.value);
    return best;
}

std::optional<double> histogramQuantile(const QList<PromFamily> &families, const QString &family, double q)
{
    if (!(q > 0 && q < 1))
        return std::nullopt;
    const QString bucketName = family + QStringLiteral("_bucket");
    // Buckets of every label set are merged by upper bound (etcd's histograms have none).
    QList<std::pair<double, double>> buckets;   // (le, cumulative count)
    for (const auto &f : families) {
        if (f.name != family)
            continue;
        for (const auto &s : f.samples) {
            if (s.name != bucketName)
                continue;
            bool ok = false;
            const QString leText = s.label(QStringLiteral("le"));
            const double le = leText == u"+Inf" ? std::numeric_limits<double>::infinity() : leText.toDouble(&ok);
            if (leText != u"+Inf" && !ok)
                continue;
            auto it = std::find_if(buckets.begin(), buckets.end(), [le](const auto &b) { return b.first == le; });
            if (it == buckets.end())
                buckets.append({le, s.value});
            else
                it->second += s.value;
        }
    }
    std::sort(buckets.begin(), buckets.end());
    if (buckets.isEmpty() || !std::isinf(buckets.last().first) || !(buckets.last().second > 0))
        return std::nullopt;
    const double rank = q * buckets.last().second;
    double lowerBound = 0, lowerCount = 0;
    for (const auto &[le, count] : buckets) {
        if (count >= rank) {
            if (std::isinf(le))
                return lowerBound;   // in the open-ended bucket: the largest finite bound
            if (count == lowerCount)
                return le;
            return lowerBound + (le - lowerBound) * (rank - lowerCount) / (count - lowerCount);
        }
        lowerBound = le;
        lowerCount = count;
    }
    return std::nullopt;
}

namespace {

void add(MetricsDigest &d, const char *key, const QString &label, std::optional<double> v, const char *unit = "")
{
    if (v)
        d.figures.append({QString::fromLatin1(key), label, *v, QString::fromLatin1(unit)});
}

bool hasPrefix(const QList<PromFamily> &families, QStringView prefix)
{
    return std::any_of(families.cbegin(), families.cend(), [prefix](const PromFamily &f) { return f.name.startsWith(prefix); });
}

} // namespace

MetricsDigest digestMetrics(const QList<PromFamily> &fs)
{
    MetricsDigest d;
    d.families = static_cast<int>(fs.size());
    for (const auto &f : fs)
        d.samples += static_cast<int>(f.samples.size());
    auto one = [&fs](const char *name) { return sumSamples(fs, QString::fromLatin1(name)); };

    if (hasPrefix(fs, u"patroni_")) {
        d.origin = MetricsDigest::Origin::Patroni;
        add(d, "postgres_running", QStringLiteral("PostgreSQL running"), one("patroni_postgres_running"));
        add(d, "primary", QStringLiteral("is primary"), one("patroni_primary"));
        add(d, "timeline", QStringLiteral("timeline"), one("patroni_postgres_timeline"));
        add(d, "xlog_location", QStringLiteral("WAL position"), one("patroni_xlog_location"), "B");
        add(d, "xlog_replayed", QStringLiteral("WAL replayed"), one("patroni_xlog_replayed_location"), "B");
        add(d, "dcs_last_seen", QStringLiteral("DCS last seen (epoch)"), one("patroni_dcs_last_seen"), "s");
        add(d, "pending_restart", QStringLiteral("pending restart"), one("patroni_pending_restart"));
        add(d, "paused", QStringLiteral("paused"), one("patroni_is_paused"));
    } else if (hasPrefix(fs, u"etcd_server_")) {
        d.origin = MetricsDigest::Origin::Etcd;
        add(d, "has_leader", QStringLiteral("has a leader"), one("etcd_server_has_leader"));
        add(d, "leader_changes", QStringLiteral("leader changes seen"), one("etcd_server_leader_changes_seen_total"), "count");
        add(d, "proposals_failed", QStringLiteral("failed proposals"), one("etcd_server_proposals_failed_total"), "count");
        add(d, "db_size", QStringLiteral("database size"), one("etcd_mvcc_db_total_size_in_bytes"), "B");
        add(d, "wal_fsync_p99_s", QStringLiteral("WAL fsync p99"),
            histogramQuantile(fs, QStringLiteral("etcd_disk_wal_fsync_duration_seconds"), 0.99), "s");
        add(d, "backend_commit_p99_s", QStringLiteral("backend commit p99"),
            histogramQuantile(fs, QStringLiteral("etcd_disk_backend_commit_duration_seconds"), 0.99), "s");
    } else if (hasPrefix(fs, u"pg_up") || hasPrefix(fs, u"pg_stat_database_")) {
        d.origin = MetricsDigest::Origin::PostgresExporter;
        add(d, "pg_up", QStringLiteral("PostgreSQL reachable"), one("pg_up"));
        add(d, "xact_commit", QStringLiteral("commits (total)"), one("pg_stat_database_xact_commit"), "count");
        add(d, "xact_rollback", QStringLiteral("rollbacks (total)"), one("pg_stat_database_xact_rollback"), "count");
        add(d, "deadlocks", QStringLiteral("deadlocks (total)"), one("pg_stat_database_deadlocks"), "count");
        add(d, "backends", QStringLiteral("backends"), one("pg_stat_activity_count"));
        add(d, "database_size", QStringLiteral("databases' size"), one("pg_database_size_bytes"), "B");
        add(d, "slot_lag_max", QStringLiteral("largest replication slot lag"),
            maxSample(fs, QStringLiteral("pg_replication_slots_pg_wal_lsn_diff")), "B");
    } else if (hasPrefix(fs, u"pgbouncer_")) {
        d.origin = MetricsDigest::Origin::PgBouncerExporter;
        add(d, "pgbouncer_up", QStringLiteral("PgBouncer reachable"), one("pgbouncer_up"));
        add(d, "clients_waiting", QStringLiteral("clients waiting"), one("pgbouncer_pools_client_waiting_connections"));
    }
    return d;
}

} // namespace pgha::svc
