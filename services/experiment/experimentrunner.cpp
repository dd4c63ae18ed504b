#include "experiment/experimentrunner.h"

#include "bench/benchmanifest.h"
#include "bench/benchstats.h"
#include "bench/benchtargets.h"
#include "bench/pgbenchrunner.h"
#include "chaos/chaosrunner.h"

namespace pgha::svc {

ExperimentRunner::ExperimentRunner(ExperimentPlan plan, Profile profile, QString dir, QString chaosStore, HttpClient *http,
                                   QObject *parent)
    : QObject(parent), m_plan(std::move(plan)), m_cells(m_plan.cells()), m_profile(std::move(profile)), m_dir(std::move(dir)),
      m_chaosStore(std::move(chaosStore)), m_http(http)
{
}

void ExperimentRunner::start(const QList<ExperimentRun> &recorded)
{
    if (m_running)
        return;
    m_running = true;
    m_queue = remainingRuns(m_plan, recorded);
    m_progress = {};
    m_progress.total = static_cast<int>(m_queue.size());
    m_progress.alreadyRecorded = m_plan.runCount() - m_progress.total;
    if (m_queue.isEmpty()) {
        next();
        return;
    }
    recordEnvironment([this] { next(); });
}

void ExperimentRunner::recordEnvironment(std::function<void()> then)
{
    emit stageChanged(QStringLiteral("reading the versions of the cluster's components and pgbench"));
    // Where the first run's load connects, else the profile's read-write entry.
    std::optional<BenchTarget> target;
    if (auto o = chaosOptionsForCell(m_cells.value(m_queue.front().cellIndex), m_profile); o && o.value().load)
        target = o.value().load->target;
    else if (auto rw = resolveBenchTarget(m_profile, QStringLiteral("rw")))
        target = rw.value();
    const auto pgbench = locatePgbench();
    if (!target) {
        then();
        return;
    }
    collectManifest(m_profile, *target, pgbench ? pgbench.value() : QString(), this, [this, then](const BenchManifest &m) {
        if (auto saved = appendExperimentSession(m_dir, m.toJson()); !saved)
            emit storeError(saved.error().toString());
        if (!m_cancelled)
            then();
        else
            stop(false, QStringLiteral("interrupted before the first run"));
    });
}

void ExperimentRunner::cancel()
{
    m_cancelled = true;
    if (m_current)
        m_current->cancel();
    else if (m_running)
        stop(false, QStringLiteral("interrupted"));
}

void ExperimentRunner::stop(bool complete, const QString &reason)
{
    if (!m_running)
        return;
    m_running = false;
    emit finished(complete, reason);
}

void ExperimentRunner::next()
{
    if (m_cancelled) {
        stop(false, QStringLiteral("interrupted after %1 of %2 run(s)").arg(m_progress.done).arg(m_progress.total));
        return;
    }
    if (m_queue.isEmpty()) {
        stop(true, {});
        return;
    }
    const PlannedRun planned = m_queue.takeFirst();
    const ExperimentCell &cell = m_cells[planned.cellIndex];
    auto options = chaosOptionsForCell(cell, m_profile);
    if (!options) {
        stop(false, QStringLiteral("cell %1: %2").arg(cell.key, options.error().toString()));
        return;
    }
    ChaosOptions o = options.value();
    o.iteration = planned.repetition;
    o.iterations = m_plan.repetitions;
    m_progress.cell = cell.key;
    m_progress.repetition = planned.repetition;

    auto *runner = new ChaosRunner(m_profile, o, m_http, this);
    m_current = runner;
    m_runClock.start();
    connect(runner, &ChaosRunner::stageChanged, this, &ExperimentRunner::stageChanged);
    connect(runner, &ChaosRunner::event, this, &ExperimentRunner::event);
    connect(runner, &ChaosRunner::finished, this, [this, runner, planned, cell](const ChaosReport &report) {
        runner->deleteLater();
        m_current = nullptr;
        const qint64 took = m_runClock.elapsed();
        if (!m_chaosStore.isEmpty())
            if (auto saved = appendChaosRun(m_chaosStore, report); !saved)
                emit storeError(saved.error().toString());
        // A cancelled run measured nothing: not recorded, so --resume makes it again.
        if (m_cancelled) {
            next();
            return;
        }
        ExperimentRun run;
        run.experiment = m_plan.name;
        run.fingerprint = m_plan.fingerprint();
        run.cell = cell.key;
        run.values = cell.gridValues;
        run.repetition = planned.repetition;
        run.durationMs = took;
        run.run = report;
        if (auto saved = appendExperimentRun(m_dir, run); !saved) {
            emit storeError(saved.error().toString());
            stop(false, QStringLiteral("the run could not be recorded: ") + saved.error().toString());
            return;
        }
        m_durations.append(took);
        ++m_progress.done;
        QList<double> durations;
        for (qint64 d : m_durations)
            durations.append(static_cast<double>(d));
        if (auto m = median(durations))
            m_progress.etaMs = static_cast<qint64>(m.value() * static_cast<double>(m_queue.size()));
        emit runFinished(run, m_progress);
        // A run that could not even start (no healthy cluster, no fault) will not do better next time.
        if (report.verdict == u"ERROR" && !report.error.isEmpty() && report.events.isEmpty()) {
            stop(false, QStringLiteral("run %1 #%2 could not start: %3").arg(cell.key).arg(planned.repetition).arg(report.error));
            return;
        }
        next();
    });
    emit runStarted(m_progress);
    runner->start();
}

} // namespace pgha::svc
