#include "chaos/chaosseries.h"

namespace pgha::svc {

ChaosSeries::ChaosSeries(QString labDir, ChaosOptions options, int iterations, QString storePath, HttpClient *http,
                         QObject *parent)
    : QObject(parent), m_labDir(std::move(labDir)), m_options(std::move(options)), m_iterations(std::max(1, iterations)),
      m_storePath(std::move(storePath)), m_http(http)
{
}

ChaosSeries::ChaosSeries(Profile profile, ChaosOptions options, int iterations, QString storePath, HttpClient *http,
                         QObject *parent)
    : ChaosSeries(profile.labDir, std::move(options), iterations, std::move(storePath), http, parent)
{
    if (m_labDir.isEmpty())
        m_profile = std::move(profile);
}

void ChaosSeries::start()
{
    if (m_running)
        return;
    m_running = true;
    next();
}

void ChaosSeries::cancel()
{
    m_cancelled = true;
    if (m_current)
        m_current->cancel();
}

void ChaosSeries::next()
{
    const int i = static_cast<int>(m_runs.size()) + 1;
    if (i > m_iterations || m_cancelled) {
        m_running = false;
        emit finished(m_runs);
        return;
    }
    ChaosOptions o = m_options;
    o.iteration = i;
    o.iterations = m_iterations;
    auto *runner = m_profile ? new ChaosRunner(*m_profile, o, m_http, this) : new ChaosRunner(m_labDir, o, m_http, this);
    m_current = runner;
    connect(runner, &ChaosRunner::stageChanged, this, &ChaosSeries::stageChanged);
    connect(runner, &ChaosRunner::event, this, &ChaosSeries::event);
    connect(runner, &ChaosRunner::faultInjected, this, &ChaosSeries::faultInjected);
    connect(runner, &ChaosRunner::loadSample, this, &ChaosSeries::loadSample);
    connect(runner, &ChaosRunner::finished, this, [this, runner](const ChaosReport &r) {
        runner->deleteLater();
        m_current = nullptr;
        m_runs.append(r);
        if (!m_storePath.isEmpty())
            if (auto saved = appendChaosRun(m_storePath, r); !saved)
                emit storeError(saved.error().toString());
        emit runFinished(r);
        // A run that could not even start (no lab, no fault) will not do better next time.
        if (r.verdict == u"ERROR" && !r.error.isEmpty() && r.events.isEmpty())
            m_cancelled = true;
        next();
    });
    emit runStarted(i, m_iterations);
    runner->start();
}

} // namespace pgha::svc
