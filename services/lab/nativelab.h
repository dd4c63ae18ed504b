#pragma once

#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labprogress.h"
#include "lab/labservice.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <optional>

namespace pgha::svc {

class HttpClient;
class LabStopper;

// The bundled lab as local processes: etcd ×3, Patroni ×3 with PostgreSQL, PgBouncer ×3 and
// HAProxy. The processes outlive this object (a CLI `lab start` returns while the lab runs);
// everything needed to find and stop them is in the lab directory's state.json.
class NativeLab : public LabService {
    Q_OBJECT
public:
    static constexpr int kStartTimeoutMs = 180000;
    static constexpr int kEtcdTimeoutMs = 30000;
    // Readiness is looked at every tick (process liveness, etcd, the proxies' ports); Patroni's
    // REST API, which answers in Python on the same two cores as initdb and the clones, every
    // kPatroniEveryTicks ticks.
    static constexpr int kTickMs = 100;
    static constexpr int kPatroniEveryTicks = 2;
    static constexpr int kLogTailLines = 15;

    NativeLab(LabConfig config, HttpClient *http, QObject *parent = nullptr);
    ~NativeLab() override;

    QString flavor() const override { return QStringLiteral("native"); }
    QList<LabComponent> components() const override { return m_config.components(); }
    void start(const StartOptions &options) override;
    // Stops the lab recorded in the lab directory; also cancels a start in progress.
    void stop(const StopOptions &options = {}) override;
    Overview overview() const override;

protected:
    void undoStart(const Error &error, const QString &component, UndoDone done) override;
    void startEnded() override;
    bool awaitsHealth() const override { return m_stage == Stage::Health; }
    std::optional<LabOutcome> judgeHealth(const LabHealth &health) override;
    int healthRetryMs() const override;

private:
    enum class Stage { Idle, StoppingRemains, Certificates, WaitEtcd, WaitMembers, Health, Cancelling, Stopping };

    void continueStart();
    Result<bool> preflight();
    Result<bool> prepare();
    void makeCertificates();
    void launchEtcd();
    void applyHttpSecurity();
    Result<bool> launch(const LabComponent &component);
    void tick();
    // nativelabwait.cpp: waiting for the processes, and what each stage took.
    QString proxiesDescription() const;
    void tickEtcd();
    void probeEtcd(const LabComponent &c);
    void tickProxies();
    void launchMembers();
    void tickMembers();
    void noteMember(const QString &name, bool leader, const QString &state);
    void notePatroniVersion(const QString &version);
    bool checkMemberLogs();
    static QString postgresLogOf(const QString &dataDir);
    QString notReadySummary() const;
    QString lastLogMessage(const QString &name) const;
    bool checkMembersAlive();
    void runStopper(LabState state, std::function<void(const LabOutcome &)> then);
    void finishStop(const LabOutcome &outcome);

    bool m_reuseData = false;
    Stage m_stage = Stage::Idle;
    LabBinaries m_binaries;
    std::optional<proc::Account> m_runAs;
    QTimer m_ticker;
    QPointer<LabStopper> m_stopper;
    QString m_leader;                 // the first member seen running as leader in this start
    QString m_patroniVersion;         // what the first member to answer said it runs
    quint64 m_ticks = 0;
    QString m_lastHealthProblem;
    QHash<QString, qint64> m_postgresLogStart;   // PostgreSQL log sizes when this start began
    QSet<QString> m_asking;           // members (etcd, Patroni) with a probe in flight
};

} // namespace pgha::svc
