#include "docker/dockercommand.h"

#include <QPointer>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

#include <memory>

namespace pgha::svc::docker {

QString CommandResult::said() const
{
    const QByteArray text = err.trimmed().isEmpty() ? out.trimmed() : err.trimmed();
    return QString::fromUtf8(text);
}

namespace {

// Splits what arrived into complete lines; keeps the unfinished rest (at most kMaxLineBytes)
// for the next read.
void emitLines(QByteArray *pending, const QByteArray &chunk, const std::function<void(const QString &)> &onLine)
{
    pending->append(chunk);
    qsizetype from = 0;
    qsizetype nl;
    while ((nl = pending->indexOf('\n', from)) >= 0) {
        QByteArrayView line(pending->constData() + from, nl - from);
        if (line.endsWith('\r'))
            line.chop(1);
        onLine(QString::fromUtf8(line));
        from = nl + 1;
    }
    while (pending->size() - from > kMaxLineBytes) {
        onLine(QString::fromUtf8(QByteArrayView(pending->constData() + from, kMaxLineBytes)));
        from += kMaxLineBytes;
    }
    pending->remove(0, from);
}

// Keeps the last `limit` bytes of a stream, from a line start where there is one. Trimmed only
// once twice the limit has gathered, so a long follow costs one copy per `limit` bytes read.
void keepTail(QByteArray *kept, qint64 *dropped, qsizetype limit)
{
    if (kept->size() <= limit)
        return;
    qsizetype cut = kept->size() - limit;
    if (const qsizetype nl = kept->indexOf('\n', cut - 1); nl >= 0 && nl + 1 < kept->size())
        cut = nl + 1;
    kept->remove(0, cut);
    *dropped += cut;
}

void append(QByteArray *kept, qint64 *dropped, const QByteArray &chunk)
{
    kept->append(chunk);
    if (kept->size() > 2 * kKeptOutputBytes)
        keepTail(kept, dropped, kKeptOutputBytes);
}

} // namespace

QProcess *run(const QString &program, const QStringList &args, const RunOptions &options, QObject *context,
              std::function<void(const CommandResult &)> done)
{
    auto *process = new QProcess(context);
    process->setProgram(program);
    process->setArguments(args);
    process->setProcessEnvironment(options.environment);
    if (!options.workDir.isEmpty())
        process->setWorkingDirectory(options.workDir);

    struct State {
        CommandResult result;
        QByteArray pendingOut;
        QByteArray pendingErr;
        bool reported = false;
    };
    auto state = std::make_shared<State>();
    state->result.command = QStringList{program} + args;
    auto onLine = options.onLine;
    auto report = [state, done, process] {
        if (state->reported)
            return;
        state->reported = true;
        keepTail(&state->result.out, &state->result.droppedBytes, kKeptOutputBytes);
        keepTail(&state->result.err, &state->result.droppedBytes, kKeptOutputBytes);
        process->deleteLater();
        done(state->result);
    };

    QObject::connect(process, &QProcess::readyReadStandardOutput, process, [=] {
        const QByteArray chunk = process->readAllStandardOutput();
        append(&state->result.out, &state->result.droppedBytes, chunk);
        if (onLine)
            emitLines(&state->pendingOut, chunk, onLine);
    });
    QObject::connect(process, &QProcess::readyReadStandardError, process, [=] {
        const QByteArray chunk = process->readAllStandardError();
        append(&state->result.err, &state->result.droppedBytes, chunk);
        if (onLine)
            emitLines(&state->pendingErr, chunk, onLine);
    });
    QObject::connect(process, &QProcess::finished, process, [=](int code, QProcess::ExitStatus status) {
        // What is still buffered arrives before finished() only if read here.
        append(&state->result.out, &state->result.droppedBytes, process->readAllStandardOutput());
        append(&state->result.err, &state->result.droppedBytes, process->readAllStandardError());
        if (onLine) {
            for (QByteArray *pending : {&state->pendingOut, &state->pendingErr})
                if (!pending->isEmpty())
                    emitLines(pending, "\n", onLine);
        }
        state->result.started = true;
        state->result.exitCode = status == QProcess::NormalExit ? code : -1;
        state->result.cancelled = process->property("pgha_cancelled").toBool();
        report();
    });
    QObject::connect(process, &QProcess::errorOccurred, process, [=](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;   // crashes and timeouts end in finished()
        state->result.started = false;
        state->result.err = process->errorString().toUtf8();
        report();
    });
    if (options.timeoutMs > 0) {
        QTimer::singleShot(options.timeoutMs, process, [=] {
            if (process->state() == QProcess::NotRunning)
                return;
            state->result.timedOut = true;
            process->kill();
        });
    }
    process->start();
    return process;
}

void cancel(QProcess *process)
{
    if (!process || process->state() == QProcess::NotRunning)
        return;
    process->setProperty("pgha_cancelled", true);
    process->terminate();
    QPointer<QProcess> guard(process);
    QTimer::singleShot(2000, process, [guard] {
        if (guard && guard->state() != QProcess::NotRunning)
            guard->kill();
    });
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
        return makeError(QStringLiteral("%1: cannot run %2 (%3)").arg(what, program, said),
                         QStringLiteral("Docker is not installed or not on PATH: install Docker Engine with Compose "
                                        "(Debian: apt-get install docker.io docker-compose), or use the native lab, "
                                        "which runs the same topology as local processes: pgha lab start --flavor native"));
    if (r.timedOut)
        return makeError(QStringLiteral("%1: `%2` did not finish in time").arg(what, r.commandLine()),
                         QStringLiteral("the Docker daemon may be overloaded or stuck; `docker info` tells whether it answers"));
    if (r.cancelled)
        return makeError(QStringLiteral("%1: cancelled").arg(what));
    if (said.contains(u"permission denied") && said.contains(u"docker.sock"))
        return makeError(QStringLiteral("%1: permission denied on the Docker socket").arg(what),
                         QStringLiteral("add your account to the docker group (sudo usermod -aG docker $USER, then log in "
                                        "again), or run as root"));
    if (said.contains(u"Cannot connect to the Docker daemon") || said.contains(u"Is the docker daemon running")
        || said.contains(u"error during connect"))
        return makeError(QStringLiteral("%1: the Docker daemon is not running").arg(what),
                         QStringLiteral("start it (sudo systemctl start docker; Docker Desktop on macOS and Windows), "
                                        "or use the native lab: pgha lab start --flavor native"));
    if (const int port = takenPortIn(said))
        return makeError(QStringLiteral("%1: host port %2 is already taken").arg(what).arg(port),
                         QStringLiteral("stop what listens there (another lab? `pgha lab status`, `ss -ltnp 'sport = :%1'`), "
                                        "or start the lab with --port-offset N").arg(port));
    if (said.contains(u"pull access denied") || said.contains(u"manifest unknown")
        || said.contains(u"registry-1.docker.io") || said.contains(u"failed to resolve source metadata")
        || (said.contains(u"Get \"https://") && said.contains(u"dial tcp")))
        return makeError(QStringLiteral("%1: a base image cannot be pulled: %2").arg(what, said.section(QLatin1Char('\n'), -1)),
                         QStringLiteral("this machine reaches no container registry: build the base image from Debian "
                                        "packages (sudo lab-stack/docker/build-base-image.sh) and start with "
                                        "--base-image pgha/debian-base:bookworm"));
    const QString step = failingBuildStep(QString::fromUtf8(r.out + '\n' + r.err));
    if (said.contains(u"returned a non-zero code") || said.contains(u"failed to solve")
        || said.contains(u"failed to build") || said.contains(u"ERROR: Service") )
        return makeError(QStringLiteral("%1: an image build step failed:\n%2").arg(what, step),
                         QStringLiteral("the step's output is above; if apt-get failed, check that this machine "
                                        "reaches a Debian mirror (apt-get update on the host)"));
    return makeError(QStringLiteral("%1: `%2` failed (exit %3): %4").arg(what, r.commandLine()).arg(r.exitCode).arg(said));
}

} // namespace pgha::svc::docker
