#pragma once

#include <QObject>
#include <QTimer>

namespace pgha::svc {
class DockerLab;
}

namespace pgha::models {

class ContainerTableModel;

// Keeps a ContainerTableModel fresh from the Docker lab: every kWatchedIntervalMs with CPU and
// memory (`docker stats`, about 2 s) while someone looks at the table, every
// kBackgroundIntervalMs without them otherwise, so the lab panel still learns of a container
// that died. The next request is scheduled when the last one has answered: requests never
// overlap, and an answer about a lab that was swapped out meanwhile is dropped.
class ContainerPoller : public QObject {
    Q_OBJECT
public:
    static constexpr int kWatchedIntervalMs = 3000;
    static constexpr int kBackgroundIntervalMs = 10000;

    explicit ContainerPoller(ContainerTableModel *model, QObject *parent = nullptr);

    // The lab to ask (nullptr: the native lab, nothing to ask). Whoever deletes the lab sets
    // another one here first.
    void setLab(svc::DockerLab *lab);
    // A Docker lab exists to ask about (recorded in the lab directory, or starting).
    void setEnabled(bool enabled);
    // Someone looks at the table: faster, and with CPU and memory.
    void setWatched(bool watched);
    // Asks now unless a request is in flight (that one's answer is as fresh).
    void refreshNow();

    bool isActive() const { return m_lab && m_enabled; }
    bool isWatched() const { return m_watched; }
    bool isInFlight() const { return m_inFlight; }
    int requestCount() const { return m_requests; }
    int intervalMs() const { return m_watched ? kWatchedIntervalMs : kBackgroundIntervalMs; }

signals:
    // After every answer (ok: Docker listed the containers).
    void refreshed(bool ok);

private:
    void poll();
    void schedule();

    ContainerTableModel *m_model;
    svc::DockerLab *m_lab = nullptr;
    QMetaObject::Connection m_labConnection;
    QTimer m_timer;
    bool m_enabled = false;
    bool m_watched = false;
    bool m_inFlight = false;
    quint64 m_generation = 0;
    int m_requests = 0;
};

} // namespace pgha::models
