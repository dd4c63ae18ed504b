#pragma once

#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labprogress.h"
#include "lab/labservice.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QLockFile>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

namespace pgha::svc {

class HttpClient;
class LabHealthCheck;
class LabStopper;

// The bundled lab as local processes: etcd ×3, Patroni ×3 with PostgreSQL, PgBouncer ×3 and
// HAProxy. The processes outlive this object (a CLI `lab start` returns while the lab runs);
// everything needed to find and stop them is in the lab directory's state.json.
class NativeLab : public LabService {
    Q_OBJECT
public:
    static constexpr int kStartTimeoutMs = 180000;
    static constexpr int kEtcdTimeoutMs = 30000;
    static constexpr int kTickMs = 250;
    static constexpr int kLogTailLines = 15;

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
    // Reads the lab directory and /proc; fast and synchronous (no network). `flavor` empty: the
    // directory's lab (the one running, else the one used last); otherwise that flavour's.
    static Report inspect(const QString &labDir, const QString &flavor = {});

    NativeLab(LabConfig config, HttpClient *http, QObject *parent = nullptr);
    ~NativeLab() override;

    QString flavor() const override { return QStringLiteral("native"); }
    const LabConfig &config() const override { return m_config; }
    bool isBusy() const override { return m_busy; }

    void start(const StartOptions &options) override;
    // Stops the lab recorded in the lab directory; also cancels a start in progress.
    void stop() override;

private:
    enum class Stage { Idle, StoppingRemains, Certificates, WaitEtcd, WaitMembers, Health, Cancelling, Stopping };

    Result<bool> acquireLock();
    void releaseLock();
    void continueStart();
    Result<bool> preflight();
    Result<bool> prepare();
    void makeCertificates();
    void launchEtcd();
    void applyHttpSecurity();
    QUrl restUrl(int index, const QString &path) const;
    Result<bool> launch(const LabComponent &component);
    void tick();
    void tickEtcd();
    void tickMembers();
    bool checkMemberLogs();
    static QString postgresLogOf(const QString &dataDir);
    void runHealthCheck();
    QString notReadySummary() const;
    QString lastLogMessage(const QString &name) const;
    bool checkMembersAlive();
    void failStart(const Error &error);
    void finishStart(const LabOutcome &outcome);
    void runStopper(LabState state, std::function<void(const LabOutcome &)> then);
    void finishStop(const LabOutcome &outcome);
    void setComponent(const QString &name, LabComponentStatus::State state, const QString &detail);
    void setStage(const QString &text, int percent);
    bool saveState();

    LabConfig m_config;
    HttpClient *m_http;
    StartOptions m_options;
    bool m_busy = false;
    bool m_reuseData = false;
    Stage m_stage = Stage::Idle;
    std::unique_ptr<QLockFile> m_lock;
    LabState m_state;
    LabBinaries m_binaries;
    std::optional<proc::Account> m_runAs;
    QHash<QString, LabComponentStatus> m_components;
    QTimer m_ticker;
    QElapsedTimer m_clock;
    QElapsedTimer m_stageClock;
    QPointer<LabHealthCheck> m_health;
    QPointer<LabStopper> m_stopper;
    int m_inFlight = 0;
    quint64 m_generation = 0;
    QString m_lastHealthProblem;
    QHash<QString, qint64> m_postgresLogStart;   // PostgreSQL log sizes when this start began
    QSet<QString> m_asking;           // members with a REST probe in flight
    bool m_stopRequested = false;   // stop() arrived during a start
};

} // namespace pgha::svc
