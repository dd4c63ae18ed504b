#include "process/processrunner.h"

#include "process/procutil.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace pgha::svc::proc {

namespace {

#ifdef SIGKILL
constexpr int kKillSignal = SIGKILL;
#else
constexpr int kKillSignal = 9;   // not a signal there: signalChild() calls QProcess::kill()
#endif

Q_LOGGING_CATEGORY(lcProcess, "pgha.svc.process", QtWarningMsg)

// Keeps the last `limit` bytes of a stream, from a line start where there is one.
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

// Why a program did not start: missing, not executable, or something else the system said.
ErrorKind startFailureKind(const QString &program, const QString &systemSaid)
{
    if (systemSaid.contains(u"ermission denied"))
        return ErrorKind::Permission;
    if (program.contains(QLatin1Char('/'))) {
        const QFileInfo fi(program);
        if (!fi.exists())
            return ErrorKind::NotFound;
        return fi.isDir() || !fi.isExecutable() ? ErrorKind::Permission : ErrorKind::ProcessFailed;
    }
    return QStandardPaths::findExecutable(program).isEmpty() ? ErrorKind::NotFound : ErrorKind::ProcessFailed;
}

QString tailOf(const QString &text)
{
    if (text.size() <= kMessageTailChars)
        return text;
    return QStringLiteral("…") + text.right(kMessageTailChars);
}

} // namespace

// --- ProcessResult ---------------------------------------------------------------------------

ErrorKind ProcessResult::kind() const
{
    if (ok())
        return ErrorKind::Other;
    if (!started)
        return startKind;
    if (cancelled)
        return ErrorKind::Cancelled;
    if (timedOut)
        return ErrorKind::Timeout;
    return ErrorKind::ProcessFailed;
}

QString ProcessResult::said() const
{
    const QByteArray text = err.trimmed().isEmpty() ? out.trimmed() : err.trimmed();
    return QString::fromUtf8(text);
}

QString ProcessResult::programName() const
{
    return QFileInfo(command.value(0)).fileName();
}

Error ProcessResult::error(const QString &what) const
{
    const QString program = command.value(0);
    const QString name = programName();
    switch (kind()) {
    case ErrorKind::Other:
        return {};
    case ErrorKind::NotFound:
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("%1: cannot run %2: it is not installed or not on PATH (%3)").arg(what, program, said()),
                         missingHint.isEmpty() ? QStringLiteral("install %1, or put the directory that holds it on PATH").arg(name)
                                               : missingHint);
    case ErrorKind::Permission:
        return makeError(ErrorKind::Permission, QStringLiteral("%1: cannot run %2: permission denied").arg(what, program),
                         QStringLiteral("check that %1 is a program this account may execute (ls -l %1)").arg(program));
    case ErrorKind::Cancelled:
        return makeError(ErrorKind::Cancelled, QStringLiteral("%1: cancelled").arg(what));
    case ErrorKind::Timeout:
        return makeError(ErrorKind::Timeout, QStringLiteral("%1: `%2` did not finish in time and was stopped").arg(what, commandLine()),
                         QStringLiteral("try again; if it keeps happening, run `%1` by hand to see where it hangs").arg(commandLine()));
    default:
        break;
    }
    if (!started)
        return makeError(ErrorKind::ProcessFailed, QStringLiteral("%1: cannot start %2: %3").arg(what, program, said()));
    const QString output = said();
    const QString shown = output.isEmpty() ? QStringLiteral("no output") : tailOf(output);
    const QString cutNote = cut() ? QStringLiteral(" (earlier output left out: %1 bytes)").arg(droppedBytes) : QString();
    if (crashed)
        return makeError(ErrorKind::ProcessFailed,
                         QStringLiteral("%1: `%2` crashed%3: %4%5")
                                 .arg(what, commandLine(),
                                      crashSignal > 0 ? QStringLiteral(" (signal %1)").arg(crashSignal) : QString(), shown, cutNote));
    return makeError(ErrorKind::ProcessFailed,
                     QStringLiteral("%1: `%2` failed (exit %3): %4%5").arg(what, commandLine()).arg(exitCode).arg(shown, cutNote));
}

// --- LineSplitter ----------------------------------------------------------------------------

