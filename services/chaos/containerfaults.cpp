#include "chaos/containerfaults.h"

#include "docker/dockercommand.h"

#include <QProcess>

#include <memory>

namespace pgha::svc {

namespace {
constexpr int kCommandTimeoutMs = 30000;
const QString kWalSenders = QStringLiteral("postgres: .*walsender");
} // namespace

ContainerFaults::ContainerFaults(QObject *parent) : QObject(parent) {}

void ContainerFaults::runDocker(const QString &sentence, const QStringList &args, Done done)
{
    docker::RunOptions options;
    options.timeoutMs = kCommandTimeoutMs;
    docker::run(docker::dockerProgram(), args, options, this, [sentence, done](const docker::CommandResult &r) {
        if (r.ok())
            done(sentence, true);
        else
            done(QStringLiteral("%1 FAILED: %2").arg(sentence, docker::explainFailure(r, QStringLiteral("docker")).toString()), false);
    });
}

void ContainerFaults::crash(const QStringList &containers, Done done)
{
    runDocker(QStringLiteral("docker kill --signal KILL %1").arg(containers.join(u' ')),
           QStringList{QStringLiteral("kill"), QStringLiteral("--signal"), QStringLiteral("KILL")} + containers, std::move(done));
}

void ContainerFaults::stopGracefully(const QString &container, Done done)
{
    runDocker(QStringLiteral("docker kill --signal TERM %1 (graceful stop)").arg(container),
           {QStringLiteral("kill"), QStringLiteral("--signal"), QStringLiteral("TERM"), container}, std::move(done));
}

void ContainerFaults::pause(const QString &container, Done done)
{
    runDocker(QStringLiteral("docker pause %1 (every process frozen)").arg(container), {QStringLiteral("pause"), container},
           std::move(done));
}

void ContainerFaults::unpause(const QString &container, Done done)
{
    runDocker(QStringLiteral("docker unpause %1").arg(container), {QStringLiteral("unpause"), container}, std::move(done));
}

void ContainerFaults::freezeWalSenders(const QString &container, Done done)
{
    runDocker(QStringLiteral("WAL senders of %1 stopped (SIGSTOP)").arg(container),
           {QStringLiteral("exec"), container, QStringLiteral("pkill"), QStringLiteral("-STOP"), QStringLiteral("-f"), kWalSenders},
           std::move(done));
}

void ContainerFaults::thawWalSenders(const QString &container, Done done)
{
    runDocker(QStringLiteral("WAL senders of %1 continued (SIGCONT)").arg(container),
           {QStringLiteral("exec"), container, QStringLiteral("pkill"), QStringLiteral("-CONT"), QStringLiteral("-f"), kWalSenders},
           std::move(done));
}

void ContainerFaults::start(const QStringList &containers, Done done)
{
    runDocker(QStringLiteral("docker start %1").arg(containers.join(u' ')), QStringList{QStringLiteral("start")} + containers,
           std::move(done));
}

void ContainerFaults::disconnect(const QString &container, Done done)
{
    // Which networks: asked of the engine, so that a Compose file with several keeps working.
    docker::RunOptions options;
    options.timeoutMs = kCommandTimeoutMs;
    const QStringList args{QStringLiteral("inspect"), QStringLiteral("--format"),
                           QStringLiteral("{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{end}}"), container};
    docker::run(docker::dockerProgram(), args, options, this, [this, container, done](const docker::CommandResult &r) {
        m_networks = QString::fromUtf8(r.out).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (!r.ok() || m_networks.isEmpty()) {
            done(QStringLiteral("cannot find the networks of %1: %2").arg(container, r.said()), false);
            return;
        }
        auto pending = std::make_shared<int>(int(m_networks.size()));
        auto failures = std::make_shared<QStringList>();
        for (const QString &network : std::as_const(m_networks))
            runDocker(network, {QStringLiteral("network"), QStringLiteral("disconnect"), QStringLiteral("--force"), network, container},
                   [=, this](const QString &sentence, bool ok) {
                       if (!ok)
                           failures->append(sentence);
                       if (--*pending > 0)
                           return;
                       done(failures->isEmpty()
                                    ? QStringLiteral("%1 disconnected from %2").arg(container, m_networks.join(u", "))
                                    : failures->join(u"; "),
                            failures->isEmpty());
                   });
    });
}

void ContainerFaults::reconnect(const QString &container, const QString &alias, Done done)
{
    if (m_networks.isEmpty()) {
        done(QStringLiteral("%1 was not disconnected").arg(container), true);
        return;
    }
    const QStringList networks = std::exchange(m_networks, {});
    auto pending = std::make_shared<int>(int(networks.size()));
    auto failures = std::make_shared<QStringList>();
    for (const QString &network : networks)
        runDocker(network, {QStringLiteral("network"), QStringLiteral("connect"), QStringLiteral("--alias"), alias, network, container},
               [=](const QString &sentence, bool ok) {
                   if (!ok)
                       failures->append(sentence);
                   if (--*pending > 0)
                       return;
                   done(failures->isEmpty() ? QStringLiteral("%1 reconnected to %2").arg(container, networks.join(u", "))
                                            : failures->join(u"; "),
                        failures->isEmpty());
               });
}

void ContainerFaults::undoDetached(const QString &paused, const QString &stalled, const QString &partitioned,
                                   const QString &alias)
{
    if (!partitioned.isEmpty())
        for (const QString &network : std::as_const(m_networks))
            QProcess::startDetached(docker::dockerProgram(), {QStringLiteral("network"), QStringLiteral("connect"),
                                                              QStringLiteral("--alias"), alias, network, partitioned});
    if (!paused.isEmpty())
        QProcess::startDetached(docker::dockerProgram(), {QStringLiteral("unpause"), paused});
    if (!stalled.isEmpty())
        QProcess::startDetached(docker::dockerProgram(),
                                {QStringLiteral("exec"), stalled, QStringLiteral("pkill"), QStringLiteral("-CONT"),
                                 QStringLiteral("-f"), kWalSenders});
}

} // namespace pgha::svc
