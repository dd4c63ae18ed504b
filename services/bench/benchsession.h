#pragma once

#include "bench/benchmanifest.h"
#include "bench/benchrun.h"
#include "bench/benchtargets.h"
#include "profile/profile.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

// A benchmark session: one or more targets × a clients sweep × repetitions, each run through
// one PgbenchRunner after the other, with a warm-up before each configuration. What the CLI's
// `pgha bench run` and the console's Bench tab both drive; every measured run is kept in the
// store as it ends, so an interrupted session loses nothing already measured.
namespace pgha::svc {

struct BenchPlan {
    // Limits: a sweep or a series longer than this is a typo, not an experiment.
    static constexpr int kMaxRepeat = 100;
    static constexpr int kMaxSweepPoints = 32;
    static constexpr int kMaxWarmupS = 3600;

    QStringList targets{QStringLiteral("rw")};   // run in this order: "rw", "direct", "member:pg2" …
    BenchWorkload workload;                     // its clients unless clientsSweep names some
    QList<int> clientsSweep;                    // --clients 1,2,4,8: one configuration per entry
    int repeat = 1;                             // measured runs per configuration
    int warmupS = 0;                            // a run of this length before each configuration, not kept
    bool cold = false;                          // restart the servers (and drop the page cache) before each run
    QString label;

    // Why this plan cannot run, "" when it can (the workload's own problem included).
    QString problem() const;
    // The clients of each configuration, in order.
    QList<int> clientsList() const;
    // Measured runs in all (warm-ups not counted).
    int runCount() const;
};

// "1,2,4,8" → {1, 2, 4, 8}; an error names the bad entry.
Result<QList<int>> parseClientsList(const QString &text);

class ColdCache;
class PgbenchRunner;

class BenchSession : public QObject {
    Q_OBJECT
public:
    explicit BenchSession(QObject *parent = nullptr);
    ~BenchSession() override;

    // `storePath` empty: runs are not kept. `workDir` holds the -l files while a run lasts.
    void start(const Profile &profile, const BenchPlan &plan, const QString &workDir, const QString &storePath);
    // Ends the current run cleanly (its figures so far are kept, marked stopped); no further run starts.
    void stop();
    bool isRunning() const { return m_running; }
    // The series id every run of this session carries ("series" in the store).
    QString seriesId() const { return m_seriesId; }

signals:
    // A measured run (or a warm-up, index -1) begins: `index` of `count` (0-based).
    void runStarted(int index, int count, const QString &target, int clients, int repetition, bool warmup);
    // One second of the current run (warm-ups too: `warmup` true).
    void sample(const pgha::svc::BenchSample &sample, bool warmup);
    // One second's p50/p95/p99 from the -l logs, a second or so after that second's sample.
    void latencySecond(const pgha::svc::BenchLatencySecond &second, bool warmup);
    // The load generator's CPU over the last second, in % of one core (Linux: /proc), and the
    // number of pgbench threads it has (saturated near threads × 100 %).
    void loadGeneratorCpu(double percentOfCore, int threads);
    // Something the user should read ("warming up 10 s, not kept", "restarting pg2 for a cold cache").
    void note(const QString &text);
    // A measured run ended (already stored when a store was given).
    void runFinished(const pgha::svc::BenchResult &result);
    // The session is over: every measured run, and why it ended early ("" when it did not).
    void finished(const QList<pgha::svc::BenchResult> &runs, const QString &error);

private:
    struct Step {
        QString target;
        int clients = 1;
        int repetition = 0;     // 0-based; -1 for a warm-up
    };
    void prepareTarget(int stepIndex);
    void afterManifest(int stepIndex, const BenchTarget &target);
    void startStep(int stepIndex, const BenchTarget &target);
    void onRunFinished(const BenchResult &result);
    void finishSession(const QString &error);

    Profile m_profile;
    BenchPlan m_plan;
    QString m_workDir;
    QString m_storePath;
    QString m_seriesId;
    QString m_pgbench;
    QList<Step> m_steps;
    int m_current = -1;
    int m_measuredIndex = 0;
    QList<BenchResult> m_results;
    BenchManifest m_manifest;
    QString m_manifestFor;                 // the target m_manifest was collected through
    QList<AnsweredServer> m_answered;      // before the current run
    QStringList m_coldNotes;               // what the cold-cache step said, kept with the run
    std::unique_ptr<PgbenchRunner> m_runner;
    std::unique_ptr<ColdCache> m_cold;
    bool m_running = false;
    bool m_stopping = false;
};

} // namespace pgha::svc
