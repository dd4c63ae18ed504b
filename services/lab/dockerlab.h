#pragma once

#include "docker/containerlist.h"
#include "docker/dockercommand.h"
#include "docker/dockersetup.h"
#include "lab/labservice.h"
#include "lab/labstate.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLockFile>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace pgha::svc {

class HttpClient;
class LabHealthCheck;

// The bundled lab as Docker Compose containers (lab-stack/docker): the same topology and host
// ports as the native lab, so one profile serves both. The console copies the Compose project
// into <labDir>/docker with a generated .env, builds the images, brings the services up in
// order of health and checks the data path like the native lab does. Every docker command runs
// as a child process without blocking; state.json (flavor "docker") remembers the project.
class DockerLab : public LabService {
    Q_OBJECT
public:
    static constexpr int kBuildTimeoutMs = 30 * 60 * 1000;   // a cold build installs every package
    static constexpr int kUpTimeoutMs = 6 * 60 * 1000;
    static constexpr int kHealthyTimeoutMs = 4 * 60 * 1000;
    static constexpr int kDownTimeoutMs = 3 * 60 * 1000;
    static constexpr int kPollMs = 1000;
    static constexpr int kLogTailLines = 15;

    DockerLab(LabConfig config, HttpClient *http, QObject *parent = nullptr);
    ~DockerLab() override;

    QString flavor() const override { return QStringLiteral("docker"); }
    const LabConfig &config() const override { return m_config; }
    bool isBusy() const override { return m_busy; }
    void start(const StartOptions &options) override;
    void stop() override;
    // The next stop() also deletes the lab's named volumes (every database and etcd's data).
    void setRemoveVolumes(bool remove) { m_removeVolumes = remove; }

    // What the last detection found (empty before a start or query).
    const std::optional<docker::DockerSetup> &setup() const { return m_setup; }

    using ContainersDone = std::function<void(const Result<QList<docker::ContainerInfo>> &)>;
    // The lab's containers with state and health (and CPU/memory with `withStats`, which takes
    // about 2 s more). Never blocks.
    void listContainers(bool withStats, QObject *context, ContainersDone done);
    // A service's log: the last `tail` lines, then (with `follow`) what it prints until cancelled
    // with docker::cancel() on the returned process. `done` says how it ended.
    QProcess *logs(const QString &service, int tail, bool follow, QObject *context,
              std::function<void(const QString &line)> onLine, std::function<void(const Error *error)> done);

signals:
    // Every container as last seen (during a start, and after listContainers()).
    void containersChanged(const QList<pgha::svc::docker::ContainerInfo> &containers);

private:
    enum class Stage { Idle, Detect, Inspect, Build, Up, WaitHealthy, Health, Failing, Stopping };

    void withSetup(std::function<void()> next, std::function<void(const Error &)> failed);
    QProcess *composeCommand(const QStringList &args, int timeoutMs, std::function<void(const docker::CommandResult &)> done,
                        std::function<void(const QString &line)> onLine = {}, const QStringList &profiles = {});
    void chooseBaseImage();
    void inspectExisting();
    void checkPorts(const QList<docker::ContainerInfo> &running);
    void build();
    void onBuildLine(const QString &line);
    void up();
    void poll();
    void applyContainers(const QList<docker::ContainerInfo> &containers);
    bool allReady() const;
    void runHealthCheck();
    void failStart(const Error &error, const QString &service = {});
    void finishStart(const LabOutcome &outcome);
    void runDown(std::function<void(const LabOutcome &)> then);
    void checkNothingLeft(std::function<void(const LabOutcome &)> then);
    Result<bool> acquireLock();
    void releaseLock();
    void saveState(LabState::Phase phase, const QString &error = {});
    void setStage(const QString &text, int percent);
    void setComponent(const QString &name, LabComponentStatus::State state, const QString &detail);

    LabConfig m_config;
    HttpClient *m_http;
    StartOptions m_options;
    std::optional<docker::DockerSetup> m_setup;
    bool m_busy = false;
    bool m_removeVolumes = false;
    bool m_stopRequested = false;
    Stage m_stage = Stage::Idle;
    LabState m_state;
    std::unique_ptr<QLockFile> m_lock;
    QHash<QString, LabComponentStatus> m_components;
    QHash<QString, docker::ContainerInfo> m_containers;   // by service
    QStringList m_services;                                // in start order
    QPointer<QProcess> m_command;                          // the long command running (build, up)
    QTimer m_poller;
    bool m_polling = false;
    QElapsedTimer m_clock;
    QElapsedTimer m_stageClock;
    QString m_buildService;
    int m_buildStepsSeen = 0;
    bool m_upDone = false;
    QPointer<LabHealthCheck> m_health;
    int m_healthTries = 0;
    quint64 m_generation = 0;
};

} // namespace pgha::svc
