#include "sourcehealthmodel.h"

namespace pgha::models {

SourceHealthModel::SourceHealthModel(QObject *parent) : QObject(parent) {}

void SourceHealthModel::update(const svc::SourceHealth &health)
{
    for (auto &s : m_sources)
        if (s.id == health.id) {
            s = health;
            emit changed();
            return;
        }
    m_sources.append(health);
    emit changed();
}

void SourceHealthModel::clear()
{
    m_sources.clear();
    emit changed();
}

int SourceHealthModel::reachableCount() const
{
    int n = 0;
    for (const auto &s : m_sources)
        n += s.reachable ? 1 : 0;
    return n;
}

QString SourceHealthModel::describe(const svc::SourceHealth &h, qint64 nowMs)
{
    if (!h.everPolled)
        return tr("waiting for the first answer");
    const QString age = h.lastSuccessMs > 0
            ? tr("last success %1 s ago").arg((nowMs - h.lastSuccessMs) / 1000.0, 0, 'f', 1)
            : tr("never answered");
    if (h.reachable)
        return tr("reachable · %1 ms · every %2 ms · %3").arg(h.latencyMs).arg(h.intervalMs).arg(age);
    return tr("unreachable (%1 failures) · %2 · %3").arg(h.consecutiveFailures).arg(age, h.lastError);
}

} // namespace pgha::models
