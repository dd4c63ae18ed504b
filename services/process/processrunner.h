#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <csignal>
#include <functional>
#include <optional>

namespace pgha::svc::proc {

// What a result keeps of each output stream: the last kKeptOutputBytes, in whole lines (a log
// followed for days must not grow without end; every line still reaches the line signal).
inline constexpr qsizetype kKeptOutputBytes = 2 * 1024 * 1024;
// Output without a line end is handed on in pieces of this size (it is not a line anyone reads).
inline constexpr qsizetype kMaxLineBytes = 64 * 1024;
// A program that names no deadline gets this one; 0 in RunSpec::timeoutMs means none.
inline constexpr int kDefaultTimeoutMs = 60000;
// cancel(): after the polite signal, the child gets this long before SIGKILL.
inline constexpr int kCancelGraceMs = 2000;
// A failure's message quotes at most this much of what the program said (its end).
inline constexpr qsizetype kMessageTailChars = 800;

enum class Channel { Out, Err };

// What to run and how.
struct RunSpec {
    QString program;
    QStringList arguments;
    QString workDir;                                   // empty: this program's
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    int timeoutMs = kDefaultTimeoutMs;                 // then SIGKILL; 0: no deadline
    std::optional<QByteArray> input;                   // written to stdin, which is then closed; none: /dev/null
    bool mergeChannels = false;                        // stderr into stdout, one stream in order
    bool ownProcessGroup = false;                      // Unix: the child leads a new process group, and
                                                       // timeout, cancel and destruction signal all of it
    bool crEndsLine = false;                           // a lone '\r' ends a line too (progress output)
    qsizetype keptOutBytes = kKeptOutputBytes;
    qsizetype keptErrBytes = kKeptOutputBytes;
    QString missingHint;                               // how to get the program, for a NotFound error
    std::function<void()> childSetup;                  // Unix: runs in the child before exec (umask…)
};

// How one run ended. A result built by hand (tests, fixtures) needs only the fields it uses.
struct ProcessResult {
    QStringList command;          // program and arguments, for messages
    bool started = false;         // false: the program is missing or cannot be executed
    bool timedOut = false;
    bool cancelled = false;
    bool crashed = false;         // ended by a signal
    int crashSignal = 0;          // which one, where the system says (Unix)
    int exitCode = -1;            // -1 unless it exited normally
    ErrorKind startKind = ErrorKind::NotFound;   // why it did not start: NotFound, Permission, ProcessFailed
    QByteArray out;               // at most the last keptOutBytes (what did not start: the system's reason in err)
    QByteArray err;
    qint64 droppedBytes = 0;      // older output left out of `out` and `err`
    QString missingHint;          // from RunSpec

    bool ok() const { return started && !timedOut && !cancelled && !crashed && exitCode == 0; }
    bool cut() const { return droppedBytes > 0; }
    // NotFound or Permission (did not start), Cancelled, Timeout, ProcessFailed; Other when ok().
    ErrorKind kind() const;
    // stderr, else stdout, trimmed: what the program said about its failure.
    QString said() const;
    QString commandLine() const { return command.join(QLatin1Char(' ')); }
    QString programName() const;
    // The failure explained for people: `what` names the step ("making the lab's CA"); the
    // message names the program, the hint says what to do. With ok() an empty message.
    Error error(const QString &what) const;
};

// Splits a byte stream into lines (without their ends; "\r\n" is one end), across chunk
// boundaries. A line longer than `maxLineBytes` is handed on in pieces of that size.
class LineSplitter {
public:
    using Sink = std::function<void(QByteArrayView line)>;
    explicit LineSplitter(bool crEndsLine = false, qsizetype maxLineBytes = kMaxLineBytes)
        : m_crEndsLine(crEndsLine), m_maxLineBytes(maxLineBytes) {}
    void feed(QByteArrayView chunk, const Sink &sink);
    // The unfinished rest, if any, as a last line.
    void finish(const Sink &sink);

private:
    QByteArray m_pending;
    bool m_crEndsLine;
    bool m_afterCr = false;   // the last chunk ended in '\r': a '\n' first in the next is its end
    qsizetype m_maxLineBytes;
};

// Runs one program asynchronously (QProcess signals; nothing waits) and reports every ending —
// exit with a status, crash, failed start or missing binary, timeout, cancel — through one
// done(), emitted once, never from inside start(). No child outlives its runner: on timeout,
// cancel and destruction it is killed (with its group when RunSpec::ownProcessGroup), and a
// runner destroyed while its child runs hands the QProcess to the event loop, which deletes it
// once the kernel reports the end (deleting a running QProcess would block until then).
// A runner runs one program once; do not delete it from its done() slot (deleteLater()).
class ProcessRunner : public QObject {
    Q_OBJECT
public:
    explicit ProcessRunner(QObject *parent = nullptr);
    ~ProcessRunner() override;

    void start(const RunSpec &spec);
    // Ends the run: `sig` (SIGTERM; pgbench stops on SIGINT), then SIGKILL after `graceMs`.
    // done() reports it cancelled. Nothing when the run is over.
    void cancel(int sig = SIGTERM, int graceMs = kCancelGraceMs);
    bool isRunning() const { return m_process && !m_reported; }
    qint64 processId() const;
    // The QProcess behind this run (for callers that keep a QProcess handle), null before start().
    QProcess *process() const { return m_process; }
    // The runner of a process started by one, or null.
    static ProcessRunner *of(QObject *process);

signals:
    // Each complete line of output as it arrives (stdout and stderr), for progress and followers.
    void line(const QString &text, pgha::svc::proc::Channel channel);
    void done(const pgha::svc::proc::ProcessResult &result);

private:
    void readChannel(Channel channel);
    void onFinished(int code, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);
    void report();
    void signalChild(int sig);
    void keep(QByteArray *kept, const QByteArray &chunk, qsizetype limit);

    QProcess *m_process = nullptr;
    ProcessResult m_result;
    LineSplitter m_outLines;
    LineSplitter m_errLines;
    qsizetype m_keptOutBytes = kKeptOutputBytes;
    qsizetype m_keptErrBytes = kKeptOutputBytes;
    bool m_ownGroup = false;
    bool m_reported = false;
    QTimer m_deadline;
    QTimer m_killTimer;
};

// Starts `spec` with a runner owned by `context`: `done` is called once, in `context`'s thread,
// unless `context` is destroyed first (the child is then killed); `onLine` gets each line. The
// runner deletes itself after done; it is returned so that a caller can cancel() a long run.
ProcessRunner *run(const RunSpec &spec, QObject *context, std::function<void(const ProcessResult &)> done,
                   std::function<void(const QString &line, Channel channel)> onLine = {});

} // namespace pgha::svc::proc
