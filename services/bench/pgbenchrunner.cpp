#include "pgbenchrunner.h"

#include "lab/labbinaries.h"
#include "process/procutil.h"
#include "core/utctime.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QStorageInfo>

#ifdef Q_OS_UNIX
#include <csignal>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace pgha::svc {

namespace {
// Bytes read from one log file per pass: keeps a pass short when the files grew a lot.
constexpr qint64 kMaxLogReadBytes = 8 * 1024 * 1024;
// pgbench's stderr kept for messages (progress lines are not kept).
constexpr qsizetype kMaxStderrBytes = 256 * 1024;
constexpr qsizetype kMaxStdoutBytes = 4 * 1024 * 1024;
// The database pgbench's tables go into.
const QString kBenchDatabase = QStringLiteral("pgbench");

// Hole punching works on whole file-system blocks; the log is released in these steps.
// Bins of the latency histogram kept with a run.
constexpr int kHistogramBins = 40;
constexpr qint64 kReleaseStepBytes = 1024 * 1024;

// Gives the first `upTo` bytes of a log file back to the file system while pgbench keeps
// appending (Linux: a hole, so offsets and the size stay as they are). The already-read part of
// a 10-hour run's logs then takes no disk. False where the file system or OS cannot.
bool releaseReadPart(const QString &path, qint64 upTo)
{
#ifdef Q_OS_LINUX
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, upTo) == 0;
    ::close(fd);
    return ok;
#else
    Q_UNUSED(path)
    Q_UNUSED(upTo)
    return false;
#endif
}

QString pgbenchInstallHint()
{
    return QStringLiteral("Debian/Ubuntu: apt install postgresql-15 (or the server package of your version; "
                          "postgresql-client-common only wraps it); macOS: brew install postgresql");
}

QString quoteArg(const QString &a)
{
    if (!a.isEmpty() && !a.contains(QLatin1Char(' ')) && !a.contains(QLatin1Char('\'')) && !a.contains(QLatin1Char('"')))
        return a;
    QString q = a;
    return QLatin1Char('\'') + q.replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
}
} // namespace

Result<QString> locatePgbench()
{
    const QStringList path = qEnvironmentVariable("PATH").split(QDir::listSeparator(), Qt::SkipEmptyParts);
    const QString binDir = discoverPgBinDir(path);
    if (!binDir.isEmpty() && QFileInfo(binDir + QStringLiteral("/pgbench")).isExecutable())
        return binDir + QStringLiteral("/pgbench");
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("pgbench"));
    if (!onPath.isEmpty())
        return onPath;
    return makeError(ErrorKind::NotFound, QStringLiteral("pgbench is not installed"), pgbenchInstallHint());
}

PgbenchRunner::PgbenchRunner(QObject *parent) : QObject(parent)
{
    m_logTimer.setInterval(kLogReadIntervalMs);
    connect(&m_logTimer, &QTimer::timeout, this, [this] {
        readLogs(false);
        measureCpu();
    });
}

// The segment's runner goes with this and kills a pgbench still running: no orphan outlives it.
PgbenchRunner::~PgbenchRunner() = default;

bool PgbenchRunner::isRunning() const
{
    return m_running;
}

QProcessEnvironment PgbenchRunner::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // pgbench follows the locale for decimals and translates its messages: the parsers read C.
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C"));
    env.remove(QStringLiteral("PGPASSWORD"));   // a password travels only in a 0600 file
    if (!m_result.target.passFile.isEmpty())
        env.insert(QStringLiteral("PGPASSFILE"), m_result.target.passFile);
    const PgTls &tls = m_result.target.endpoint.tls;
    if (!tls.sslmode.isEmpty())
        env.insert(QStringLiteral("PGSSLMODE"), tls.sslmode);
    if (!tls.rootCert.isEmpty())
        env.insert(QStringLiteral("PGSSLROOTCERT"), tls.rootCert);
    env.insert(QStringLiteral("PGAPPNAME"), QStringLiteral("pgha-bench"));
    env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QStringLiteral("5"));
    return env;
}

