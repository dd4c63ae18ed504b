#pragma once

// pgbench's per-transaction log (-l): one file per thread, one line per transaction,
//   client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]
// where `time` is the latency in µs or a word (skipped, failed, serialization, deadlock) and
// time_epoch.time_us is when the transaction ended. Read while the files grow, merged into exact
// latency percentiles, counts per second and the longest stretch without a commit.
#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace pgha::svc {

struct TxLogEntry {
    enum class Outcome : quint8 { Committed, Skipped, Failed, SerializationFailure, DeadlockFailure };
    int clientId = 0;
    qint64 transactionNo = 0;
    Outcome outcome = Outcome::Committed;
    qint64 latencyUs = 0;          // Committed only
    int scriptNo = 0;
    qint64 epochS = 0;
    int epochUs = 0;               // 0..999999
    std::optional<qint64> scheduleLagUs;   // -R
    std::optional<qint64> retries;         // --max-tries other than 1

    qint64 endUs() const { return epochS * 1000000 + epochUs; }
};

// A 7-field line holds either schedule_lag (-R) or retries (--max-tries ≠ 1): only the command
// line that produced the log can tell which. An 8-field line always holds both.
struct TxLogColumns {
    bool scheduleLag = true;
    bool retries = false;
};

// Bounds on fields, far above anything pgbench writes, so that sums and µs timestamps
// (epoch × 10^6) stay inside 64 bits.
inline constexpr qint64 kMaxTxLogEpochSeconds = 100'000'000'000;    // year ~5138
inline constexpr qint64 kMaxTxLogLatencyUs = 1'000'000'000'000;      // 11.6 days
inline constexpr qint64 kMaxTxLogRetries = 1'000'000'000;
// pgbench's lines are under 80 bytes; a longer "line" is not one of them.
inline constexpr qsizetype kMaxTxLogLineBytes = 256;

Result<TxLogEntry> parseTxLogLine(QByteArrayView line, TxLogColumns columns = {});

struct LatencyPercentiles {
    qint64 minUs = 0;
    qint64 p50Us = 0;
    qint64 p90Us = 0;
    qint64 p95Us = 0;
    qint64 p99Us = 0;
    qint64 p999Us = 0;
    qint64 maxUs = 0;
    double meanUs = 0;

    bool operator==(const LatencyPercentiles &) const = default;
};

struct SecondCounts {
    qint64 epochS = 0;
    qint64 committed = 0;
    qint64 failed = 0;
    qint64 skipped = 0;

    bool operator==(const SecondCounts &) const = default;
};

struct TxLogStats {
    qint64 committed = 0;
    qint64 failed = 0;             // all failures, detailed or not
    qint64 serializationFailures = 0;
    qint64 deadlockFailures = 0;
    qint64 skipped = 0;
    qint64 retriedTransactions = 0; // lines with retries > 0
    qint64 totalRetries = 0;
    std::optional<LatencyPercentiles> latency;   // committed transactions; absent when none
    std::optional<qint64> maxScheduleLagUs;
    double meanScheduleLagUs = 0;
    QList<SecondCounts> perSecond;  // ascending by epochS (the second a transaction ended in)
    bool perSecondTruncated = false; // more distinct seconds than kMaxTxLogSeconds
    // Longest time between two consecutive commits (all files merged), and where it starts.
    double longestGapMs = 0;
    qint64 longestGapStartUs = 0;  // epoch µs of the commit before the gap
    bool gapExact = true;          // false once a commit arrived after later ones were settled
    qint64 firstCommitUs = 0;
    qint64 lastCommitUs = 0;

    bool operator==(const TxLogStats &) const = default;
};

// Distinct seconds kept for per-second counts: 11.5 days of run.
inline constexpr qsizetype kMaxTxLogSeconds = 1'000'000;
// Latencies below this are counted in one bucket per µs (8 bytes each, grown only as far as
// the largest latency seen, so a 20 ms run needs 160 KiB); longer ones are kept one by one.
inline constexpr qint64 kExactLatencyBucketsUs = qint64(1) << 20;   // 1.05 s, 8 MiB at most
// Commits held back to order the files' timestamps (see TxLogAccumulator): 32 MiB.
inline constexpr qsizetype kMaxPendingCommits = 4 * 1024 * 1024;

// Latency percentiles of each second while a run goes (the live p50/p95/p99): the committed
// transactions' latencies of the seconds not yet complete are held, and a second is complete
// once every open log file has moved past it. Seconds count from an origin (the run's start),
// so that they line up with pgbench's own progress seconds rather than the calendar's. What is held is bounded by kMaxHeld (the oldest
// seconds are given out early beyond it), not by the run's length.
class RecentLatencies {
public:
    static constexpr qsizetype kMaxHeld = 2'000'000;   // 16 MiB of latencies
    explicit RecentLatencies(qint64 originUs = 0) : m_originUs(originUs) {}

