#pragma once

// What `pgha bench run`, `runs` and `compare` share: where runs are kept and how they print.
#include "clicontext.h"

#include "bench/benchrun.h"
#include "bench/benchseries.h"
#include "bench/benchstore.h"

#include <QJsonArray>

namespace pgha::cli {

inline const QString kBenchStoreWhat = QStringLiteral("the benchmark run store");

// Every kept run (unreadable lines skipped, and said on stderr).
svc::Result<QList<svc::BenchResult>> loadBenchRuns(CliContext &ctx);

void printBenchRun(CliContext &ctx, const svc::BenchResult &r);
// One line per configuration (n, median TPS, 95 % CI, CV, latency), then each against the first.
void printBenchSummaries(CliContext &ctx, const QList<svc::BenchConfigurationSummary> &summaries);

// One object per configuration (runs, median, mean and its 95 % CI, CV, p95/p99); every one
// after the first also against the first (percentVsBaseline, and its interval when there is one).
QJsonArray configurationsJson(const QList<svc::BenchConfigurationSummary> &summaries);

int benchRuns(CliContext &ctx, const QStringList &args);
int benchCompare(CliContext &ctx, const QStringList &args);

} // namespace pgha::cli