QStringList PgbenchRunner::segmentArguments(int durationS) const
{
    const PgEndpoint &e = m_result.target.endpoint;
    QStringList a{QStringLiteral("-h"), e.host, QStringLiteral("-p"), QString::number(e.port), QStringLiteral("-U"), e.user};
    if (m_initMode)
        return a + QStringList{QStringLiteral("-i"), QStringLiteral("-s"), QString::number(m_scale), kBenchDatabase};
    const BenchWorkload &w = m_result.workload;
    if (!w.builtin.isEmpty())
        a << QStringLiteral("-b") << w.builtin;
    for (const QString &s : w.scripts)
        a << QStringLiteral("-f") << s;
    a << QStringLiteral("-c") << QString::number(w.clients) << QStringLiteral("-j") << QString::number(w.threads)
      << QStringLiteral("-T") << QString::number(durationS) << QStringLiteral("-P") << QStringLiteral("1")
      << QStringLiteral("--progress-timestamp") << QStringLiteral("-l") << QStringLiteral("--log-prefix") << m_logPrefix;
    if (w.rate)
        a << QStringLiteral("-R") << QString::number(*w.rate);
    if (w.latencyLimitMs)
        a << QStringLiteral("-L") << QString::number(*w.latencyLimitMs);
    if (w.samplingRate)
        a << QStringLiteral("--sampling-rate") << QString::number(*w.samplingRate);
    if (!w.queryMode.isEmpty())
        a << QStringLiteral("-M") << w.queryMode;
    // A segment started again mid-run must not do what pgbench does first for the built-in
    // scripts — VACUUM the tables and TRUNCATE pgbench_history — which would erase the run's
    // own history rows and add the vacuum to the outage it measures.
    if (m_result.restarts > 0)
        a << QStringLiteral("-n");
    a << kBenchDatabase;
    return a;
}

void PgbenchRunner::run(const QString &pgbench, const BenchTarget &target, const BenchWorkload &workload,
                        const QString &workDir, const QString &label)
{
    m_initMode = false;
    m_pgbench = pgbench;
    m_workDir = workDir;
    m_result = {};
    m_result.target = target;
    m_result.workload = workload;
    m_result.label = label;
    m_result.startedMs = QDateTime::currentMSecsSinceEpoch();
    m_result.id = utcFromMs(m_result.startedMs).toString(QStringLiteral("yyyyMMdd-HHmmss"))
                  + QStringLiteral("-%1").arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
    m_log = std::make_unique<TxLogAccumulator>();
    m_recent = std::make_unique<RecentLatencies>(m_result.startedMs * 1000);
    m_log->setRecentLatencies(m_recent.get());
    m_logFiles.clear();
    m_running = true;
    if (const QString problem = workload.problem(); !problem.isEmpty())
        return finish(problem);
    if (!QDir().mkpath(workDir))
        return finish(QStringLiteral("cannot create the directory for pgbench's logs %1").arg(workDir));
    m_logPrefix = QDir(workDir).filePath(QStringLiteral("pgbench_log_") + m_result.id);
    const QStorageInfo disk(workDir);
    if (disk.isValid() && disk.bytesAvailable() < kMinFreeDiskBytes)
        return finish(QStringLiteral("only %1 MiB free on %2, where pgbench writes its per-transaction logs (about %3 bytes a transaction)")
                              .arg(disk.bytesAvailable() / (1024 * 1024)).arg(disk.rootPath()).arg(kLogBytesPerTransaction)
                      + QStringLiteral(" — free some space, or set TMPDIR to a disk with room"));
    m_cpuLastS = -1;
    m_cpuPercentSum = 0;
    m_cpuReadings = 0;
    m_processedTotal = 0;
    m_clock.start();
    startSegment(workload.durationS);
    m_logTimer.start();
}

void PgbenchRunner::init(const QString &pgbench, const BenchTarget &target, int scale, const QString &workDir)
{
    m_initMode = true;
    m_scale = scale;
    m_pgbench = pgbench;
    m_workDir = workDir;
    m_result = {};
    m_result.target = target;
    m_result.startedMs = QDateTime::currentMSecsSinceEpoch();
    m_running = true;
    m_clock.start();
    // pgbench -i needs its database; made here, asynchronously, when missing.
    PgEndpoint admin = target.endpoint;
    admin.database = QStringLiteral("postgres");
    auto *check = new PgQuery(admin, QStringLiteral("SELECT 1 FROM pg_database WHERE datname = 'pgbench'"), PgQuery::kDefaultTimeoutMs, this);
    connect(check, &PgQuery::finished, this, [this, check, admin](const PgResult &r) {
        check->deleteLater();
        if (!r.ok)
            return finish(r.error);
        if (!r.rows.isEmpty())
            return startSegment(0);
        auto *create = new PgQuery(admin, QStringLiteral("CREATE DATABASE pgbench"), PgQuery::kDefaultTimeoutMs, this);
        create->setSendStatementTimeout(false);   // CREATE DATABASE runs alone, outside any transaction block
        connect(create, &PgQuery::finished, this, [this, create](const PgResult &c) {
            create->deleteLater();
            if (!c.ok)
                return finish(c.error);
            startSegment(0);
        });
        create->start();
    });
    check->start();
}

