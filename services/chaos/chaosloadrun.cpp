// A chaos run's load — pgbench (the Bench module's runner) from before the fault until after the
// recovery, on the probes' clock through UTC — and what it ran against (the Bench module's
// manifest). The rest of the run is in chaosrunner.cpp.
#include "chaos/chaosrunner.h"

#include "bench/benchmanifest.h"
#include "bench/benchtargets.h"
#include "bench/pgbenchrunner.h"
#include "lab/labprofile.h"
#include "pg/pgquery.h"

#include <QDir>
#include <QUuid>

namespace pgha::svc {

void ChaosRunner::startLoad()
{
    const ChaosLoad &load = *m_options.load;
    const auto pgbench = locatePgbench();
    if (!pgbench) {
        fail(pgbench.error().toString());
        return;
    }
    m_loadDir = QDir::tempPath() + QStringLiteral("/pgha-chaos-load-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    if (!QDir().mkpath(m_loadDir)) {
        fail(QStringLiteral("cannot make %1 for pgbench's logs").arg(m_loadDir));
        return;
    }
    BenchWorkload workload = load.workload;
    workload.durationS = ChaosLoad::kMaxDurationS;   // stopped after the tail
    m_pgbench = new PgbenchRunner(this);
    connect(m_pgbench, &PgbenchRunner::sample, this, [this](const BenchSample &s) {
        ++m_loadSamples;
        const double faultAtS = m_faultAtMs >= 0 ? static_cast<double>(m_faultAtMs - m_loadStartMs) / 1000.0 : -1;
        emit loadSample(s.t, s.tps, faultAtS);
    });
    connect(m_pgbench, &PgbenchRunner::finished, this, &ChaosRunner::onLoadFinished);
    addEvent(clockMs(), QStringLiteral("load"),
             QStringLiteral("pgbench %1 through %2").arg(describeWorkload(load.workload),
                                                          load.target.path.isEmpty() ? load.target.name : load.target.path));
    m_loadClock.start();
    m_loadStartMs = clockMs();
    m_pgbench->run(pgbench.value(), load.target, workload, m_loadDir, QStringLiteral("chaos %1").arg(m_options.faultId));
}

void ChaosRunner::askEnvironment()
{
    Profile profile;
    if (m_profile) {
        profile = *m_profile;
    } else if (auto lab = resolveProfile(QStringLiteral("lab"), m_labDir)) {
        profile = lab.value();
    } else {
        return;
    }
    std::optional<BenchTarget> target;
    if (m_options.load)
        target = m_options.load->target;
    else if (auto rw = resolveBenchTarget(profile, QStringLiteral("rw")))
        target = rw.value();
    if (!target)
        return;
    const auto pgbench = locatePgbench();
    collectManifest(profile, *target, pgbench ? pgbench.value() : QString(), this,
                    [this](const BenchManifest &m) { m_report.environment = m.toJson(); });
}

// TPC-B's history table: one row per committed transaction of the built-in tpcb-like. pgbench
// empties it when it starts (its first segment's TRUNCATE; segments started again mid-run do
// not, see PgbenchRunner), so the rows on the new primary afterwards are this run's.
bool ChaosRunner::countsHistory() const
{
    return m_options.load && m_options.load->workload.builtin == u"tpcb-like";
}

void ChaosRunner::countHistory(const PgEndpoint &where, std::function<void(std::optional<qint64>)> then)
{
    auto *q = new PgQuery(where, QStringLiteral("SELECT count(*) FROM pgbench_history"), 30000, this);
    connect(q, &PgQuery::finished, this, [this, q, then](const PgResult &r) {
        q->deleteLater();
        if (!r.ok || r.rows.isEmpty())
            addEvent(clockMs(), QStringLiteral("load"), QStringLiteral("cannot count pgbench_history: %1").arg(r.error));
        then(r.ok && !r.rows.isEmpty() ? std::optional<qint64>(r.rows.front().value(0).toLongLong()) : std::nullopt);
    });
    q->start();
}

bool ChaosRunner::loadWarmedUp() const
{
    if (!m_options.load)
        return true;
    // pgbench reports each second; the lead counts from its first report.
    return m_pgbench && m_loadClock.isValid() && m_loadSamples >= m_options.load->leadS;
}

void ChaosRunner::stopLoad(std::function<void()> then)
{
    if (!m_pgbench || !m_pgbench->isRunning()) {
        then();
        return;
    }
    m_afterLoad = std::move(then);
    m_pgbench->stop();   // SIGINT; finished() follows within PgbenchRunner::kStopGraceMs
}

void ChaosRunner::onLoadFinished(const BenchResult &result)
{
    m_loadResult = result;
    if (m_pgbench) {
        m_pgbench->deleteLater();
        m_pgbench = nullptr;
    }
    if (!m_loadDir.isEmpty())
        QDir(m_loadDir).removeRecursively();
    m_loadDir.clear();
    if (m_afterLoad) {
        auto then = std::move(m_afterLoad);
        m_afterLoad = nullptr;
        then();
        return;
    }
    // Ended by itself: before the fault the run cannot go on; after it, the report says so.
    QString why = result.error.isEmpty() ? QStringLiteral("pgbench ended on its own") : result.error;
    if (why.contains(u"pgbench_accounts") || why.contains(u"pgbench_branches"))
        why += QStringLiteral(" — the pgbench tables are not there: `pgha bench init` makes them");
    addEvent(clockMs(), QStringLiteral("load"), QStringLiteral("the load stopped: %1").arg(why));
    if (!m_injected && !m_finished)
        fail(QStringLiteral("the load stopped before the fault: %1").arg(why));
}

} // namespace pgha::svc
