#pragma once

#include "docker/containerlist.h"
#include "docker/dockersetup.h"
#include "lab/labconfig.h"
#include "lab/labprogress.h"
#include "lab/labstate.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLockFile>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QProcess;

namespace pgha::svc {

class HttpClient;

// How a lab stops (outside LabService so that it can be a default argument there).
struct LabStopOptions {
    bool deleteVolumes = false;   // Docker: also its named volumes (every database, etcd's data)
};

// The bundled lab, whichever way it runs: as local processes (NativeLab) or as Docker Compose
// containers (DockerLab). Same topology, same ports, same progress signals; the GUI and the CLI
// drive either through this interface and never need to know which one they hold.
//
// The lifecycle both share lives here once: the lab directory's lock and state file, the stage
// and per-component progress, the end of a start (failed or not) and the data-path health
// check. What differs is virtual: the components, how a start and a stop go, what the lab
// directory says while nothing runs, containers and logs.
class LabService : public QObject {
    Q_OBJECT
public:
    // What to do with a lab directory whose lab died without a clean stop.
    enum class StaleAction { Refuse, Reuse, Wipe };
    struct StartOptions {
        StaleAction stale = StaleAction::Refuse;
        bool wipe = false;   // start from nothing even after a clean stop
    };
    using StopOptions = LabStopOptions;

    // What a lab directory holds, read from its state file and /proc (no network).
    enum class Status { Absent, Stopped, Running, Partial, Stale, Busy };
    static QString statusName(Status s);
    struct ComponentReport {
        QString name;
        LabComponentKind kind = LabComponentKind::Etcd;
        qint64 pid = 0;
        bool alive = false;
        QList<LabPort> ports;
        QList<bool> listening;
        QString logFile;
    };
    struct Report {
        Status status = Status::Absent;
        QString labDir;
        std::optional<LabState> state;
        QList<ComponentReport> components;
        QString summary;      // one sentence for people
    };
    // Reads the lab directory and /proc; fast and synchronous. `flavor` empty: the directory's
    // lab (the one running, else the one used last); otherwise that flavour's.
    static Report inspect(const QString &labDir, const QString &flavor = {});

    // The lab as a display shows it while no start or stop runs.
    struct Overview {
        Status status = Status::Absent;
        QList<LabComponentStatus> components;
        QString stage;
        int percent = 0;
        bool canStart = true;
        bool canStop = false;
        bool mayHaveContainers = false;   // worth asking the engine about (a Docker lab is recorded)
    };

    using ContainersDone = std::function<void(const Result<QList<docker::ContainerInfo>> &)>;

    LabService(LabConfig config, HttpClient *http, QObject *parent = nullptr);
    ~LabService() override;

    virtual QString flavor() const = 0;          // "native", "docker"
    const LabConfig &config() const { return m_config; }
    bool isBusy() const { return m_busy; }
    // Every component this flavour runs with its configuration, in start order.
    virtual QList<LabComponent> components() const = 0;
    virtual void start(const StartOptions &options) = 0;
    // Stops the lab recorded in the lab directory; also cancels a start in progress.
    virtual void stop(const StopOptions &options = {}) = 0;
    // A stop may also delete data kept outside the lab directory (the Docker lab's volumes):
    // a person is asked which (StopOptions::deleteVolumes).
    virtual bool stopMayDeleteVolumes() const { return false; }
    // What the lab directory (and the containers last listed) say now.
    virtual Overview overview() const = 0;

    // Containers: only a flavour that runs them has any (the others answer NotFound).
    virtual bool hasContainers() const { return false; }
    // The engine this lab's containers run on, once asked (empty before, and without containers).
    virtual const std::optional<docker::DockerSetup> &engine() const;
    // The lab's containers with state and health (and CPU/memory with `withStats`). Never blocks.
    virtual void listContainers(bool withStats, QObject *context, ContainersDone done);
    // A component's log from a child process: the last `tail` lines, then (with `follow`) what
    // it prints until cancelled. nullptr (with `done` called, or to be called) when the lab
    // keeps its logs in files instead (LabLayout::logFile) or the process could not start.
    virtual QProcess *logs(const QString &component, int tail, bool follow, QObject *context,
                           std::function<void(const QString &line)> onLine, std::function<void(const Error *error)> done);

signals:
    void componentChanged(const pgha::svc::LabComponentStatus &status);
    void stageChanged(const QString &text, int percent);
    void message(const QString &line);
    void startFinished(const pgha::svc::LabOutcome &outcome);
    void stopFinished(const pgha::svc::LabOutcome &outcome);
    // Every container as last seen (during a start, and after listContainers()).
    void containersChanged(const QList<pgha::svc::docker::ContainerInfo> &containers);

protected:
    // Held from a start's or stop's beginning to its end: one at a time per lab directory.
    Result<bool> acquireLock();
    void releaseLock();
    // Writes the state file with `phase` (the controlling pid only while starting or stopping)
    // and `error` as the last error; what cannot be written is said as a message.
    bool saveState(LabState::Phase phase, const QString &error = {});
    // The flavour's part of the state before it is written (e.g. the containers' names).
    virtual void fillState(LabState &) const {}
    void setStage(const QString &text, int percent);
    void setComponent(const QString &name, LabComponentStatus::State state, const QString &detail);

    // A start failed: once, whatever else still reports. The flavour takes down what it launched
    // (undoStart, which may add to the error, e.g. the failing component's last log lines), then
    // the start ends with that error. A stop that arrives meanwhile takes over (m_generation).
    void failStart(const Error &error, const QString &component = {});
    using UndoDone = std::function<void(const Error &error)>;
    virtual void undoStart(const Error &error, const QString &component, UndoDone done) = 0;
    // The start ends: unlocked, idle (startEnded()), startFinished; a stop that cancelled it
    // (m_stopRequested) ends with it.
    void finishStart(const LabOutcome &outcome);
    virtual void startEnded() {}

    // The data path (LabHealthCheck) asked until judgeHealth() returns how the start ends;
    // again every healthRetryMs() while awaitsHealth().
    void runHealthCheck();
    virtual bool awaitsHealth() const = 0;
    virtual std::optional<LabOutcome> judgeHealth(const LabHealth &health) = 0;
    virtual int healthRetryMs() const = 0;

    // A start's common beginning: refused while another start or stop runs; the lab directory
    // claimed (nothing is created in a directory that is not a lab's; `forRunAsUser`: readable by
    // the account that runs the members) and locked. False: startFinished said why.
    bool beginStart(const StartOptions &options, bool forRunAsUser);

    // The stage a start is in now ends and `key` begins (LabStartBreakdown::advance), on m_clock.
    void beginStage(const QString &key, const QString &label);

    LabConfig m_config;
    HttpClient *m_http;
    StartOptions m_options;
    bool m_busy = false;
    bool m_stopRequested = false;   // stop() arrived during a start
    quint64 m_generation = 0;       // callbacks of an earlier start or stop are ignored
    LabState m_state;
    QHash<QString, LabComponentStatus> m_components;
    QElapsedTimer m_clock;          // since the start or stop began
    QElapsedTimer m_stageClock;     // since the stage began
    LabStartBreakdown m_breakdown;  // where this start's time goes (the outcome carries it)

private:
    std::unique_ptr<QLockFile> m_lock;
    bool m_failing = false;
    int m_healthChecks = 0;         // data-path checks of this start, and what the failed ones lacked
    QStringList m_healthWaits;
};

QStringList labFlavors();   // "native", "docker"

} // namespace pgha::svc
