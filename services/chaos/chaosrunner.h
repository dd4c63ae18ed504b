#pragma once

#include "chaos/chaoscluster.h"
#include "chaos/chaosload.h"
#include "chaos/chaosreport.h"
#include "chaos/faultcatalog.h"
#include "chaos/phasetracker.h"
#include "lab/labhealth.h"
#include "lab/labstate.h"
#include "patroni/patroniclient.h"
#include "pg/readprobe.h"
#include "profile/profile.h"
#include "process/procutil.h"
#include "pg/writeprobe.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace pgha::svc {

class CommandFaults;
class PgbenchRunner;
class ContainerFaults;

class HttpClient;

struct ChaosOptions {
    static constexpr int kMinWriteIntervalMs = 10;
    static constexpr int kMaxWriteIntervalMs = 1000;
    static constexpr int kMaxHoldS = 600;
    QString faultId;
    std::optional<bool> synchronousMode;   // set for the run and restored after; nullopt: as the cluster has it
    int holdMs = 0;                        // how long a fault without failover lasts before its undo (0: the fault's own)
    int writeIntervalMs = 50;
    int readIntervalMs = 100;
    QString target;                        // the member to hit for replica faults ("" = the first replica)
    int iteration = 1;
    int iterations = 1;
    // External faults (external-primary, external-replica): the user's commands, run with the
    // shell; PGHA_TARGET… name the member hit (chaos/commandfaults.h).
    QString injectCommand;
    QString undoCommand;   // "" = nothing to undo: the member must come back by itself
    // A pgbench workload through the fault (chaos/chaosload.h), from leadS before the fault to
    // tailS after the cluster is healthy again.
    std::optional<ChaosLoad> load;
};

// One fault run, measured as a client sees it, on the console's lab (native or Docker: every
// fault) or on any other cluster through its profile (the user's own faults):
//   check the lab is healthy → set synchronous_mode/failsafe_mode for the run → start the write
//   probe (read-write port) and read probe (read-only port) and the phase tracker → inject →
//   follow until the fault has done its work (a new leader took writes, or the hold ran out) →
//   undo (restart, thaw) → wait for the rejoin and a healthy lab → put the configuration back →
//   read the acknowledged ids back from the leader (RPO) → judge the expectations.
// Asynchronous; emits finished() once, also on errors (verdict ERROR, the lab undone as far as it can be).
class ChaosRunner : public QObject {
    Q_OBJECT
public:
    static constexpr int kHealthyTimeoutMs = 90000;
    static constexpr int kSettleTimeoutMs = 30000;   // after the rejoin: then stuck replicas are reinitialised
    static constexpr int kWarmUpMs = 2000;
    static constexpr int kStallMs = 2000;
    static constexpr int kRejoinTimeoutMs = 60000;
    static constexpr int kTickMs = 100;
    static constexpr int kRestoreTimeoutMs = 30000;
    // Patroni REST calls: a status read, a configuration read or write, and the restart Patroni
    // answers only once PostgreSQL is up again.
    static constexpr int kRestStatusTimeoutMs = 2000;
    static constexpr int kRestConfigTimeoutMs = 3000;
    static constexpr int kRestWriteTimeoutMs = 5000;
    static constexpr int kRestRestartTimeoutMs = 30000;

    // On the lab the console started in `labDir`.
    ChaosRunner(QString labDir, ChaosOptions options, HttpClient *http, QObject *parent = nullptr);
    // On the cluster `profile` describes (the built-in lab's profile: its lab). The profile's
    // read_write.password is the PostgreSQL password ("" lets libpq find one); HTTP credentials
    // are the caller's to set on `http`.
    ChaosRunner(Profile profile, ChaosOptions options, HttpClient *http, QObject *parent = nullptr);
    ~ChaosRunner() override;

    void start();
    // Undo the fault now and finish with verdict ERROR ("cancelled").
    void cancel();
    bool isRunning() const { return m_running; }

    const ChaosReport &report() const { return m_report; }
    // The live RTO counter: ms since the fault was injected, while no write has been acknowledged
    // after it; -1 before the fault. Once writes are back, the RTO.
    qint64 liveRtoMs() const;
    const WriteProbe *writeProbe() const { return m_write.get(); }
    const ReadProbe *readProbe() const { return m_read.get(); }

signals:
    void stageChanged(const QString &text);
    // A line for the event timeline, at ms relative to the fault (negative before it).
    void event(const pgha::svc::ChaosReport::Event &event);
    void faultInjected(const QString &target);
    // The load's commits per second as pgbench reports them, `atS` from the load's start; the
    // fault at `faultAtS` on the same clock (< 0: not injected yet). `committedPerS` < 0: no
    // second of pgbench's, only the fault's time (sent as it is injected).
    void loadSample(double atS, double committedPerS, double faultAtS);
    void finished(const pgha::svc::ChaosReport &report);

private:
    struct Wait {
        std::function<bool()> condition;
        qint64 deadlineMs = 0;
        std::function<void(bool)> then;
    };

