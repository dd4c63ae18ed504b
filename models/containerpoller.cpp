#include "containerpoller.h"

#include "containertablemodel.h"

#include "lab/dockerlab.h"

#include <QDateTime>

namespace pgha::models {

ContainerPoller::ContainerPoller(ContainerTableModel *model, QObject *parent) : QObject(parent), m_model(model)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ContainerPoller::poll);
}

void ContainerPoller::setLab(svc::DockerLab *lab)
{
    if (lab == m_lab)
        return;
    disconnect(m_labConnection);
    m_lab = lab;
    // A request to the old lab may never answer (its process dies with it): forget it.
    ++m_generation;
    m_inFlight = false;
    m_timer.stop();
    m_model->clear();
    if (m_lab)
        // A start lists the containers every second (without stats): the table follows it.
        m_labConnection = connect(m_lab, &svc::DockerLab::containersChanged, this,
                                  [this](const QList<svc::docker::ContainerInfo> &containers) {
                                      m_model->setContainers(containers, QDateTime::currentMSecsSinceEpoch());
                                  });
    refreshNow();
}

void ContainerPoller::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    if (m_enabled)
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
        refreshNow();   // the table is looked at now: no waiting for the slow background tick
    else
        schedule();
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
    svc::DockerLab *lab = m_lab;
    lab->listContainers(m_watched, this, [this, lab, generation](const svc::Result<QList<svc::docker::ContainerInfo>> &listed) {
        if (generation != m_generation)
            return;   // about a lab that was swapped out
        m_inFlight = false;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (const auto &setup = lab->setup())
            m_model->setEngine(setup->engineVersion, setup->composeName());
        if (listed)
            m_model->setContainers(listed.value(), now);
        else
            m_model->setError(listed.error().toString(), now);
        emit refreshed(listed.ok());
        schedule();
    });
}

} // namespace pgha::models
