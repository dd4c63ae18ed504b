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

using Origin = MetricsDigest::Origin;

// Every figure a digest picks: where it comes from, how it is read and how it is shown. One
// table drives both the reading and which families the parser keeps (digestFamilies).
struct Pick {
    enum class Read { Sum, Max, P99 };
    Origin origin;
    const char *key;
    const char *label;
    const char *family;   // a sample name for Sum/Max (= its family's in the text format), a histogram for P99
    Read read = Read::Sum;
    const char *unit = "";
};

const Pick kPicks[] = {
    {Origin::Patroni, "postgres_running", "PostgreSQL running", "patroni_postgres_running"},
    {Origin::Patroni, "primary", "is primary", "patroni_primary"},
    {Origin::Patroni, "timeline", "timeline", "patroni_postgres_timeline"},
    {Origin::Patroni, "xlog_location", "WAL position", "patroni_xlog_location", Pick::Read::Sum, "B"},
    {Origin::Patroni, "xlog_replayed", "WAL replayed", "patroni_xlog_replayed_location", Pick::Read::Sum, "B"},
    {Origin::Patroni, "dcs_last_seen", "DCS last seen (epoch)", "patroni_dcs_last_seen", Pick::Read::Sum, "s"},
    {Origin::Patroni, "pending_restart", "pending restart", "patroni_pending_restart"},
    {Origin::Patroni, "paused", "paused", "patroni_is_paused"},
    {Origin::Etcd, "has_leader", "has a leader", "etcd_server_has_leader"},
    {Origin::Etcd, "leader_changes", "leader changes seen", "etcd_server_leader_changes_seen_total", Pick::Read::Sum, "count"},
    {Origin::Etcd, "proposals_failed", "failed proposals", "etcd_server_proposals_failed_total", Pick::Read::Sum, "count"},
    {Origin::Etcd, "db_size", "database size", "etcd_mvcc_db_total_size_in_bytes", Pick::Read::Sum, "B"},
    {Origin::Etcd, "wal_fsync_p99_s", "WAL fsync p99", "etcd_disk_wal_fsync_duration_seconds", Pick::Read::P99, "s"},
    {Origin::Etcd, "backend_commit_p99_s", "backend commit p99", "etcd_disk_backend_commit_duration_seconds", Pick::Read::P99, "s"},
    {Origin::PostgresExporter, "pg_up", "PostgreSQL reachable", "pg_up"},
    {Origin::PostgresExporter, "xact_commit", "commits (total)", "pg_stat_database_xact_commit", Pick::Read::Sum, "count"},
    {Origin::PostgresExporter, "xact_rollback", "rollbacks (total)", "pg_stat_database_xact_rollback", Pick::Read::Sum, "count"},
    {Origin::PostgresExporter, "deadlocks", "deadlocks (total)", "pg_stat_database_deadlocks", Pick::Read::Sum, "count"},
    {Origin::PostgresExporter, "backends", "backends", "pg_stat_activity_count"},
    {Origin::PostgresExporter, "database_size", "databases' size", "pg_database_size_bytes", Pick::Read::Sum, "B"},
    {Origin::PostgresExporter, "slot_lag_max", "largest replication slot lag", "pg_replication_slots_pg_wal_lsn_diff",
     Pick::Read::Max, "B"},
    {Origin::PgBouncerExporter, "pgbouncer_up", "PgBouncer reachable", "pgbouncer_up"},
    {Origin::PgBouncerExporter, "clients_waiting", "clients waiting", "pgbouncer_pools_client_waiting_connections"},
};

bool hasPrefix(const QList<PromFamily> &families, QStringView prefix)
{
    return std::any_of(families.cbegin(), families.cend(), [prefix](const PromFamily &f) { return f.name.startsWith(prefix); });
}

// What served the page, by its families' names (every family is listed, kept or not).
Origin originOf(const QList<PromFamily> &fs)
{
    if (hasPrefix(fs, u"patroni_"))
        return Origin::Patroni;
    if (hasPrefix(fs, u"etcd_server_"))
        return Origin::Etcd;
    if (hasPrefix(fs, u"pg_up") || hasPrefix(fs, u"pg_stat_database_"))
        return Origin::PostgresExporter;
    if (hasPrefix(fs, u"pgbouncer_"))
        return Origin::PgBouncerExporter;
    return Origin::Other;
}

} // namespace

const QSet<QString> &digestFamilies()
{
    static const QSet<QString> families = [] {
        QSet<QString> out;
        for (const Pick &p : kPicks)
            out.insert(QString::fromLatin1(p.family));
        return out;
    }();
    return families;
}

MetricsDigest digestMetrics(const QList<PromFamily> &fs)
{
    MetricsDigest d;
    d.families = static_cast<int>(fs.size());
    for (const auto &f : fs)
        d.samples += f.sampleCount();
    d.origin = originOf(fs);
    for (const Pick &p : kPicks) {
        if (p.origin != d.origin)
            continue;
        const QString family = QString::fromLatin1(p.family);
        const std::optional<double> v = p.read == Pick::Read::Sum   ? sumSamples(fs, family)
                                        : p.read == Pick::Read::Max ? maxSample(fs, family)
                                                                    : histogramQuantile(fs, family, 0.99);
        if (v)
            d.figures.append({QString::fromLatin1(p.key), QString::fromUtf8(p.label), *v, QString::fromLatin1(p.unit)});
    }
    return d;
}

} // namespace pgha::svc
