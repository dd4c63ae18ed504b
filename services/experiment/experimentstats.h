#pragma once

// An experiment's results per cell: for every figure a thesis reports (RTO, write gap, pgbench
// gap, throughput recovery, lost writes and transactions …) its runs' values, median, p95,
// min/max, mean and the mean's 95 % confidence interval (Student's t, as the Bench module's).
#include "experiment/experimentstore.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace pgha::svc {

struct ExperimentMetric {
    QString id;                        // rto, write_gap, pgbench_gap …
    QString title;                     // "RTO (probe)"
    QString unit;                      // "s", "tps", "" (a count)
    std::function<std::optional<double>(const ChaosReport &)> value;
};
const QList<ExperimentMetric> &experimentMetrics();
const ExperimentMetric *experimentMetric(const QString &id);

struct MetricSummary {
    QString id;
    QList<double> values;              // one per run that has the figure, in run order
    int n = 0;
    double min = 0, max = 0, median = 0, p95 = 0, mean = 0;
    std::optional<double> ciLow, ciHigh;   // 95 % CI of the mean (n ≥ 2)
};

struct CellSummary {
    QString key;
    ExperimentSettings values;         // the grid's values
    int planned = 0;                   // repetitions asked for
    int runs = 0;                      // runs with a measurement (PASS or FAIL)
    int passed = 0;
    int errors = 0;                    // ERROR runs (repeated on --resume; not in the figures)
    QList<MetricSummary> metrics;      // only the metrics some run of this cell has
    QList<ExperimentRun> measured;     // the runs the figures come from, in run order

    const MetricSummary *metric(const QString &id) const;
};

QList<CellSummary> summarizeExperiment(const ExperimentPlan &plan, const QList<ExperimentRun> &recorded);
// Every figure of `runs` (ERROR runs counted, not measured), as one cell named `key`.
CellSummary summarizeCell(const QString &key, const QList<ChaosReport> &runs);

// "9.57 s", "843 tps", "0"
QString formatMetricValue(const ExperimentMetric &m, double v);
// "9.57 s (8.64–11.12), CI 9.1–10.2" for tables.
QString metricCellText(const ExperimentMetric &m, const MetricSummary &s);

// JSON (schema "pgha.experiment.summary/1"): the plan, and per cell every figure's statistics.
QJsonObject experimentSummaryJson(const ExperimentPlan &plan, const QList<CellSummary> &cells);
// The plain-text table (`pgha experiment show`).
QString experimentTableText(const ExperimentPlan &plan, const QList<CellSummary> &cells);
// CSV, one row per cell and figure (atomic write).
Result<bool> exportExperimentCsv(const QString &path, const QList<CellSummary> &cells);

} // namespace pgha::svc
