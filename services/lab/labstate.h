#pragma once

#include "core/result.h"
#include "lab/labconfig.h"

#include <QList>
#include <QString>

namespace pgha::svc {

// The lab directory's state.json (mode 0600): everything a second process needs to find,
// report and stop the lab. Written atomically after every change.
struct LabState {
    enum class Phase { Starting, Running, Stopping, Stopped, Failed };

    struct Process {
        QString name;                 // component name (etcd1, pg1, …)
        LabComponentKind kind = LabComponentKind::Etcd;
        qint64 pid = 0;
        qint64 startTicks = 0;        // process identity; see proc::startTicks
        qint64 pgid = 0;              // its process group (see proc::processGroup)
        QString logFile;
        QString dataDir;              // PostgreSQL data directory (Patroni members)
        QString container;            // Docker lab: the container's name (pid is 0 there)
    };

    struct Secrets {
        QString superuser;
        QString replication;
        QString rewind;
        QString restApi;              // Patroni REST Basic auth (LabConfig::restAuth), user kLabRestUser
    };

    int version = 1;
    QString flavor = QStringLiteral("native");
    Phase phase = Phase::Stopped;
    qint64 controllerPid = 0;         // the process driving a start or stop
    qint64 updatedAtMs = 0;
    QString lastError;
    LabConfig config;
    Secrets secrets;
    QList<Process> processes;

    // One state file per flavour, so both flavours can share a lab directory without one
    // overwriting the other's passwords: native → state.json, docker → docker-state.json.
    static QString fileName(const QString &flavor);
    static QStringList flavors();
    static QString phaseName(Phase p);

    Process *process(const QString &name);
    const Process *process(const QString &name) const;
    int aliveCount() const;

    QByteArray toJson() const;
    static Result<LabState> fromJson(const QByteArray &json, const QString &labDir);

    // Atomic write with owner-only permissions, never through a symlink, to fileName(flavor).
    Result<bool> save(const QString &labDir) const;
    // The lab of a directory: the flavour that runs (or is starting or stopping), else the one
    // used last. No file → error whose message says so; exists() tells apart. A lab directory
    // that is a symlink, not the caller's, or writable by others is refused: its state file
    // names processes to signal and passwords to use.
    static Result<LabState> load(const QString &labDir);
    static bool exists(const QString &labDir);
    // One flavour's lab in the directory.
    static Result<LabState> load(const QString &labDir, const QString &flavor);
    static bool exists(const QString &labDir, const QString &flavor);
};

} // namespace pgha::svc
