#pragma once

#include "metrics/prometheustext.h"

#include <QList>
#include <QMetaType>
#include <QSet>
#include <QString>

#include <optional>

namespace pgha::svc {

// The few figures an operator reads from a /metrics page, picked by what served it. The rest
// of the page stays available to whoever asks (the digest counts it).
struct MetricsFigure {
    QString key;        // stable: "xact_commit", "wal_fsync_p99_s" …
    QString label;      // for people: "commits (total)"
    double value = 0;
    QString unit;       // "", "B", "s", "count"
};

struct MetricsDigest {
    enum class Origin { Patroni, Etcd, PostgresExporter, PgBouncerExporter, Other };
    Origin origin = Origin::Other;
    QList<MetricsFigure> figures;
    int families = 0;
    int samples = 0;
    qint64 bytes = 0;
    qint64 fetchedAtMs = 0;

    std::optional<double> value(const QString &key) const;
    static QString originName(Origin o);
};

// `families` parsed whole, or with digestFamilies() as the filter: the same digest.
MetricsDigest digestMetrics(const QList<PromFamily> &families);
// The families digestMetrics reads, whatever served the page.
const QSet<QString> &digestFamilies();

// Sum of every sample named `name` (e.g. a counter split by database); nullopt when none.
std::optional<double> sumSamples(const QList<PromFamily> &families, const QString &name);
std::optional<double> maxSample(const QList<PromFamily> &families, const QString &name);
// The q-quantile (0 < q < 1) of a histogram family from its cumulative buckets, interpolated
// linearly inside the bucket that holds it (as Prometheus' histogram_quantile does); nullopt
// when the histogram is missing or empty.
std::optional<double> histogramQuantile(const QList<PromFamily> &families, const QString &family, double q);

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::MetricsDigest)
