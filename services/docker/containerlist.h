#pragma once

#include "core/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace pgha::svc::docker {

// One container of the lab as `docker ps` and `docker stats` describe it.
struct ContainerInfo {
    enum class Health { None, Starting, Healthy, Unhealthy };

    QString id;
    QString name;            // pgha-lab_pg1_1 (Compose v1) or pgha-lab-pg1-1 (v2)
    QString service;         // pg1 (the Compose service)
    QString state;           // created, running, paused, restarting, exited, dead
    QString status;          // "Up 2 minutes (healthy)", "Exited (137) 3 seconds ago"
    Health health = Health::None;
    int exitCode = -1;       // when exited
    QString uptime;          // "2 minutes" while up, "" otherwise
    QString ports;           // "127.0.0.1:5000->5000/tcp, …"
    // From `docker stats` (empty until asked).
    QString cpu;             // "0.52%"
    QString memory;          // "51.2MiB / 23.5GiB"

    bool isRunning() const { return state == u"running"; }
    bool isReady() const { return isRunning() && (health == Health::Healthy || health == Health::None); }
    static QString healthName(Health h);
};

// The Go template the lab lists its containers with (tab separated; no JSON because the
// Labels field of `{{json .}}` joins labels with commas that values may contain too).
QString containerListFormat();
// Parses what `docker ps -a --format containerListFormat()` printed. Malformed lines are an error.
Result<QList<ContainerInfo>> parseContainerList(const QByteArray &out);
// Health, exit code and uptime from a Status column ("Up 5 seconds (health: starting)").
void readStatus(const QString &status, ContainerInfo *info);

struct ContainerStats {
    QString cpu;
    QString memory;
};
// Parses `docker stats --no-stream --format '{{json .}}'`, by container name.
Result<QHash<QString, ContainerStats>> parseContainerStats(const QByteArray &out);

} // namespace pgha::svc::docker
