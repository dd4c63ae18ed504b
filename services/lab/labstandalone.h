#pragma once

#include "core/result.h"
#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labstandaloneconfig.h"
#include "lab/labstate.h"
#include "pg/pgquery.h"
#include "process/procutil.h"

#include <QElapsedTimer>
#include <QLockFile>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

// The standalone baseline: a plain PostgreSQL of the native lab's version and parameters, no
// Patroni, no replication, on its own port (LabPorts::standalone), started on demand — the single
// node that benchmarks compare the cluster against ("what does HA cost?"). It lives in the lab
// directory (<labDir>/standalone, conf/standalone, logs/standalone.log, standalone.json), runs as
// the lab's members do (as `postgres` via setpriv when started as root) and outlives the program
// that started it; `pgha lab stop` stops it with the lab.
namespace pgha::svc {

// What a lab directory's standalone is doing: read from standalone.json and /proc; fast,
// synchronous, no network.
struct StandaloneReport {
    enum class Status {
        Absent,    // never started in this lab directory
        Stopped,
        Running,
        Stale,     // recorded as running but dead (crashed, machine restarted), or alive outside a start
        Busy,      // another program is starting or stopping it
    };
    Status status = Status::Absent;
    QString labDir;
    std::optional<StandaloneState> state;
    qint64 pid = 0;            // its live postmaster, 0 when none
    bool listening = false;
    QString summary;           // one sentence for people

    static QString statusName(Status s);
};

struct StandaloneOutcome {
    bool ok = false;
    bool alreadyRunning = false;   // start: it ran already (reported, not an error)
    bool wasRunning = false;       // stop: there was something to stop
    Error error;
    qint64 elapsedMs = 0;
    StandaloneReport report;       // after the start or stop
};

// Starts and stops a lab directory's standalone; asynchronous (QProcess signals, timers and
// libpq's non-blocking API: nothing waits), one finished() per start() or stop().
class LabStandalone : public QObject {
    Q_OBJECT
public:
    static constexpr int kInitdbTimeoutMs = 120000;
    static constexpr int kReadyTimeoutMs = 60000;    // from launch until it answers a query
    static constexpr int kStopGraceMs = 15000;       // fast shutdown, then SIGKILL
    static constexpr int kKillWaitMs = 5000;         // after SIGKILL, before giving up
    static constexpr int kPortFreeTimeoutMs = 8000;
    static constexpr int kTickMs = 200;
    static constexpr int kProbeTimeoutMs = 3000;
    static constexpr int kLogTailLines = 15;

    explicit LabStandalone(QString labDir, QObject *parent = nullptr);
    ~LabStandalone() override;

    static StandaloneReport inspect(const QString &labDir);

    bool isBusy() const { return m_stage != Stage::Idle; }
    // Running already: reported as success with alreadyRunning. Data made with other passwords or
    // server programs than the lab's now (a lab started again with --wipe) is made again.
    void start();
    // Stops it (fast shutdown, SIGKILL after kStopGraceMs) until its port is free; during a start:
    // cancels it, and the start finishes with an error.
    void stop();

signals:
    void message(const QString &line);
    void finished(const pgha::svc::StandaloneOutcome &outcome);

private:
    enum class Stage { Idle, StoppingOld, Parameters, Initdb, WaitReady, Stopping, Cancelling };
    struct Target {
        qint64 pid = 0;
        qint64 startTicks = 0;
        qint64 pgid = 0;
    };

    Result<bool> loadLab();
    Result<bool> lock();
    void continueStart();
    Result<bool> preflight();
    Result<bool> claimDir();
    void readMemberParameters();
    void useParameters(const QMap<QString, QString> &member, const QString &source);
    void prepareData();
    void dataRemoved(quint64 generation, const Result<bool> &removed);
    void runInitdb();
    void launch();
    void tickReady();
    void probe();
    void markRunning(const QString &version);
    void failStart(const Error &error);
    void failEarly(const Error &error);
    void finishFailure();
    void stopProcesses(std::function<void(const Error *)> then);
    void tickStop();
    void finish(StandaloneOutcome outcome);
    bool save();
    PgEndpoint endpoint() const;
    QString dir() const;
    QString dataDir() const;
    QString confDir() const;
    QString logFile() const;
    QString logTail() const;
    QString initdbPasswordFile() const;

    QString m_labDir;
    LabConfig m_config;
    LabState::Secrets m_secrets;
    LabBinaries m_binaries;
    std::optional<proc::Account> m_runAs;
    QByteArray m_memberYaml;
    StandaloneState m_state;
    Stage m_stage = Stage::Idle;
    bool m_starting = false;          // the operation is a start (a stop during it cancels)
    bool m_claimed = false;           // this start recorded itself in the state file
    std::unique_ptr<QLockFile> m_lock;
    QElapsedTimer m_clock;
    QElapsedTimer m_stageClock;
    QTimer m_ticker;
    QPointer<PgQuery> m_probe;
    QPointer<QProcess> m_initdb;
    Error m_failure;                  // what a failing start reports once it has stopped
    QString m_lastProbeError;
    QList<Target> m_targets;          // what a stop waits for
    bool m_hadTargets = false;
    bool m_killed = false;
    bool m_portWait = false;
    std::function<void(const Error *)> m_afterStop;
    quint64 m_generation = 0;
};

// The standalone's address with the lab's superuser password (user and database postgres); an
// error naming the fix when it does not run, or runs with the lab's earlier password.
Result<PgEndpoint> standaloneEndpoint(const QString &labDir);

// Starts the standalone unless it runs, then answers with its endpoint. `done` runs once,
// asynchronously, in `context`'s thread; destroying `context` first cancels (what the start
// launched is stopped).
void ensureStandalone(const QString &labDir, QObject *context, std::function<void(const Result<PgEndpoint> &)> done);

// Stops the standalone if one runs (`pgha lab stop` calls this). `done` runs once, asynchronously.
void stopStandalone(const QString &labDir, QObject *context, std::function<void(const StandaloneOutcome &)> done);

// The entries of the lab directory the standalone owns, for a wipe: none while it runs (its data
// stays under a live server) or when the directory holds no standalone state (then a
// "standalone" entry is not ours).
QStringList standaloneWipeEntries(const QString &labDir);

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::StandaloneOutcome)