    void setStage(const QString &text);
    void addEvent(qint64 probeMs, const QString &source, const QString &text);
    qint64 clockMs() const;
    void waitUntil(int timeoutMs, std::function<bool()> condition, std::function<void(bool)> then);
    void tick();

    // The versions, timings and machine the run ran against, asked beside the run (never in its way).
    void askEnvironment();
    void startOnLab();
    void startOnProfile(int index);
    void rememberStart(const LabHealth &h);
    void findHaproxyProxy(std::function<void()> then);
    void findEtcdKeyspace(std::function<void()> then);
    void injectByCommand();
    void undoByCommand(std::function<void(const QString &sentence)> then);
    QHash<QString, QString> commandEnvironment() const;
    // The load (chaosloadrun.cpp).
    void startLoad();
    bool loadWarmedUp() const;
    void stopLoad(std::function<void()> then);
    void onLoadFinished(const BenchResult &result);
    bool countsHistory() const;
    void countHistory(const PgEndpoint &where, std::function<void(std::optional<qint64>)> then);
    void checkHealthy(qint64 deadlineMs, std::function<void(const LabHealth &)> then,
                      std::function<void(const LabHealth &)> onTimeout = {});
    void heal(const LabHealth &h);
    void afterRecovery(const LabHealth &h);
    void readConfig();
    void configure();
    void waitForSyncMode(bool on, std::function<void(bool)> then);
    void warmUp();
    void inject();
    void injectNow();
    void injectInContainers();
    // Undoes a fault on the Docker lab's containers (async); `then` gets what was done.
    void undoContainers(std::function<void(const QStringList &done)> then);
    QString containerOf(const QString &name) const;
    void observe();
    void undo();
    void recover();
    void trackRejoin();
    void recoverPaused();
    void stopProbes();
    void finalHealth();
    void restoreConfig(std::function<void()> then);
    void putConfigBack(const QJsonObject &patch, qint64 deadlineMs, std::function<void()> then);
    void endConfigBack(const QString &error, const std::function<void()> &then);
    void verifyConfigBack(const QJsonObject &patch, const QString &member, qint64 deadlineMs, std::function<void()> then);
    void checkRpo();
    void checkHistory();
    void finish();
    void fail(const QString &error);

    void onTransition(const PhaseTracker::Transition &t);
    void onWrite(bool ok, qint64 atMs, const QString &error);
    void onRead(const ReadProbe::Answer &a);
    void buildPhases();
    QString memberAnswering(const QString &address, int port) const;
    void patchConfig(const QJsonObject &patch, std::function<void(bool)> then);

    QString m_labDir;                  // "" on a profile's cluster
    std::optional<Profile> m_profile;  // set on a profile's cluster
    ChaosOptions m_options;
    HttpClient *m_http;
    PatroniClient m_patroni;
    const FaultInfo *m_fault = nullptr;
    LabState m_state;                  // the lab's (its processes and containers); empty otherwise
    ChaosCluster m_cluster;            // where the run reaches the cluster, lab or not
    ChaosReport m_report;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_finished = false;

    std::unique_ptr<WriteProbe> m_write;
    std::unique_ptr<ReadProbe> m_read;
    QPointer<PhaseTracker> m_tracker;
    QTimer m_ticker;
    QElapsedTimer m_runClock;
    std::optional<Wait> m_wait;
    quint64 m_generation = 0;

    LabHealth m_startHealth;
    std::optional<bool> m_restoreSync;
    std::optional<bool> m_restoreFailsafe;
    qint64 m_faultAtMs = -1;           // probe clock
    qint64 m_undoAtMs = -1;
    qint64 m_probesStoppedAtMs = -1;
    qint64 m_firstFailAfterFault = -1;
    bool m_writesFailing = false;
    bool m_readsFailing = false;
    bool m_injected = false;
    bool m_undone = false;
    QStringList m_victims;             // component names hit
    QList<proc::ProcessRef> m_frozen;  // processes to thaw
    ContainerFaults *m_containers = nullptr;   // Docker lab: faults are docker commands
    CommandFaults *m_commands = nullptr;       // external faults: the user's commands
    PgbenchRunner *m_pgbench = nullptr;        // the load, while it runs
    QString m_loadDir;                         // pgbench's -l files while it runs (removed after)
    QElapsedTimer m_loadClock;
    qint64 m_loadStartMs = -1;                 // probe clock when pgbench started
    int m_loadSamples = 0;
    std::optional<BenchResult> m_loadResult;
    std::function<void()> m_afterLoad;         // what waits for the load to stop
    qint64 m_probeEpochMs = 0;                 // UTC ms at the probes' clock zero
    std::optional<qint64> m_historyAfter;      // pgbench_history rows on the new primary after the load (tpcb-like)
    QString m_pausedContainer;         // Docker lab: to unpause
    QString m_stalledContainer;        // Docker lab: WAL senders to continue
    QString m_partitionedContainer;    // Docker lab: to reconnect
    QString m_rejoinMember;
    bool m_rejoinQueryBusy = false;
    bool m_rejoined = false;
    QString m_currentLeaderKey;
    QSet<int> m_readPorts;
};

} // namespace pgha::svc
