#pragma once

#include "core/result.h"
#include "process/processrunner.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>

#include <functional>

namespace pgha::svc::docker {

// What a command's result keeps of its output (whole lines, the tail) and how long a line can
// be: the process runner's bounds (services/process/processrunner.h).
inline constexpr qsizetype kKeptOutputBytes = proc::kKeptOutputBytes;
inline constexpr qsizetype kMaxLineBytes = proc::kMaxLineBytes;

// One finished docker (or docker-compose) command: the runner's result.
using CommandResult = proc::ProcessResult;

struct RunOptions {
    QString workDir;
    int timeoutMs = proc::kDefaultTimeoutMs;
    // Each complete line of output (stdout and stderr) as it arrives, for progress and logs.
    std::function<void(const QString &line)> onLine;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// Runs a command without blocking (a proc::ProcessRunner owned by `context`): `done` is called
// once, in `context`'s thread, unless `context` is destroyed first (the process is then killed).
// Returns the process so that a caller can cancel a long one (logs --follow) with cancel().
QProcess *run(const QString &program, const QStringList &args, const RunOptions &options, QObject *context,
              std::function<void(const CommandResult &)> done);
// Ends a command started by run(): SIGTERM, then SIGKILL after proc::kCancelGraceMs; `done`
// still reports it (cancelled).
void cancel(QProcess *process);

// The docker program: $PGHA_DOCKER, else "docker" on PATH.
QString dockerProgram();

// A failed docker command explained: what is wrong and what to do, for the cases people meet,
// with a kind a caller decides by: no Docker (NotFound), daemon down (Unavailable), socket
// permission (Permission), a taken port (Busy), an image that cannot be pulled (Unreachable), a
// failed build step or any other failure (ProcessFailed), Timeout, Cancelled. `what` names the
// step ("building the images").
Error explainFailure(const CommandResult &result, const QString &what);

// The failing step of an image build, from the build's output: the last "Step N/M : …" line
// (classic builder) or "#N [stage] RUN …" (BuildKit) and what it printed, at most `maxLines`.
QString failingBuildStep(const QString &buildOutput, int maxLines = 25);

// The host port named in "Bind for 127.0.0.1:5000 failed: port is already allocated" or
// "listen tcp 127.0.0.1:5000: bind: address already in use"; 0 when none.
int takenPortIn(const QString &message);

} // namespace pgha::svc::docker
