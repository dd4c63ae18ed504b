#pragma once

// What `pgha bench run`, `runs` and `compare` share: where runs are kept and how they print.
#include "clicontext.h"

#include "bench/benchrun.h"
#include "bench/benchseries.h"
#include "bench/benchstore.h"

namespace pgha::cli {

inline const QString kBenchStoreWhat = QStringLiteral("the benchmark run store");

void printBenchRun(CliContext &ctx, const svc::BenchResult &r);
// One line per configuration (n, median TPS, 95 % CI, CV, latency), then each against the first.
void printBenchSummaries(CliContext &ctx, const QList<svc::BenchConfigurationSummary> &summaries);

int benchRuns(CliContext &ctx, const QStringList &args);
int benchCompare(CliContext &ctx, const QStringList &args);

} // namespace pgha::cli