    struct Second {
        qint64 index = 0;       // [origin + index s, origin + index + 1 s)
        qint64 count = 0;
        qint64 p50Us = 0;
        qint64 p95Us = 0;
        qint64 p99Us = 0;
        bool operator==(const Second &) const = default;
    };

    void add(int stream, qint64 endUs, qint64 latencyUs);
    void finishStream(int stream);
    // The complete seconds, oldest first, given out once.
    QList<Second> takeCompleted();
    // Every second held, complete or not (the run ended).
    QList<Second> takeAll();

private:
    Second summarize(qint64 index, std::vector<qint64> &latencies) const;
    QList<Second> takeBefore(qint64 index);

    qint64 m_originUs = 0;
    std::map<qint64, std::vector<qint64>> m_seconds;
    std::vector<qint64> m_streamLastS;          // -1: nothing seen yet
    std::vector<bool> m_streamFinished;
    qsizetype m_held = 0;
};

// Merges the transactions of one run, from one or more log files ("streams"), into exact
// statistics in memory that does not grow with the number of ordinary transactions.
//
// Latencies: a count per µs up to kExactLatencyBucketsUs, and a list of the rare longer ones
// (each such transaction held a client for over a second, so a run has at most clients ×
// seconds of them). Percentiles are exact (nearest rank) and cost one walk over the buckets;
// adding is O(1) and allocation-free. A vector of every latency, sorted when asked, would be
// exact too but cost 4–8 bytes per transaction for the whole run and an O(n log n) sort per
// query — 2 million transactions an hour at a modest 550 tps.
//
// Longest gap: every file is in end-time order (each pgbench thread writes as its transactions
// end), but files are read at different paces. A commit is settled once every open file has
// passed its time (the "watermark"); settled commits are taken in time order and only the last
// one is remembered. What is held back is bounded by how far apart the files are read, not by
// the run's length: read them round-robin, and call finish() when one ends.
class TxLogAccumulator {
public:
    TxLogAccumulator() = default;

    int addStream();                           // one per log file
    void add(int stream, const TxLogEntry &entry);
    void finishStream(int stream);             // no more lines will come from this file

    TxLogStats stats() const;
    // Committed transactions per latency bin: `bins` log-spaced bins from the fastest to the
    // slowest latency seen (upper bound µs, count); empty when nothing committed.
    QList<QPair<qint64, qint64>> histogram(int bins) const;
    // Also hand every committed latency to `recent` (live per-second percentiles); may be null.
    void setRecentLatencies(RecentLatencies *recent) { m_recent = recent; }

private:
    struct Stream {
        std::deque<qint64> pending;            // commit times not yet settled, ascending
        qint64 lastSeen = 0;
        bool any = false;
        bool finished = false;
    };

    // The settled commits, taken in time order: only the newest one and the longest gap so far.
    struct Gap {
        bool any = false;
        qint64 last = 0;
        qint64 longestUs = 0;
        qint64 startUs = 0;
        void take(qint64 t);
    };

    void addCommitTime(int stream, qint64 endUs);
    void settle(bool everything);
    void countSecond(qint64 epochS, TxLogEntry::Outcome outcome);

    std::vector<Stream> m_streams;
    int m_openStreams = 0;
    qsizetype m_pendingTotal = 0;
    qsizetype m_settleAt = 0;
    Gap m_gap;
    bool m_gapExact = true;

    std::vector<quint64> m_buckets;            // m_buckets[us] = count
    std::vector<qint64> m_longLatencies;       // ≥ kExactLatencyBucketsUs, unsorted
    double m_latencySumUs = 0;
    TxLogStats m_counts;                       // the counters; latency and gap filled by stats()
    double m_lagSumUs = 0;
    qint64 m_lagCount = 0;
    std::map<qint64, SecondCounts> m_seconds;
    RecentLatencies *m_recent = nullptr;
};

// Reads one log file as it grows: feed() whatever bytes were appended; a line cut at the end
// of a chunk waits for the rest. Lines that are not pgbench's are counted and skipped.
class TxLogReader {
public:
    explicit TxLogReader(TxLogAccumulator &accumulator, TxLogColumns columns = {});

    void feed(QByteArrayView bytes);
    // The file is complete (pgbench exited): text after the last newline counts as a cut-off
    // line, and the accumulator stops waiting for this file. Later feed() calls are ignored.
    void finish();

    qint64 lines() const { return m_lines; }
    qint64 malformedLines() const { return m_malformed; }
    const QString &firstError() const { return m_firstError; }

private:
    void line(QByteArrayView text);

    TxLogAccumulator &m_accumulator;
    int m_stream;
    TxLogColumns m_columns;
    QByteArray m_partial;
    bool m_discarding = false;                 // inside an over-long line, up to its newline
    bool m_finished = false;
    qint64 m_lines = 0;
    qint64 m_malformed = 0;
    QString m_firstError;
};

} // namespace pgha::svc
