// ChaosRunner on the Docker lab: the same faults as on the native lab, done with docker
// commands (kill, pause, exec pkill, network disconnect) instead of signals. The rest of a run
// (probes, phases, rejoin, RPO) is the same; see chaosrunner.cpp and chaosrecovery.cpp.
#include "chaos/chaosrunner.h"

#include "chaos/containerfaults.h"

#include <QTimer>

namespace pgha::svc {

namespace {

using Step = std::function<void(std::function<void()> next)>;

// Runs asynchronous steps one after another, then `finish`.
void runSteps(std::shared_ptr<QList<Step>> steps, std::function<void()> finish)
{
    if (steps->isEmpty()) {
        finish();
        return;
    }
    Step step = steps->takeFirst();
    step([steps, finish] { runSteps(steps, finish); });
}

} // namespace

QString ChaosRunner::containerOf(const QString &name) const
{
    const LabState::Process *p = m_state.process(name);
    return p ? p->container : QString();
}

void ChaosRunner::injectInContainers()
{
    QStringList containers;
    for (const QString &v : std::as_const(m_victims)) {
        const QString c = containerOf(v);
        if (c.isEmpty()) {
            fail(QStringLiteral("the lab's state names no container for %1; start the Docker lab again (`pgha lab start "
                                "--flavor docker`)").arg(v));
            return;
        }
        containers << c;
    }
    // The fault's time is when the command was sent: the container can only have been hit
    // later, so the RTO is never understated. The command's own latency goes on the timeline.
    const qint64 sentAt = clockMs();
    auto injected = [this, sentAt](const QString &what, bool ok) {
        if (m_finished)
            return;
        if (!ok) {
            fail(what);
            return;
        }
        m_faultAtMs = sentAt;
        m_injected = true;
        addEvent(m_faultAtMs, QStringLiteral("chaos"),
                 QStringLiteral("%1 (the command returned after %2 ms)").arg(what).arg(clockMs() - sentAt));
        emit faultInjected(m_report.target);
        observe();
    };
    const QString first = containers.front();
    switch (m_fault->kind) {
    case FaultKind::StallThenCrash:
        m_stalledContainer = first;
        m_containers->freezeWalSenders(first, [this, first](const QString &what, bool ok) {
            if (m_finished)
                return;
            addEvent(clockMs(), QStringLiteral("chaos"), what);
            if (!ok) {
                fail(what);
                return;
            }
            setStage(QStringLiteral("replication stalled on %1 for %2 s").arg(m_victims.front()).arg(kStallMs / 1000));
            QTimer::singleShot(kStallMs, this, [this, first] {
                if (m_finished)
                    return;
                const qint64 crashAt = clockMs();
                m_containers->crash({first}, [this, crashAt](const QString &crashed, bool crashOk) {
                    if (m_finished)
                        return;
                    m_stalledContainer.clear();   // the frozen senders died with the container
                    if (!crashOk) {
                        fail(crashed);
                        return;
                    }
                    m_faultAtMs = crashAt;
                    m_injected = true;
                    addEvent(m_faultAtMs, QStringLiteral("chaos"), crashed);
                    emit faultInjected(m_report.target);
                    observe();
                });
            });
        });
        return;
    case FaultKind::StopPrimary:
        m_containers->stopGracefully(first, injected);
        return;
    case FaultKind::FreezePrimary:
    case FaultKind::FreezeReplica:
        m_pausedContainer = first;
        m_containers->pause(first, injected);
        return;
    case FaultKind::PartitionPrimary:
        m_partitionedContainer = first;
        m_containers->disconnect(first, injected);
        return;
    default:
        m_containers->crash(containers, injected);
    }
}

void ChaosRunner::undoContainers(std::function<void(const QStringList &done)> then)
{
    auto done = std::make_shared<QStringList>();
    // Steps run one after another; each adds its sentence.
    auto steps = std::make_shared<QList<Step>>();
    if (!m_stalledContainer.isEmpty())
        steps->append([this, done](std::function<void()> next) {
            m_containers->thawWalSenders(std::exchange(m_stalledContainer, {}), [done, next](const QString &what, bool) {
                done->append(what);
                next();
            });
        });
    if (!m_pausedContainer.isEmpty())
        steps->append([this, done](std::function<void()> next) {
            m_containers->unpause(std::exchange(m_pausedContainer, {}), [done, next](const QString &what, bool) {
                done->append(what);
                next();
            });
        });
    if (!m_partitionedContainer.isEmpty())
        steps->append([this, done](std::function<void()> next) {
            m_containers->reconnect(std::exchange(m_partitionedContainer, {}), m_victims.value(0),
                                    [done, next](const QString &what, bool) {
                                        done->append(what);
                                        next();
                                    });
        });
    const FaultKind kind = m_fault->kind;
    const bool restart = m_injected && kind != FaultKind::FreezePrimary && kind != FaultKind::FreezeReplica
            && kind != FaultKind::PartitionPrimary;
    if (restart) {
        QStringList containers;
        for (const QString &v : std::as_const(m_victims))
            containers << containerOf(v);
        steps->append([this, done, containers](std::function<void()> next) {
            m_containers->start(containers, [done, next](const QString &what, bool) {
                done->append(what);
                next();
            });
        });
    }
    runSteps(steps, [done, then] { then(*done); });
}

} // namespace pgha::svc