void PgbenchRunner::startSegment(int durationS)
{
    // Called from the previous segment's done(): that runner goes once its signal returns.
    if (m_process)
        m_process.release()->deleteLater();
    proc::RunSpec spec;
    spec.program = m_pgbench;
    spec.arguments = segmentArguments(durationS);
    spec.environment = environment();
    spec.workDir = m_workDir;
    spec.timeoutMs = 0;          // as long as the run lasts; stop() ends it
    spec.crEndsLine = true;      // pgbench -i draws its progress with '\r'
    spec.keptOutBytes = kMaxStdoutBytes;
    spec.keptErrBytes = kMaxStderrBytes;
    spec.missingHint = pgbenchInstallHint();
    m_stderr.clear();
    m_cpuLastS = -1;
    if (m_result.commandLine.isEmpty()) {
        QStringList shown{m_pgbench};
        for (const QString &a : std::as_const(spec.arguments))
            shown.append(quoteArg(a));
        m_result.commandLine = QStringLiteral("LC_ALL=C ") + shown.join(QLatin1Char(' '));
    }
    m_process = std::make_unique<proc::ProcessRunner>();
    connect(m_process.get(), &proc::ProcessRunner::line, this, [this](const QString &line, proc::Channel channel) {
        if (channel == proc::Channel::Err)
            onStderrLine(line.toUtf8());
    });
    connect(m_process.get(), &proc::ProcessRunner::done, this, &PgbenchRunner::onSegmentDone);
    m_process->start(spec);
}

void PgbenchRunner::onStderrLine(const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return;
    if (m_initMode) {
        if (auto p = parseInitProgress(line)) {
            emit initProgress(p.value().finished ? 1.0 : p.value().fraction, QString::fromUtf8(line));
            return;
        }
    } else if (line.startsWith("progress:")) {
        if (auto p = parseProgressLine(line)) {
            BenchSample s;
            const double runStartS = double(m_result.startedMs) / 1000.0;
            s.t = p.value().epochTime ? p.value().t - runStartS : p.value().t;
            s.tps = p.value().tps;
            s.latAvgMs = p.value().latAvgMs;
            s.latStddevMs = p.value().latStddevMs;
            s.failed = p.value().failed;
            m_result.samples.append(s);
            emit sample(s);
            return;
        }
    }
    if (line.contains("aborted in command") || (line.contains("client ") && line.contains(" aborted")))
        ++m_result.abortedClients;
    if (m_stderr.size() < kMaxStderrBytes)
        m_stderr += line + '\n';
}

