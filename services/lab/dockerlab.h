#pragma once

#include "docker/containerlist.h"
#include "docker/dockercommand.h"
#include "docker/dockersetup.h"
#include "lab/labservice.h"
#include "lab/labstate.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

namespace pgha::svc {

class HttpClient;

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
    QList<LabComponent> components() const override;
    void start(const StartOptions &options) override;
    // With `deleteVolumes`, the lab's named volumes go too (every database and etcd's data).
    void stop(const StopOptions &options = {}) override;
    bool stopMayDeleteVolumes() const override { return true; }
    Overview overview() const override;

    bool hasContainers() const override { return true; }
    // What the last detection found (empty before a start or query).
    const std::optional<docker::DockerSetup> &engine() const override { return m_setup; }
    // Takes about 2 s more `withStats`.
    void listContainers(bool withStats, QObject *context, ContainersDone done) override;
    // Cancelled with docker::cancel() on the returned process. `done` says how it ended.
    QProcess *logs(const QString &service, int tail, bool follow, QObject *context,
                   std::function<void(const QString &line)> onLine, std::function<void(const Error *error)> done) override;

protected:
    void fillState(LabState &state) const override;
    void undoStart(const Error &error, const QString &service, UndoDone done) override;
    void startEnded() override;
    bool awaitsHealth() const override { return m_stage == Stage::Health && !m_stopRequested; }
    std::optional<LabOutcome> judgeHealth(const LabHealth &health) override;
    int healthRetryMs() const override;

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
    // What the containers' readiness says about the start's stages (dockerlabengine.cpp).
    void noteContainerStages();
    bool allReady() const;
    void checkHealth();
    void runDown(std::function<void(const LabOutcome &)> then);
    void checkNothingLeft(std::function<void(const LabOutcome &)> then);
    // Finds the engine and Compose once (m_setup); `then` gets the failure, of a kind, or nullptr.
    void detect(QObject *context, std::function<void(const Error *error)> then);
    // The engine's last listing: kept for overview() and said (containersChanged).
    void remember(const QList<docker::ContainerInfo> &containers);

    std::optional<docker::DockerSetup> m_setup;
    bool m_removeVolumes = false;
    Stage m_stage = Stage::Idle;
    QHash<QString, docker::ContainerInfo> m_containers;   // by service
    QStringList m_services;                                // in start order
    QList<docker::ContainerInfo> m_listed;                 // the engine's last answer, for overview()
    qint64 m_listedAtMs = 0;
    QPointer<QProcess> m_command;                          // the long command running (build, up)
    QTimer m_poller;
    bool m_polling = false;
    QString m_buildService;
    int m_buildStepsSeen = 0;
    bool m_upDone = false;
};

namespace dockerlab {

inline constexpr int kQueryTimeoutMs = 60000;   // docker-compose v1 alone can take 20 s to start when the host is busy

// Every Compose profile: a stop or a log must reach the services of either front.
QStringList allProfiles();
// The `docker ps --filter` for the project's containers, volumes and networks.
QString projectLabel(const QString &project);
// A failed docker command as the lab reports it: explained for people (docker::explainFailure)
// and of a kind a caller decides by: NotFound (the program is missing), Unavailable (the
// engine is out of reach: daemon down, its socket refused to this account), Timeout,
// Cancelled, else ProcessFailed.
Error commandError(const docker::CommandResult &result, const QString &what);
// A failed detection of the engine or Compose: Unavailable, or NotFound without a docker program.
Error engineError(Error detection);

} // namespace dockerlab

} // namespace pgha::svc
