#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace pgha::svc {

// What the chaos faults do to the Docker lab's containers: the counterpart of nativefaults,
// with docker commands instead of signals. Each runs as a child process without blocking and
// reports one sentence for the timeline; `ok` is false when the engine refused.
class ContainerFaults : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const QString &sentence, bool ok)>;

    explicit ContainerFaults(QObject *parent = nullptr);

    // SIGKILL to each container's main process: Patroni and every PostgreSQL process die at once
    // (the whole container stops), as when the machine loses power.
    void crash(const QStringList &containers, Done done);
    // SIGTERM to the container's init, passed on to Patroni: it stops PostgreSQL cleanly and
    // releases the leader key (what `docker stop` does first, without its SIGKILL deadline).
    void stopGracefully(const QString &container, Done done);
    // The cgroup freezer: every process of the container stops (docker pause / unpause).
    void pause(const QString &container, Done done);
    void unpause(const QString &container, Done done);
    // SIGSTOP / SIGCONT to the WAL senders inside a member's container.
    void freezeWalSenders(const QString &container, Done done);
    void thawWalSenders(const QString &container, Done done);
    // Starts stopped containers again (their volumes and configuration are as they were).
    void start(const QStringList &containers, Done done);
    // Cuts a container off every network it is on, remembering them; reconnect() puts it back
    // with its service name as DNS alias, so the others find it again.
    void disconnect(const QString &container, Done done);
    void reconnect(const QString &container, const QString &alias, Done done);

    // Quick, fire-and-forget undo for a runner destroyed mid-fault (never waits).
    void undoDetached(const QString &paused, const QString &stalled, const QString &partitioned, const QString &alias);

private:
    void runDocker(const QString &sentence, const QStringList &args, Done done);

    QStringList m_networks;   // what disconnect() cut
};

} // namespace pgha::svc
