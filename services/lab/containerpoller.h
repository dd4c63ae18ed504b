#pragma once

#include "docker/containerlist.h"
#include "lab/labservice.h"

#include <QObject>
#include <QTimer>

namespace pgha::svc {

// Keeps asking a lab that runs containers (LabService::hasContainers) for them: every
// kWatchedIntervalMs with CPU and memory (`docker stats`, about 2 s) while someone looks at the
// table, every kBackgroundIntervalMs without them otherwise, so a display still learns of a
// container that died. The next request is scheduled when the last one has answered: requests
// never overlap, and an answer about a lab that was swapped out meanwhile is dropped. Whoever
// shows the containers listens (labChanged, listed, failed, engineKnown).
class ContainerPoller : public QObject {
    Q_OBJECT
public:
    static constexpr int kWatchedIntervalMs = 3000;
    static constexpr int kBackgroundIntervalMs = 10000;

    explicit ContainerPoller(QObject *parent = nullptr);

    // The lab to ask (nullptr, or a lab without containers: nothing to ask). Whoever deletes the
    // lab sets another one here first.
    void setLab(LabService *lab);
    // A lab with containers is recorded (or starting): worth asking in the background.
    void setEnabled(bool enabled);
    // Someone looks at the containers: asked even when not enabled, faster, with CPU and memory.
    void setWatched(bool watched);
    // Asks now unless a request is in flight (that one's answer is as fresh).
    void refreshNow();

    bool isActive() const;
    bool isWatched() const { return m_watched; }
    bool isInFlight() const { return m_inFlight; }
    int requestCount() const { return m_requests; }
    int intervalMs() const { return m_watched ? kWatchedIntervalMs : kBackgroundIntervalMs; }

signals:
    // Another lab: the services it runs as containers, in start order (none: no containers),
    // and its Compose project. What was listed before is about the old one.
    void labChanged(const QStringList &services, const QString &project);
    // A listing, from this poller or the lab's own (during a start every second, without stats).
    void listed(const QList<pgha::svc::docker::ContainerInfo> &containers, qint64 atMs);
    // The engine did not answer.
    void failed(const QString &error, qint64 atMs);
    // The engine and Compose the lab talks to ("20.10.24", "docker-compose 1.29.2").
    void engineKnown(const QString &engineVersion, const QString &compose);
    // After every answer to this poller (ok: the containers were listed).
    void refreshed(bool ok);

private:
    void poll();
    void schedule();

    LabService *m_lab = nullptr;
    QMetaObject::Connection m_labConnection;
    QTimer m_timer;
    bool m_enabled = false;
    bool m_watched = false;
    bool m_inFlight = false;
    quint64 m_generation = 0;
    int m_requests = 0;
};

} // namespace pgha::svc
