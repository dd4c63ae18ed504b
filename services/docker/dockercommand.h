#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>

#include <functional>

namespace pgha::svc::docker {

// What a command's result keeps of its output: the last kKeptOutputBytes of each stream, in whole
// lines (a log followed for days must not grow without end; every line still reaches onLine).
inline constexpr qsizetype kKeptOutputBytes = 2 * 1024 * 1024;
// Output without a newline is handed to onLine in pieces of this size (it is not a line anyone reads).
inline constexpr qsizetype kMaxLineBytes = 64 * 1024;

// One finished docker (or docker-compose) command.
struct CommandResult {
    QStringList command;          // program and arguments, for messages
    bool started = false;         // false: the program is missing or cannot be executed
    bool timedOut = false;
    bool cancelled = false;
    int exitCode = -1;
    QByteArray out;               // at most the last kKeptOutputBytes
    QByteArray err;
    qint64 droppedBytes = 0;      // older output left out of `out` and `err`

    bool ok() const { return started && !timedOut && !cancelled && exitCode == 0; }
    // stderr, else stdout, trimmed: what the command said about its failure.
    QString said() const;
    QString commandLine() const { return command.join(QLatin1Char(' ')); }
};

struct RunOptions {
    QString workDir;
    int timeoutMs = 60000;
    // Each complete line of output (stdout and stderr) as it arrives, for progress and logs.
    std::function<void(const QString &line)> onLine;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// Runs a command without blocking: `done` is called once, in `context`'s thread, unless
// `context` is destroyed first (the process is then killed). Returns the process so that a
// caller can cancel a long one (logs --follow) with cancel().
QProcess *run(const QString &program, const QStringList &args, const RunOptions &options, QObject *context,
              std::function<void(const CommandResult &)> done);
// Ends a command started by run(): SIGTERM, then SIGKILL after 2 s; `done` still reports it.
void cancel(QProcess *process);

// The docker program: $PGHA_DOCKER, else "docker" on PATH.
QString dockerProgram();

// A failed docker command explained: what is wrong and what to do, for the cases people meet
// (no Docker, daemon down, socket permission, a taken port, an image that cannot be pulled, a
// failed build step). `what` names the step ("building the images").
Error explainFailure(const CommandResult &result, const QString &what);

// The failing step of an image build, from the build's output: the last "Step N/M : …" line
// (classic builder) or "#N [stage] RUN …" (BuildKit) and what it printed, at most `maxLines`.
QString failingBuildStep(const QString &buildOutput, int maxLines = 25);

// The host port named in "Bind for 127.0.0.1:5000 failed: port is already allocated" or
// "listen tcp 127.0.0.1:5000: bind: address already in use"; 0 when none.
int takenPortIn(const QString &message);

} // namespace pgha::svc::docker
