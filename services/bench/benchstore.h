#pragma once

#include <QString>

// Where the benchmark runs are kept: one path for the CLI (`pgha bench run|runs`) and the
// console's Bench tab, so both read and append the same store.
namespace pgha::svc {

// $PGHA_BENCH_STORE when set, else <GenericDataLocation>/pgha/bench-runs.jsonl
// (~/.local/share/pgha/bench-runs.jsonl on Linux).
QString benchStorePath();

} // namespace pgha::svc
