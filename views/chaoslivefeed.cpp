#include "chaoslivefeed.h"

#include "chaos/chaosseries.h"

namespace pgha::views {

ChaosLiveFeed::ChaosLiveFeed(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &ChaosLiveFeed::tick);
}

void ChaosLiveFeed::follow(const svc::ChaosSeries *series)
{
    if (const svc::ChaosSeries *old = m_series.data())
        old->disconnect(this);
    m_series = series;
    m_lastMs = -1;
    if (!series) {
        m_timer.stop();
        return;
    }
    connect(series, &svc::ChaosSeries::runStarted, this, [this] { m_lastMs = -1; });
    connect(series, &svc::ChaosSeries::finished, &m_timer, &QTimer::stop);
    connect(series, &QObject::destroyed, &m_timer, &QTimer::stop);
    m_timer.start();
}

void ChaosLiveFeed::tick()
{
    const svc::ChaosSeries *series = m_series.data();
    const svc::ChaosRunner *runner = series ? series->current() : nullptr;
    if (!runner)
        return;
    const qint64 ms = runner->liveRtoMs();
    // The counter stands still once writes are acknowledged again: that value is the RTO.
    const bool recovered = ms >= 0 && ms == m_lastMs;
    m_lastMs = ms;
    emit live(ms, runner->report().budgetMs, recovered);
}

} // namespace pgha::views
