#pragma once

// What pgbench prints while and after it runs: the -P progress lines and the -i init progress
// on stderr, the summary on stdout, and its error messages. Formats of pgbench 13 to 17; the
// recordings and hand-written variants under tests/fixtures/pgbench show each one.
#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pgha::svc {

// One `-P` line: "progress: 5.0 s, 1234.5 tps, lat 1.234 ms stddev 0.456, 0 failed" with the
// optional ", lag X ms", ", N skipped" (-R, -R with -L) and ", N retried, N retries"
// (--max-tries other than 1). pgbench 13 and 14 print no "failed".
struct ProgressSample {
    double t = 0;              // seconds since the start, or Unix time when epochTime
    double tps = 0;
    double latAvgMs = 0;
    double latStddevMs = 0;    // NaN when pgbench printed "nan"/"-nan" (rounding in its sqrt)
    qint64 failed = 0;
    bool failedReported = false; // false on pgbench 13/14, which have no such field
    std::optional<double> lagMs;
    qint64 skipped = 0;
    qint64 retried = 0;
    qint64 retries = 0;
    bool epochTime = false;    // --progress-timestamp
};

// pgbench prints "%.1f s" since the start and "%.3f s" for --progress-timestamp; a value this
// large is a Unix time whatever its decimals (2001-09-09: no run lasts 31 years).
inline constexpr double kEpochSecondsFloor = 1e9;
// Longest line we look at: a progress line with every field is under 160 bytes.
inline constexpr qsizetype kMaxPgbenchLineBytes = 4096;

Result<ProgressSample> parseProgressLine(QByteArrayView line);

// `pgbench -i` client-side data generation: "100000 of 200000 tuples (50%) done (elapsed 0.04 s,
// remaining 0.04 s)" (newer sources say "… (50%) of pgbench_accounts done …" and pad with
// spaces), and the closing "done in 0.58 s (drop tables 0.00 s, …)." line.
struct InitProgress {
    qint64 done = 0;
    qint64 total = 0;
    double fraction = 0;       // 0..1 of the rows of the table being generated
    double elapsedS = 0;
    double remainingS = 0;
    QString table;             // empty when pgbench does not name it
    bool finished = false;     // the "done in" line: the whole initialisation ended
};

Result<InitProgress> parseInitProgress(QByteArrayView line);

struct StatementLatency {
    int script = 0;            // 0-based, in the order of -b/-f
    double latencyMs = 0;
    std::optional<qint64> failures; // pgbench 15+
    std::optional<qint64> retries;  // pgbench 15+ with --max-tries other than 1
    QString command;           // the statement's first line, as pgbench shows it
};

// A "SQL script N:" block, printed when several scripts ran (-b/-f more than once).
struct ScriptSummary {
    QString name;
    int weight = 0;
    qint64 transactions = 0;
    double tps = 0;
    std::optional<qint64> failed;
    std::optional<double> latencyAvgMs;
    std::optional<double> latencyStddevMs;
};

struct PgbenchSummary {
    QString pgbenchVersion;    // "15.20 (Debian 15.20-0+deb12u1)"; empty before pgbench 14
    QString serverVersion;     // only when pgbench says it differs from its own
    QString transactionType;   // "<builtin: select only>", "multiple scripts", a file name
    int scalingFactor = 0;
    QString queryMode;         // simple, extended, prepared
    int clients = 0;
    int threads = 0;
    std::optional<int> maxTries;             // pgbench 15+
    std::optional<int> durationS;            // -T
    std::optional<qint64> transactionsPerClient; // -t
    qint64 processed = 0;
    std::optional<qint64> intended;          // -t: clients × transactions per client
    std::optional<qint64> failed;            // pgbench 15+
    std::optional<qint64> serializationFailures; // --failures-detailed
    std::optional<qint64> deadlockFailures;
    std::optional<qint64> retried;           // --max-tries other than 1
    std::optional<qint64> totalRetries;
    std::optional<qint64> skipped;           // -R with -L
    std::optional<double> latencyLimitMs;    // -L
    std::optional<qint64> late;              // above the -L limit
    std::optional<double> latencyAvgMs;      // absent only when nothing was processed
    bool latencyIncludesFailures = false;    // "(including failures)": computed from run time
    std::optional<double> latencyStddevMs;   // only with -P, -R or -L
    std::optional<double> lagAvgMs;          // -R
    std::optional<double> lagMaxMs;
    std::optional<double> initialConnectionMs;
    std::optional<double> averageConnectionMs; // -C
    std::optional<double> tps;               // without connection time; absent when none ran
    std::optional<double> tpsIncludingConnections; // pgbench 13, and -C
    bool aborted = false;                    // "Run was aborted; the above results are incomplete."
    QStringList errors;                      // pgbench's own "error:"/"fatal:" lines from stderr
    QList<ScriptSummary> scripts;
    QList<StatementLatency> statements;      // -r
};

// Largest summary we read (a -r report of a long custom script stays far below).
inline constexpr qsizetype kMaxSummaryBytes = 4 * 1024 * 1024;
inline constexpr int kMaxSummaryStatements = 10000;
inline constexpr int kMaxSummaryScripts = 128;  // pgbench's own MAX_SCRIPTS
inline constexpr int kMaxCollectedErrors = 32;

// `stdoutText` holds the summary; `stderrText` (optional) is where pgbench 15+ says "Run was
// aborted" and names the clients that died. Both may be the same merged text.
Result<PgbenchSummary> parsePgbenchSummary(QByteArrayView stdoutText, QByteArrayView stderrText = {});

// Why pgbench refused to run (exit status 1): its first error and, for a script it could not
// parse, where: "pgbench: error: bad.sql:3: syntax error in command \"set\"" then the line and a
// caret under the column.
struct PgbenchError {
    QString message;           // without the "pgbench: error: " prefix
    QString hint;              // "pgbench: hint: …" / "Try \"pgbench --help\"…" when present
    QString scriptFile;        // set for script errors
    int scriptLine = 0;        // 1-based; 0 when not a script error
    QString sourceLine;        // the offending script line as pgbench echoed it
    int column = -1;           // 0-based position of the caret in sourceLine, -1 when none
};

Result<PgbenchError> parsePgbenchError(QByteArrayView stderrText);

// Splits pgbench's stderr into lines at "\n", "\r\n" and a lone "\r" (which a terminal run uses
// to redraw the init progress in place); empty pieces are dropped. The views point into `text`.
QList<QByteArrayView> splitPgbenchLines(QByteArrayView text);

} // namespace pgha::svc
