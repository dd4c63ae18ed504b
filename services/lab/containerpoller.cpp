#include "lab/containerpoller.h"

#include "lab/labservice.h"

#include <QDateTime>

namespace pgha::svc {

ContainerPoller::ContainerPoller(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ContainerPoller::poll);
}

bool ContainerPoller::isActive() const
{
    return m_lab && m_lab->hasContainers() && (m_enabled || m_watched);
}

void ContainerPoller::setLab(LabService *lab)
{
    if (lab == m_lab)
        return;
    disconnect(m_labConnection);
    m_lab = lab;
    // A request to the old lab may never answer (its process dies with it): forget it.
    ++m_generation;
    m_inFlight = false;
    m_timer.stop();
    QStringList services;
    if (m_lab && m_lab->hasContainers())
        for (const auto &c : m_lab->components())
            services << c.name;
    emit labChanged(services, m_lab ? m_lab->config().dockerProject : QString());
    if (m_lab)
        // A start lists the containers every second (without stats): whoever shows them follows it.
        m_labConnection = connect(m_lab, &LabService::containersChanged, this, [this](const QList<docker::ContainerInfo> &containers) {
            emit listed(containers, QDateTime::currentMSecsSinceEpoch());
        });
    refreshNow();
}

void ContainerPoller::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    if (isActive())
        refreshNow();
    else
        m_timer.stop();
}

void ContainerPoller::setWatched(bool watched)
{
    if (watched == m_watched)
        return;
    m_watched = watched;
    if (m_watched)
        refreshNow();   // looked at now: no waiting for the slow background tick
    else if (isActive())
        schedule();
    else
        m_timer.stop();
}

void ContainerPoller::refreshNow()
{
    if (!isActive() || m_inFlight)
        return;
    m_timer.stop();
    poll();
}

void ContainerPoller::schedule()
{
    if (isActive() && !m_inFlight)
        m_timer.start(intervalMs());
}

void ContainerPoller::poll()
{
    if (!isActive() || m_inFlight)
        return;
    m_inFlight = true;
    ++m_requests;
    const quint64 generation = m_generation;
    LabService *lab = m_lab;
    lab->listContainers(m_watched, this, [this, lab, generation](const Result<QList<docker::ContainerInfo>> &answer) {
        if (generation != m_generation)
            return;   // about a lab that was swapped out
        m_inFlight = false;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (const auto &setup = lab->engine())
            emit engineKnown(setup->engineVersion, setup->composeName());
        if (answer)
            emit listed(answer.value(), now);
        else
            emit failed(answer.error().toString(), now);
        emit refreshed(answer.ok());
        schedule();
    });
}

} // namespace pgha::svc
