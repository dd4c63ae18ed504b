#include "docker/dockercommand.h"

#include <QRegularExpression>
#include <QStandardPaths>

namespace pgha::svc::docker {

QProcess *run(const QString &program, const QStringList &args, const RunOptions &options, QObject *context,
              std::function<void(const CommandResult &)> done)
{
    proc::RunSpec spec;
    spec.program = program;
    spec.arguments = args;
    spec.workDir = options.workDir;
    spec.timeoutMs = options.timeoutMs;
    spec.environment = options.environment;
    std::function<void(const QString &, proc::Channel)> onLine;
    if (options.onLine)
        onLine = [line = options.onLine](const QString &text, proc::Channel) { line(text); };
    return proc::run(spec, context, std::move(done), std::move(onLine))->process();
}

void cancel(QProcess *process)
{
    if (auto *runner = proc::ProcessRunner::of(process))
        runner->cancel();
}

QString dockerProgram()
{
    const QString configured = qEnvironmentVariable("PGHA_DOCKER");
    if (!configured.isEmpty())
        return configured;
    const QString found = QStandardPaths::findExecutable(QStringLiteral("docker"));
    return found.isEmpty() ? QStringLiteral("docker") : found;
}

int takenPortIn(const QString &message)
{
    static const QRegularExpression bindFor(QStringLiteral(R"(Bind for [^ ]*:(\d+) failed)"));
    static const QRegularExpression listen(QStringLiteral(R"(listen tcp[46]? [^ ]*:(\d+): bind: address already in use)"));
    for (const auto *re : {&bindFor, &listen})
        if (const auto m = re->match(message); m.hasMatch())
            return m.captured(1).toInt();
    return 0;
}

QString failingBuildStep(const QString &buildOutput, int maxLines)
{
    // The classic builder colours a step's stderr with ANSI escapes; they are noise in a dialog.
    static const QRegularExpression ansi(QStringLiteral("\x1b\\[[0-9;]*m"));
    const QStringList lines = QString(buildOutput).remove(ansi).split(QLatin1Char('\n'));
    static const QRegularExpression classicStep(QStringLiteral(R"(^Step \d+/\d+ : )"));
    static const QRegularExpression buildkitStep(QStringLiteral(R"(^#\d+ \[[^\]]+\] )"));
    qsizetype from = -1;
    for (qsizetype i = lines.size() - 1; i >= 0 && from < 0; --i)
        if (classicStep.match(lines[i]).hasMatch() || buildkitStep.match(lines[i]).hasMatch())
            from = i;
    QStringList step = from >= 0 ? lines.mid(from) : lines;
    while (!step.isEmpty() && step.last().trimmed().isEmpty())
        step.removeLast();
    if (step.size() > maxLines)
        step = step.mid(0, 1) + QStringList{QStringLiteral("…")} + step.mid(step.size() - maxLines + 2);
    return step.join(QLatin1Char('\n'));
}

Error explainFailure(const CommandResult &r, const QString &what)
{
    const QString said = r.said();
    const QString program = r.command.value(0);
    if (!r.started)
        return makeError(r.startKind == ErrorKind::Permission ? ErrorKind::Permission : ErrorKind::NotFound,
                         QStringLiteral("%1: cannot run %2 (%3)").arg(what, program, said),
                         QStringLiteral("Docker is not installed or not on PATH: install Docker Engine with Compose "
                                        "(Debian: apt-get install docker.io docker-compose), or use the native lab, "
                                        "which runs the same topology as local processes: pgha lab start --flavor native"));
    if (r.timedOut)
        return makeError(ErrorKind::Timeout, QStringLiteral("%1: `%2` did not finish in time").arg(what, r.commandLine()),
                         QStringLiteral("the Docker daemon may be overloaded or stuck; `docker info` tells whether it answers"));
    if (r.cancelled)
        return makeError(ErrorKind::Cancelled, QStringLiteral("%1: cancelled").arg(what));
    if (said.contains(u"permission denied") && said.contains(u"docker.sock"))
        return makeError(ErrorKind::Permission, QStringLiteral("%1: permission denied on the Docker socket").arg(what),
                         QStringLiteral("add your account to the docker group (sudo usermod -aG docker $USER, then log in "
                                        "again), or run as root"));
    if (said.contains(u"Cannot connect to the Docker daemon") || said.contains(u"Is the docker daemon running")
        || said.contains(u"error during connect"))
        return makeError(ErrorKind::Unavailable, QStringLiteral("%1: the Docker daemon is not running").arg(what),
                         QStringLiteral("start it (sudo systemctl start docker; Docker Desktop on macOS and Windows), "
                                        "or use the native lab: pgha lab start --flavor native"));
    if (const int port = takenPortIn(said))
        return makeError(ErrorKind::Busy, QStringLiteral("%1: host port %2 is already taken").arg(what).arg(port),
                         QStringLiteral("stop what listens there (another lab? `pgha lab status`, `ss -ltnp 'sport = :%1'`), "
                                        "or start the lab with --port-offset N").arg(port));
    if (said.contains(u"pull access denied") || said.contains(u"manifest unknown")
        || said.contains(u"registry-1.docker.io") || said.contains(u"failed to resolve source metadata")
        || (said.contains(u"Get \"https://") && said.contains(u"dial tcp")))
        return makeError(ErrorKind::Unreachable, QStringLiteral("%1: a base image cannot be pulled: %2").arg(what, said.section(QLatin1Char('\n'), -1)),
                         QStringLiteral("this machine reaches no container registry: build the base image from Debian "
                                        "packages — sudo lab-stack/docker/build-base-image.sh for Debian 12 (--postgres 15), "
                                        "sudo PGHA_DEBIAN_SUITE=trixie lab-stack/docker/build-base-image.sh pgha/debian-base:trixie "
                                        "for Debian 13 (--postgres 17); the lab uses it by itself once it exists"));
    const QString step = failingBuildStep(QString::fromUtf8(r.out + '\n' + r.err));
    if (said.contains(u"returned a non-zero code") || said.contains(u"failed to solve")
        || said.contains(u"failed to build") || said.contains(u"ERROR: Service") )
        return makeError(ErrorKind::ProcessFailed, QStringLiteral("%1: an image build step failed:\n%2").arg(what, step),
                         QStringLiteral("the step's output is above; if apt-get failed, check that this machine "
                                        "reaches a Debian mirror (apt-get update on the host)"));
    return makeError(ErrorKind::ProcessFailed, QStringLiteral("%1: `%2` failed (exit %3): %4").arg(what, r.commandLine()).arg(r.exitCode).arg(said));
}

} // namespace pgha::svc::docker
