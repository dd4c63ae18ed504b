#pragma once

#include "chaos/chaosload.h"

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pgha::svc {

// One fault run as a client saw it. Times are milliseconds on the probes' monotonic clock,
// relative to the moment the fault was injected (negative: before it). The JSON form is
// documented in docs/chaos-report.schema.json (schema "pgha.chaos.run/1").
struct ChaosReport {
    static constexpr const char *kSchema = "pgha.chaos.run/1";

    struct Phase {
        QString key;                  // haproxy_old_down, leader_key_gone, new_leader_key, new_primary_200, haproxy_new_up, first_write
        QString title;
        std::optional<qint64> atMs;   // nullopt: not seen
        QString detail;
    };
    struct Event {
        qint64 atMs = 0;
        QString source;               // probe, etcd, HAProxy, pg2 REST, chaos
        QString text;
    };
    struct LeaderChange {
        qint64 atMs = 0;
        QString holder;               // who holds the leader key from then on ("" = nobody)
    };
    struct Expectation {
        QString text;                 // what should happen
        bool passed = false;
        QString decidedBy;            // the figures that decided
    };
    struct Writes {
        int sent = 0;
        int acknowledged = 0;
        int failed = 0;
        int intervalMs = 0;
        QString lastError;
    };
    struct Reads {
        int attempted = 0;
        int succeeded = 0;
        qint64 longestGapMs = -1;     // longest time without a successful read after the fault
        QStringList answeredBy;       // members that answered on the read-only port during the run
    };
    struct Rpo {
        bool checked = false;
        int acknowledged = 0;         // acknowledged ids kept client-side
        int missing = 0;              // acknowledged ids absent on the new primary
        QList<qint64> missingIds;     // at most 100 of them
        std::optional<qint64> lsnGapBytes;   // WAL of the last acknowledged write past the timeline switch
        QString checkedOn;            // the member read back from
        QString note;
    };
    struct Rejoin {
        QString member;
        QString state;                // streaming, leader_again, needs_reinit, not_applicable
        std::optional<qint64> ms;     // from the undo to streaming again
        QString note;
    };

    QString runId;
    QString faultId;
    QString faultTitle;
    QString faultWhat;
    QString startedAt;                // ISO 8601 UTC
    int iteration = 1;
    int iterations = 1;
    QString labDir;                   // "" on a cluster the console did not build
    QString flavor = QStringLiteral("native");   // native, docker, or "profile" (a cluster through its profile)
    QString cluster;                  // which cluster: "the lab in DIR", "SCOPE (profile FILE)"
    // What the cluster ran with: the Patroni timings from GET /config and HAProxy's checks.
    QString preset;
    int ttl = 0, loopWait = 0, retryTimeout = 0;
    int haproxyInterMs = 0, haproxyFall = 0, haproxyRise = 0;
    bool synchronousMode = false;
    bool failsafeMode = false;
    bool paused = false;

    QString target;                   // the member or component hit
    QString oldLeader, newLeader;
    std::optional<qint64> oldTimeline, newTimeline;
    std::optional<qint64> rtoMs;      // fault → first acknowledged write ending the outage
    std::optional<qint64> writeGapMs; // last acknowledgement before → first after (the outage)
    std::optional<qint64> writeGapStartMs;   // when that gap began (its last acknowledgement before)
    std::optional<qint64> budgetMs;   // what the timings predict for this fault
    QString budgetFormula;
    std::optional<qint64> undoAtMs;   // when the console undid the fault
    QList<Phase> phases;
    QList<LeaderChange> leaderHistory;   // the leader key's holders from the fault on, as etcd showed them
    Writes writes;
    Reads reads;
    Rpo rpo;
    Rejoin rejoin;
    QStringList reinitialised;        // members the console had to reinitialise to make the lab healthy again
    QList<Expectation> expectations;
    QString verdict;                  // PASS, FAIL or ERROR (the run itself could not be made)
    QString error;
    QList<Event> events;
    std::optional<ChaosLoadReport> load;   // the pgbench workload that ran through the fault (--load)
    QJsonObject environment;          // versions, timings, machine when the run started (BenchManifest's JSON); {} if unknown

    bool passed() const { return verdict == u"PASS"; }
    const Phase *phase(const QString &key) const;
    // "pg1 → pg3 (10.95 s) → pg1 (12.07 s)"
    QString leaderHistoryText() const;

    QJsonObject toJson() const;
    static Result<ChaosReport> fromJson(const QJsonObject &o);
    static QStringList csvHeader();
    QStringList csvRow() const;
};

// Median, 95th percentile and max of the runs' RTO and write gap; how many passed.
struct ChaosSummary {
    struct Stats {
        int count = 0;
        qint64 min = 0, median = 0, p95 = 0, max = 0;
    };
    QString faultId;
    int runs = 0;
    int passed = 0;
    Stats rto;
    Stats writeGap;
    Stats rejoin;
    int lostWrites = 0;               // summed over the runs
};
ChaosSummary summarizeRuns(const QList<ChaosReport> &runs);
ChaosSummary::Stats statsOf(QList<qint64> values);
QJsonObject summaryToJson(const ChaosSummary &s);

// The report card in plain text (the CLI prints it; the GUI shows the same figures).
QString reportCardText(const ChaosReport &r);
QString formatSeconds(std::optional<qint64> ms);

// Every run is kept: one JSON object per line in the chaos store, exportable as JSONL and CSV.
QString defaultChaosStorePath();
Result<bool> appendChaosRun(const QString &path, const ChaosReport &run);
// Unreadable lines are skipped and counted in `skipped` (a store survives a torn write).
Result<QList<ChaosReport>> loadChaosRuns(const QString &path, int *skipped = nullptr);
// The store's bytes read as loadChaosRuns() reads them (pure: the fuzzer feeds it).
QList<ChaosReport> parseChaosRuns(const QByteArray &jsonl, int *skipped = nullptr);
// Atomic writes (QSaveFile): the runs as JSONL, or as CSV with one row per run.
Result<bool> exportChaosRuns(const QString &path, const QList<ChaosReport> &runs);

} // namespace pgha::svc
