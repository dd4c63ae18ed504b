#pragma once

#include "core/result.h"

#include <QObject>
#include <QStringList>

#include <functional>

namespace pgha::svc::docker {

// What this machine offers to run the Docker lab: the engine and which Compose.
struct DockerSetup {
    QString docker;              // the docker program
    QString engineVersion;       // the daemon's (server) version
    QStringList compose;         // {"docker", "compose"} (v2 plugin) or {"docker-compose"} (v1)
    QString composeVersion;

    bool composeV2() const { return compose.size() == 2; }
    QString composeName() const;          // "docker compose 2.20.2", "docker-compose 1.29.2"
    QString composeProgram() const { return compose.value(0); }
    // The compose command's arguments before the subcommand (`compose` for v2, nothing for v1).
    QStringList composeArgs(const QStringList &args) const { return compose.mid(1) + args; }
};

// Asks the engine for its version (so a daemon that is down or refuses us is told apart from a
// missing program), then finds Compose: $PGHA_COMPOSE ("docker-compose" or "docker compose")
// when set, else the v2 plugin, else v1. Never blocks; `done` is called once in `context`'s thread.
void detectDocker(QObject *context, std::function<void(const Result<DockerSetup> &)> done);

} // namespace pgha::svc::docker
