#pragma once

#include "lab/labprogress.h"
#include "lab/labstate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace pgha::svc {

// Stops every process recorded in a lab state, in dependency order, escalating from SIGTERM
// to SIGKILL, then reaps PostgreSQL postmasters that Patroni left behind (Patroni detaches
// them on purpose) and waits until every lab port is free. Asynchronous; emits finished() once.
class LabStopper : public QObject {
    Q_OBJECT
public:
    static constexpr int kPatroniGraceMs = 20000;   // Patroni stops PostgreSQL first
    static constexpr int kOtherGraceMs = 5000;
    // A stopping etcd leader first hands its leadership to a connected peer and waits for it
    // to take over: with every member stopped at once that peer is stopping too and the leader
    // waited out its grace, then SIGKILL. So the members stop one at a time: a leader then
    // hands over to a live peer, or finds none connected and stops at once. Per member.
    static constexpr int kEtcdGraceMs = 2000;
    static constexpr int kPortFreeTimeoutMs = 8000;
    static constexpr int kTickMs = 100;

    LabStopper(LabState state, QObject *parent = nullptr);
    void start();

signals:
    void componentChanged(const pgha::svc::LabComponentStatus &status);
    void finished(const pgha::svc::LabOutcome &outcome);

private:
    // Replicas stop before the leader: stopped together, a replica may promote itself while
    // the leader shuts down and fork the timeline.
    enum class Stage { FrontAndReplicas, Leader, Postmasters, Etcd, Ports, Done };
    struct Target {
        QString name;
        LabComponentKind kind;
        qint64 pid;
        qint64 startTicks;
        qint64 pgid;
        bool isPostmaster;
    };

    void enterStage(Stage stage);
    void tick();
    QList<Target> targetsFor(Stage stage) const;
    void report(const Target &t, LabComponentStatus::State state, const QString &detail);
    int graceMs(Stage stage) const;

    LabState m_state;
    Stage m_stage = Stage::FrontAndReplicas;
    QList<Target> m_targets;
    bool m_escalated = false;
    QTimer m_ticker;
    QElapsedTimer m_stageClock;
    QElapsedTimer m_totalClock;
    QStringList m_warnings;
};

} // namespace pgha::svc