void PgbenchRunner::onSegmentDone(const proc::ProcessResult &segment)
{
    if (!segment.started)
        return finish(segment.error(QStringLiteral("starting pgbench")).toString());
    const int exitCode = segment.exitCode;
    if (m_initMode) {
        if (exitCode == 0)
            return finish();
        const auto e = parsePgbenchError(m_stderr);
        return finish(QStringLiteral("pgbench -i on %1 failed: %2").arg(m_result.target.endpoint.describe(),
                                                                       e ? e.value().message : QString::fromUtf8(m_stderr).trimmed()));
    }
    // This segment's log files are complete: read them to the end, so that the seconds they
    // hold are given out and a later segment's files are not held back by them.
    readLogs(true);
    if (auto s = parsePgbenchSummary(segment.out, m_stderr)) {
        m_result.lastSummary = s.value();
        m_processedTotal += s.value().processed;
        if (m_result.pgbenchVersion.isEmpty())
            m_result.pgbenchVersion = s.value().pgbenchVersion;
    }
    if (m_result.stopped)
        return finish();
    if (segment.crashed)
        return finish(QStringLiteral("pgbench ended abnormally (%1)")
                              .arg(segment.crashSignal > 0 ? QStringLiteral("killed by signal %1").arg(segment.crashSignal)
                                                           : QStringLiteral("crashed")));
    const int remaining = m_result.workload.durationS - int(m_clock.elapsed() / 1000);
    if (exitCode == 1 && m_result.restarts > 0 && remaining >= kMinRestartS) {
        // A restarted segment found no server yet (the switchover or failover is still under
        // way): try again shortly, for as long as the run lasts.
        ++m_result.restarts;
        QTimer::singleShot(kRetryDelayMs, this, [this] {
            const int left = m_result.workload.durationS - int(m_clock.elapsed() / 1000);
            if (!m_running)
                return;
            if (m_result.stopped || left < kMinRestartS)
                return finish();
            startSegment(left);
        });
        return;
    }
    if (exitCode == 1) {
        const auto e = parsePgbenchError(m_stderr);
        QString why = e ? e.value().message : QString::fromUtf8(m_stderr).trimmed();
        if (e && e.value().scriptLine > 0)
            why += QStringLiteral(" — %1 line %2: %3").arg(e.value().scriptFile).arg(e.value().scriptLine).arg(e.value().sourceLine);
        return finish(QStringLiteral("pgbench refused to run against %1 (%2): %3")
                              .arg(m_result.target.name, m_result.target.endpoint.describe(), why));
    }
    if (exitCode == 2) {
        // Its clients lost the server (a switchover, a crash): run again for the time left.
        if (remaining >= kMinRestartS) {
            ++m_result.restarts;
            m_result.warnings.append(QStringLiteral("pgbench's clients lost their server at %1 s; started again for the "
                                                    "remaining %2 s").arg(m_clock.elapsed() / 1000.0, 0, 'f', 1).arg(remaining));
            startSegment(remaining);
            return;
        }
        m_result.warnings.append(QStringLiteral("pgbench's clients lost their server near the end of the run"));
    }
    finish();
}

void PgbenchRunner::readLogs(bool final)
{
    if (!m_log)
        return;
    const QFileInfo prefix(m_logPrefix);
    const QFileInfoList files = QDir(prefix.absolutePath()).entryInfoList({prefix.fileName() + QStringLiteral("*")}, QDir::Files);
    TxLogColumns columns;
    columns.scheduleLag = m_result.workload.rate.has_value();
    qint64 logBytes = 0;
    for (const QFileInfo &fi : files) {
        auto &entry = m_logFiles[fi.absoluteFilePath()];
        if (!entry) {
            entry = std::make_shared<LogFile>();
            entry->reader = std::make_unique<TxLogReader>(*m_log, columns);
        }
        QFile f(fi.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly) || !f.seek(entry->offset))
            continue;
        for (;;) {
            const QByteArray chunk = f.read(kMaxLogReadBytes);
            if (chunk.isEmpty())
                break;
            entry->offset += chunk.size();
            entry->reader->feed(chunk);
            if (!final)
                break;
        }
        const qint64 held = fi.size() - entry->released;
        logBytes += std::max<qint64>(0, held);
        const qint64 releasable = entry->offset / kReleaseStepBytes * kReleaseStepBytes;
        if (!final && releasable > entry->released && releaseReadPart(fi.absoluteFilePath(), releasable))
            entry->released = releasable;
    }
    m_result.logBytesMax = std::max(m_result.logBytesMax, logBytes);
    if (m_recent)
        emitLatencySeconds(final ? m_recent->takeAll() : m_recent->takeCompleted());
    if (!final && m_running) {
        const QStorageInfo disk(m_workDir);
        if (disk.isValid() && disk.bytesAvailable() < kMinFreeDiskBytes / 4) {
            m_result.warnings.append(QStringLiteral("stopped: the disk holding pgbench's logs (%1) has %2 MiB left")
                                             .arg(disk.rootPath()).arg(disk.bytesAvailable() / (1024 * 1024)));
            stop();
        }
    }
    if (final)
        for (auto &entry : m_logFiles)
            entry->reader->finish();
}