void LineSplitter::feed(QByteArrayView chunk, const Sink &sink)
{
    if (m_afterCr && !chunk.isEmpty() && chunk.front() == '\n')
        chunk = chunk.sliced(1);
    m_afterCr = false;
    m_pending.append(chunk);
    const char *data = m_pending.constData();
    const qsizetype size = m_pending.size();
    qsizetype from = 0;
    for (qsizetype i = 0; i < size; ++i) {
        const char c = data[i];
        if (c == '\n') {
            QByteArrayView line(data + from, i - from);
            if (line.endsWith('\r'))
                line.chop(1);
            sink(line);
            from = i + 1;
        } else if (c == '\r' && m_crEndsLine) {
            sink(QByteArrayView(data + from, i - from));
            if (i + 1 < size && data[i + 1] == '\n')
                ++i;
            else if (i + 1 == size)
                m_afterCr = true;
            from = i + 1;
        }
    }
    while (size - from > m_maxLineBytes) {
        sink(QByteArrayView(data + from, m_maxLineBytes));
        from += m_maxLineBytes;
    }
    m_pending.remove(0, from);
}

void LineSplitter::finish(const Sink &sink)
{
    if (!m_pending.isEmpty())
        feed("\n", sink);
    m_afterCr = false;
}

// --- ProcessRunner ---------------------------------------------------------------------------

ProcessRunner::ProcessRunner(QObject *parent) : QObject(parent)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (!isRunning() || m_result.cancelled)
            return;   // a cancel under way ends it on its own terms
        qCInfo(lcProcess).noquote() << "timed out, killing:" << m_result.commandLine();
        m_result.timedOut = true;
        signalChild(kKillSignal);
    });
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (isRunning())
            signalChild(kKillSignal);
    });
}

ProcessRunner::~ProcessRunner()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() == QProcess::NotRunning)
        return;   // deleted with this
    // Killed now, deleted once the kernel reports the end: deleting a running QProcess would
    // block until it is dead (and warn). The event loop reaps it.
    signalChild(kKillSignal);
    QProcess *orphan = m_process;
    orphan->setParent(nullptr);
    connect(orphan, &QProcess::finished, orphan, &QObject::deleteLater);
    connect(orphan, &QProcess::errorOccurred, orphan, [orphan](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            orphan->deleteLater();
    });
    if (orphan->state() == QProcess::Starting)
        connect(orphan, &QProcess::started, orphan, [orphan] { orphan->kill(); });
}

ProcessRunner *ProcessRunner::of(QObject *process)
{
    return process ? qobject_cast<ProcessRunner *>(process->parent()) : nullptr;
}

qint64 ProcessRunner::processId() const
{
    return isRunning() ? m_process->processId() : 0;
}

void ProcessRunner::start(const RunSpec &spec)
{
    if (m_process) {
        qCWarning(lcProcess) << "a runner runs one program once; refused:" << spec.program;
        return;
    }
    m_result.command = QStringList{spec.program} + spec.arguments;
    m_result.missingHint = spec.missingHint;
    m_keptOutBytes = spec.keptOutBytes;
    m_keptErrBytes = spec.keptErrBytes;
    m_outLines = LineSplitter(spec.crEndsLine);
    m_errLines = LineSplitter(spec.crEndsLine);

    m_process = new QProcess(this);
    m_process->setProgram(spec.program);
    m_process->setArguments(spec.arguments);
    m_process->setProcessEnvironment(spec.environment);
    if (!spec.workDir.isEmpty())
        m_process->setWorkingDirectory(spec.workDir);
    if (spec.mergeChannels)
        m_process->setProcessChannelMode(QProcess::MergedChannels);
    if (!spec.input)
        m_process->setStandardInputFile(QProcess::nullDevice());
#ifdef Q_OS_UNIX
    m_ownGroup = spec.ownProcessGroup;
    if (m_ownGroup || spec.childSetup) {
        const bool ownGroup = m_ownGroup;
        const std::function<void()> setup = spec.childSetup;
        m_process->setChildProcessModifier([ownGroup, setup] {
            if (ownGroup)
                ::setpgid(0, 0);
            if (setup)
                setup();
        });
    }
#endif

    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { readChannel(Channel::Out); });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { readChannel(Channel::Err); });
    connect(m_process, &QProcess::finished, this, &ProcessRunner::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &ProcessRunner::onError);
    if (spec.timeoutMs > 0)
        m_deadline.start(spec.timeoutMs);
    m_process->start();
    if (spec.input) {
        m_process->write(*spec.input);
        m_process->closeWriteChannel();
    }
}

