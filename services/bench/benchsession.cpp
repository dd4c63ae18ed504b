#include "benchsession.h"

#include "bench/benchcold.h"
#include "bench/benchtargets.h"
#include "bench/pgbenchrunner.h"
#include "core/jsonlstore.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QSet>

namespace pgha::svc {

namespace {
const QString kStoreWhat = QStringLiteral("the benchmark run store");
// Sessions opened to see which servers answer through a target.
constexpr int kMaxAnswerProbes = 4;

QString newSeriesId()
{
    return QStringLiteral("s") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"))
           + QStringLiteral("-%1").arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
}

// PgBouncer is in the path of the lab's rw and ro targets; a profile's own entry points may have
// one too, which is why the refusal names the version it found rather than assuming.
bool pathHasPgbouncer(const Profile &profile, const QString &target)
{
    return !profile.pgbouncers.isEmpty() && (target == u"rw" || target == u"ro");
}
} // namespace

Result<QList<int>> parseClientsList(const QString &text)
{
    QList<int> out;
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return makeError(QStringLiteral("no client counts in \"%1\"").arg(text), QStringLiteral("e.g. --clients 1,2,4,8"));
    for (const QString &p : parts) {
        bool ok = false;
        const int n = p.trimmed().toInt(&ok);
        if (!ok || n < 1)
            return makeError(QStringLiteral("\"%1\" in the clients list is not a whole number above 0").arg(p.trimmed()),
                             QStringLiteral("e.g. --clients 1,2,4,8"));
        out.append(n);
    }
    return out;
}

QList<int> BenchPlan::clientsList() const
{
    return clientsSweep.isEmpty() ? QList<int>{workload.clients} : clientsSweep;
}

int BenchPlan::runCount() const
{
    return int(targets.size() * clientsList().size()) * repeat;
}

QString BenchPlan::problem() const
{
    if (targets.isEmpty())
        return QStringLiteral("no target: name one (rw, ro, pgpool, direct, standalone, member:NAME)");
    if (repeat < 1 || repeat > kMaxRepeat)
        return QStringLiteral("repetitions must be 1 … %1").arg(kMaxRepeat);
    if (clientsSweep.size() > kMaxSweepPoints)
        return QStringLiteral("at most %1 client counts in a sweep").arg(kMaxSweepPoints);
    if (warmupS < 0 || warmupS > kMaxWarmupS)
        return QStringLiteral("the warm-up must be 0 … %1 s").arg(kMaxWarmupS);
    for (const int c : clientsList()) {
        BenchWorkload w = workload;
        w.clients = c;
        // In a sweep, -j is the most threads: a point with fewer clients gets one per client.
        if (!clientsSweep.isEmpty())
            w.threads = std::min(workload.threads, c);
        if (const QString p = w.problem(); !p.isEmpty())
            return clientsSweep.isEmpty() ? p : QStringLiteral("with %1 clients: %2").arg(c).arg(p);
    }
    return {};
}

BenchSession::BenchSession(QObject *parent) : QObject(parent) {}

BenchSession::~BenchSession() = default;

void BenchSession::start(const Profile &profile, const BenchPlan &plan, const QString &workDir, const QString &storePath)
{
    if (m_running)
        return;
    m_profile = profile;
    m_plan = plan;
    m_workDir = workDir;
    m_storePath = storePath;
    m_seriesId = newSeriesId();
    m_results.clear();
    m_steps.clear();
    m_current = -1;
    m_measuredIndex = 0;
    m_stopping = false;
    m_manifest = {};
    m_manifestFor.clear();
    m_running = true;
    if (const QString p = plan.problem(); !p.isEmpty())
        return finishSession(p);
    const auto pgbench = locatePgbench();
    if (!pgbench)
        return finishSession(pgbench.error().toString());
    m_pgbench = pgbench.value();
    for (const QString &target : plan.targets)
        for (const int clients : plan.clientsList()) {
            if (plan.warmupS > 0)
                m_steps.append({target, clients, -1});
            for (int r = 0; r < plan.repeat; ++r)
                m_steps.append({target, clients, r});
        }
    m_runner = std::make_unique<PgbenchRunner>();
    connect(m_runner.get(), &PgbenchRunner::sample, this, [this](const BenchSample &s) {
        emit sample(s, m_steps.value(m_current).repetition < 0);
    });
    connect(m_runner.get(), &PgbenchRunner::latencySecond, this, [this](const BenchLatencySecond &l) {
        emit latencySecond(l, m_steps.value(m_current).repetition < 0);
    });
    connect(m_runner.get(), &PgbenchRunner::loadGeneratorCpu, this, &BenchSession::loadGeneratorCpu);
    connect(m_runner.get(), &PgbenchRunner::finished, this, &BenchSession::onRunFinished);
    // Queued: a caller connects its slots after start() returns.
    QMetaObject::invokeMethod(this, [this] { prepareTarget(0); }, Qt::QueuedConnection);
}

void BenchSession::stop()
{
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    if (m_cold)
        m_cold->cancel();
    if (m_runner && m_runner->isRunning())
        m_runner->stop();
    else
        finishSession({});
}

void BenchSession::prepareTarget(int stepIndex)
{
    if (!m_running)
        return;
    if (m_stopping)
        return finishSession({});
    if (stepIndex >= m_steps.size())
        return finishSession({});
    m_current = stepIndex;
    const Step step = m_steps[stepIndex];
    auto withTarget = [this, stepIndex, step](const Result<BenchTarget> &t) {
        if (!m_running || m_current != stepIndex)
            return;
        if (!t)
            return finishSession(t.error().toString());
        // Which servers answer, asked before every run: a switchover between runs moves them.
        // --cold restarts every server the target can reach, so it asks with as many sessions as it may.
        const int probes = m_plan.cold ? kMaxAnswerProbes : std::min(step.clients, kMaxAnswerProbes);
        probeAnsweredBy(m_profile, t.value(), probes, this,
                        [this, stepIndex, target = t.value()](const QList<AnsweredServer> &servers, const QString &firstError) {
                            if (!m_running || m_current != stepIndex)
                                return;
                            if (servers.isEmpty())
                                return finishSession(QStringLiteral("no server answered through %1 (%2): %3 — is the cluster up? "
                                                                    "pgha status shows it")
                                                         .arg(target.name, target.endpoint.describe(), firstError));
                            m_answered = servers;
                            if (m_manifestFor == target.name)
                                return afterManifest(stepIndex, target);
                            collectManifest(m_profile, target, m_pgbench, this, [this, stepIndex, target](const BenchManifest &m) {
                                if (!m_running || m_current != stepIndex)
                                    return;
                                m_manifest = m;
                                m_manifestFor = target.name;
                                afterManifest(stepIndex, target);
                            });
                        });
    };
    resolveBenchTargetAsync(m_profile, step.target, this, withTarget);
}

void BenchSession::afterManifest(int stepIndex, const BenchTarget &target)
{
    const Step step = m_steps[stepIndex];
    if (m_manifest.scale == 0 && m_plan.workload.scripts.isEmpty())
        return finishSession(QStringLiteral("the database \"pgbench\" behind %1 has no pgbench tables (%2)")
                                 .arg(target.name, m_manifest.notes.filter(QStringLiteral("scale")).join(QStringLiteral("; ")))
                             + QStringLiteral(" — initialise it first: pgha bench init --scale 10 (or Init in the Bench tab)"));
    if (m_plan.workload.queryMode == u"prepared" && pathHasPgbouncer(m_profile, target.name)
        && !pgbouncerSupportsPrepared(m_manifest.pgbouncerVersion))
        return finishSession(QStringLiteral("-M prepared through %1 would fail: its PgBouncer (%2) in transaction pooling rejects "
                                            "prepared statements before 1.21 — use -M extended, or --target direct")
                                 .arg(target.name, m_manifest.pgbouncerVersion.isEmpty() ? QStringLiteral("version unknown")
                                                                                          : m_manifest.pgbouncerVersion));
    if (m_manifest.scale > 0 && m_manifest.scale < step.clients && step.repetition <= 0
        && (m_plan.workload.builtin == u"tpcb-like" || m_plan.workload.builtin == u"simple-update"))
        emit note(QStringLiteral("scale %1 < %2 clients: the clients will queue on the %1 branch rows (pgbench_branches), "
                                 "which measures row locks more than the cluster — init with --scale ≥ %2")
                      .arg(m_manifest.scale)
                      .arg(step.clients));
    if (!m_plan.cold || step.repetition < 0)
        return startStep(stepIndex, target);
    m_cold = std::make_unique<ColdCache>();
    connect(m_cold.get(), &ColdCache::note, this, [this](const QString &text) {
        m_coldNotes.append(text);
        emit note(text);
    });
    connect(m_cold.get(), &ColdCache::done, this, [this, stepIndex, target](const QString &error) {
        m_cold.release()->deleteLater();
        if (!m_running || m_current != stepIndex)
            return;
        if (!error.isEmpty())
            return finishSession(QStringLiteral("cold cache: ") + error);
        if (m_stopping)
            return finishSession({});
        startStep(stepIndex, target);
    });
    m_cold->start(m_profile, m_answered, target);
}

void BenchSession::startStep(int stepIndex, const BenchTarget &target)
{
    const Step step = m_steps[stepIndex];
    BenchWorkload w = m_plan.workload;
    w.clients = step.clients;
    w.threads = std::min(m_plan.workload.threads, step.clients);
    const bool warmup = step.repetition < 0;
    if (warmup) {
        w.durationS = m_plan.warmupS;
        emit note(QStringLiteral("warming up %1 s with %2 clients on %3 (not kept)").arg(m_plan.warmupS).arg(step.clients).arg(target.name));
    }
    emit runStarted(warmup ? -1 : m_measuredIndex, m_plan.runCount(), target.name, step.clients, step.repetition, warmup);
    m_runner->run(m_pgbench, target, w, m_workDir, m_plan.label);
}

void BenchSession::onRunFinished(const BenchResult &finished)
{
    const Step step = m_steps.value(m_current);
    if (step.repetition < 0) {   // a warm-up: nothing kept, unless it could not run at all
        if (!finished.ok() && finished.transactions == 0)
            return finishSession(QStringLiteral("warm-up: ") + finished.error);
        return prepareTarget(m_current + 1);
    }
    BenchResult r = finished;
    r.series = m_seriesId;
    r.repetition = step.repetition;
    r.warmupS = m_plan.warmupS;
    r.cold = m_plan.cold;
    r.answeredBy = describeAll(m_answered);
    r.manifest = m_manifest.toJson();
    if (r.pgbenchVersion.isEmpty())
        r.pgbenchVersion = m_manifest.pgbenchVersion;
    if (!m_coldNotes.isEmpty()) {
        r.warnings += m_coldNotes;
        m_coldNotes.clear();
    }
    ++m_measuredIndex;
    const bool keep = r.ok() || r.transactions > 0;
    if (keep) {
        if (!m_storePath.isEmpty())
            if (auto stored = appendJsonLine(m_storePath, r.toJson(), kStoreWhat); !stored)
                r.warnings.append(stored.error().toString());
        m_results.append(r);
        emit runFinished(r);
    }
    if (!r.ok())
        return finishSession(r.error);
    if (r.stopped || m_stopping)
        return finishSession({});
    prepareTarget(m_current + 1);
}

void BenchSession::finishSession(const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_cold.reset();
    // The runner is ended already (finished() came, or it never started); it goes later, as
    // this may run inside its own signal.
    if (m_runner)
        m_runner.release()->deleteLater();
    const QList<BenchResult> runs = m_results;
    // Queued, so that a caller's slot never runs inside start().
    QMetaObject::invokeMethod(this, [this, runs, error] { emit finished(runs, error); }, Qt::QueuedConnection);
}

} // namespace pgha::svc
