#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>

#include <optional>

namespace pgha::svc {

// The Prometheus text exposition format (0.0.4), as served by Patroni, etcd and the exporters.
struct PromSample {
    QString name;                               // full sample name (foo_bucket, foo_sum …)
    QList<QPair<QString, QString>> labels;      // in the order given, values unescaped
    double value = 0;                           // NaN and ±Inf allowed
    std::optional<qint64> timestampMs;

    QString label(const QString &key) const;
};

struct PromFamily {
    enum class Type { Untyped, Counter, Gauge, Histogram, Summary };
    QString name;
    Type type = Type::Untyped;
    QString help;
    QList<PromSample> samples;
    // Samples read and checked but not kept: the caller wanted other families (see below).
    int droppedSamples = 0;

    int sampleCount() const { return int(samples.size()) + droppedSamples; }
};

inline constexpr qsizetype kMaxMetricsBytes = 16 * 1024 * 1024;

// Every family of the page, in order. With `keep`, only the samples of the families it names
// are kept (the others are checked as strictly, counted in droppedSamples, and cost no
// allocation): a digest reads a dozen families of an etcd page's hundreds.
Result<QList<PromFamily>> parsePrometheusText(const QByteArray &text, const QSet<QString> *keep = nullptr);

// First sample named `name` whose labels include every (key, value) in `match`.
const PromSample *findSample(const QList<PromFamily> &families, const QString &name,
                             const QList<QPair<QString, QString>> &match = {});

} // namespace pgha::svc
