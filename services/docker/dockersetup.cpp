#include "docker/dockersetup.h"

#include "docker/dockercommand.h"

#include <QStandardPaths>

#include <memory>

namespace pgha::svc::docker {

QString DockerSetup::composeName() const
{
    return QStringLiteral("%1 %2").arg(composeV2() ? QStringLiteral("docker compose") : QStringLiteral("docker-compose"),
                                       composeVersion);
}

namespace {

// docker-compose 1.29 (Python) took 21 s to print its version on a loaded 2-core machine.
constexpr int kAskTimeoutMs = 60000;

QString firstLine(const QByteArray &out)
{
    return QString::fromUtf8(out).trimmed().section(QLatin1Char('\n'), 0, 0).remove(QLatin1Char('v'));
}

using Done = std::function<void(const Result<DockerSetup> &)>;

void askCompose(std::shared_ptr<DockerSetup> setup, QList<QStringList> candidates, QObject *context, Done done)
{
    if (candidates.isEmpty()) {
        done(makeError(ErrorKind::NotFound, QStringLiteral("Docker Compose is not installed (neither `docker compose` nor `docker-compose` answers)"),
                       QStringLiteral("install the Compose plugin (docker-compose-plugin) or docker-compose "
                                      "(Debian: apt-get install docker-compose), or use the native lab: "
                                      "pgha lab start --flavor native")));
        return;
    }
    const QStringList compose = candidates.takeFirst();
    const QStringList args = compose.mid(1) + QStringList{QStringLiteral("version"), QStringLiteral("--short")};
    RunOptions options;
    options.timeoutMs = kAskTimeoutMs;
    run(compose.front(), args, options, context, [=](const CommandResult &r) {
        if (!r.ok()) {
            askCompose(setup, candidates, context, done);
            return;
        }
        setup->compose = compose;
        setup->composeVersion = firstLine(r.out);
        done(*setup);
    });
}

} // namespace

void detectDocker(QObject *context, Done done)
{
    auto setup = std::make_shared<DockerSetup>();
    setup->docker = dockerProgram();
    RunOptions options;
    options.timeoutMs = kAskTimeoutMs;
    const QStringList args{QStringLiteral("version"), QStringLiteral("--format"), QStringLiteral("{{.Server.Version}}")};
    run(setup->docker, args, options, context, [=](const CommandResult &r) {
        if (!r.ok()) {
            done(explainFailure(r, QStringLiteral("asking the Docker engine")));
            return;
        }
        setup->engineVersion = firstLine(r.out);
        QList<QStringList> candidates;
        const QString configured = qEnvironmentVariable("PGHA_COMPOSE").trimmed();
        if (!configured.isEmpty()) {
            candidates << configured.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        } else {
            candidates << QStringList{setup->docker, QStringLiteral("compose")};
            const QString v1 = QStandardPaths::findExecutable(QStringLiteral("docker-compose"));
            if (!v1.isEmpty())
                candidates << QStringList{v1};
        }
        askCompose(setup, candidates, context, done);
    });
}

} // namespace pgha::svc::docker