void PgbenchRunner::emitLatencySeconds(const QList<RecentLatencies::Second> &seconds)
{
    for (const auto &s : seconds) {
        // Second k of the run ends at k+1 s, as the progress line stamped then covers it.
        const BenchLatencySecond l{double(s.index + 1), s.count, double(s.p50Us) / 1000.0, double(s.p95Us) / 1000.0,
                                   double(s.p99Us) / 1000.0};
        m_result.latencySeconds.append(l);
        emit latencySecond(l);
    }
}

void PgbenchRunner::measureCpu()
{
    const qint64 pid = m_process ? m_process->processId() : 0;
    if (pid <= 0)
        return;
    const auto cpu = proc::cpuSeconds(pid);
    if (!cpu)
        return;
    const qint64 now = m_clock.elapsed();
    if (m_cpuLastS >= 0 && *cpu >= m_cpuLastS && now - m_cpuLastMs >= 900) {
        const double percent = 100.0 * (*cpu - m_cpuLastS) / (double(now - m_cpuLastMs) / 1000.0);
        m_cpuPercentSum += percent;
        ++m_cpuReadings;
        m_result.loadGenCpuMax = std::max(m_result.loadGenCpuMax, percent);
        emit loadGeneratorCpu(percent, m_result.workload.threads);
    } else if (m_cpuLastS >= 0 && now - m_cpuLastMs < 900) {
        return;   // keep the older reading: a second's worth is steadier
    }
    m_cpuLastS = *cpu;
    m_cpuLastMs = now;
}

void PgbenchRunner::stop()
{
    if (!m_running)
        return;
    m_result.stopped = true;
    if (!m_process || !m_process->isRunning())
        return finish();
#ifdef Q_OS_UNIX
    m_process->cancel(SIGINT, kStopGraceMs);   // pgbench's own way to stop, then SIGKILL
#else
    m_process->cancel(SIGTERM, kStopGraceMs);
#endif
}

void PgbenchRunner::finish(const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_logTimer.stop();
    m_result.endedMs = QDateTime::currentMSecsSinceEpoch();
    m_result.error = error;
    if (!m_initMode && m_log) {
        readLogs(true);
        m_result.log = m_log->stats();
        for (const auto &[upToUs, count] : m_log->histogram(kHistogramBins))
            m_result.latencyHistogram.append({double(upToUs) / 1000.0, count});
        const double sampled = m_result.workload.samplingRate.value_or(1.0);
        const bool wholeSummary = m_result.restarts == 0 && !m_result.stopped && m_result.lastSummary && m_result.lastSummary->tps;
        // With a sampling rate the logs hold a share of the transactions; pgbench's totals hold all.
        // (pgbench 15's "processed" counts the committed ones; failures are listed apart.)
        m_result.transactions = sampled < 1.0 && m_processedTotal > 0 ? m_processedTotal : m_result.log.committed;
        m_result.failed = sampled < 1.0 ? qRound64(double(m_result.log.failed) / sampled) : m_result.log.failed;
        if (sampled < 1.0)
            m_result.warnings.append(QStringLiteral("latency percentiles from a %1 %% sample of the transactions (--sampling-rate)")
                                             .arg(sampled * 100.0, 0, 'g', 3));
        if (m_cpuReadings > 0)
            m_result.loadGenCpuAvg = m_cpuPercentSum / m_cpuReadings;
        if (m_result.loadGenCpuMax >= kSaturatedShare * 100.0 * m_result.workload.threads)
            m_result.warnings.append(QStringLiteral("pgbench used up to %1 %% of a core with %2 thread(s): the load generator, not "
                                                    "the server, may have set the pace — add threads (-j) or a core")
                                             .arg(m_result.loadGenCpuMax, 0, 'f', 0).arg(m_result.workload.threads));
        if (wholeSummary) {
            m_result.tps = *m_result.lastSummary->tps;
            m_result.tpsSource = QStringLiteral("pgbench");
        } else {
            const double ranS = std::max(1e-3, std::min(double(m_result.workload.durationS), m_clock.elapsed() / 1000.0));
            m_result.tps = double(m_result.transactions) / ranS;
            m_result.tpsSource = QStringLiteral("log");
        }
        // The log files are bounded by the run; once merged they are not needed.
        for (auto it = m_logFiles.cbegin(); it != m_logFiles.cend(); ++it)
            QFile::remove(it.key());
        m_logFiles.clear();
    }
    emit finished(m_result);
}

} // namespace pgha::svc