void ProcessRunner::cancel(int sig, int graceMs)
{
    if (!isRunning() || m_process->state() == QProcess::NotRunning || m_result.timedOut || m_result.cancelled)
        return;   // over, or already being ended
    m_result.cancelled = true;
    signalChild(sig);
    m_killTimer.start(graceMs);
}

void ProcessRunner::signalChild(int sig)
{
    if (!m_process)
        return;
#ifdef Q_OS_UNIX
    // The pid stays the child's until finished() has been handled (it is reaped there).
    if (const qint64 pid = m_process->processId(); pid > 0)
        signalGroup(pid, m_ownGroup ? pid : 0, sig);
#else
    sig == kKillSignal ? m_process->kill() : m_process->terminate();
#endif
}

void ProcessRunner::keep(QByteArray *kept, const QByteArray &chunk, qsizetype limit)
{
    kept->append(chunk);
    // Trimmed only once twice the limit has gathered: a long follow costs one copy per `limit` read.
    if (kept->size() > 2 * limit)
        keepTail(kept, &m_result.droppedBytes, limit);
}

void ProcessRunner::readChannel(Channel channel)
{
    const bool out = channel == Channel::Out;
    const QByteArray chunk = out ? m_process->readAllStandardOutput() : m_process->readAllStandardError();
    if (chunk.isEmpty())
        return;
    keep(out ? &m_result.out : &m_result.err, chunk, out ? m_keptOutBytes : m_keptErrBytes);
    (out ? m_outLines : m_errLines).feed(chunk, [this, channel](QByteArrayView line) {
        emit this->line(QString::fromUtf8(line), channel);
    });
}

void ProcessRunner::onFinished(int code, QProcess::ExitStatus status)
{
    // What is still buffered arrives before finished() only if read here.
    readChannel(Channel::Out);
    if (m_process->processChannelMode() != QProcess::MergedChannels)
        readChannel(Channel::Err);
    m_outLines.finish([this](QByteArrayView l) { emit line(QString::fromUtf8(l), Channel::Out); });
    m_errLines.finish([this](QByteArrayView l) { emit line(QString::fromUtf8(l), Channel::Err); });
    m_result.started = true;
    m_result.crashed = status != QProcess::NormalExit;
    m_result.exitCode = m_result.crashed ? -1 : code;
#ifdef Q_OS_UNIX
    if (m_result.crashed)
        m_result.crashSignal = code;   // Qt gives the terminating signal as the code of a crash
#endif
    report();
}

void ProcessRunner::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return;   // crashes and timeouts end in finished()
    m_result.started = false;
    const QString said = m_process->errorString();
    m_result.err = said.toUtf8();
    m_result.startKind = startFailureKind(m_process->program(), said);
    // Never from inside start(): a caller sees its runner before it hears how it ended.
    QMetaObject::invokeMethod(this, &ProcessRunner::report, Qt::QueuedConnection);
}

void ProcessRunner::report()
{
    if (m_reported)
        return;
    m_reported = true;
    m_deadline.stop();
    m_killTimer.stop();
    keepTail(&m_result.out, &m_result.droppedBytes, m_keptOutBytes);
    keepTail(&m_result.err, &m_result.droppedBytes, m_keptErrBytes);
    if (!m_result.ok())
        qCInfo(lcProcess).noquote() << "ended:" << m_result.commandLine() << errorKindName(m_result.kind());
    const ProcessResult result = m_result;   // a slot may let this runner go
    emit done(result);
}

ProcessRunner *run(const RunSpec &spec, QObject *context, std::function<void(const ProcessResult &)> done,
                   std::function<void(const QString &line, Channel channel)> onLine)
{
    auto *runner = new ProcessRunner(context);
    if (onLine)
        QObject::connect(runner, &ProcessRunner::line, runner, std::move(onLine));
    QObject::connect(runner, &ProcessRunner::done, runner, [runner, done = std::move(done)](const ProcessResult &r) {
        runner->deleteLater();
        done(r);
    });
    runner->start(spec);
    return runner;
}

} // namespace pgha::svc::proc
