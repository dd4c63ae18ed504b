#pragma once

#include "core/result.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"

#include <QString>
#include <QStringList>

namespace pgha::svc::dockerlab {

// The Debian releases the Docker lab is built from, one per PostgreSQL major: every component
// is that release's own package, so the PostgreSQL major chooses the whole stack.
struct LabRelease {
    int postgres;        // Debian's PostgreSQL major in that release
    const char *suite;   // bookworm, trixie
    const char *debian;  // Debian 12
    const char *stack;   // the versions it brings, for messages and --help
    int patroniMajor;    // 3, 4
    int minTtl;          // the smallest ttl its Patroni keeps (Patroni 4 raises lower ones to 20)
};
inline constexpr LabRelease kLabReleases[] = {
    {15, "bookworm", "Debian 12", "PostgreSQL 15, Patroni 3.0.2, etcd 3.4, PgBouncer 1.18, HAProxy 2.6, Pgpool-II 4.3", 3, 1},
    {17, "trixie", "Debian 13", "PostgreSQL 17, Patroni 4.0.7, etcd 3.5, PgBouncer 1.24, HAProxy 3.0, Pgpool-II 4.6", 4,
     LabTimings::kPatroniMinTtl},
};
inline constexpr int kDefaultPostgres = 15;

// The release shipping PostgreSQL `major`, or nullptr.
const LabRelease *releaseFor(int major);
// The release of this lab (config.dockerPostgres, 0 = kDefaultPostgres).
const LabRelease &releaseOf(const LabConfig &config);
// "15 (Debian 12) or 17 (Debian 13)"
QString supportedPostgres();
// The base image the lab's Dockerfiles build on when none is configured (pulled from a
// registry): debian:<suite>-slim.
QString publicBaseImage(const LabConfig &config);
// What lab-stack/docker/build-base-image.sh builds for machines without a registry:
// pgha/debian-base:<suite>.
QString offlineBaseImage(const LabConfig &config);

// <labDir>/docker: the Compose project the console runs (a copy of lab-stack/docker and a .env).
QString projectDir(const QString &labDir);
QString baseImageOf(const LabConfig &config);
// Compose profiles to activate: the HAProxy + PgBouncer front, and Pgpool-II beside it on request.
QStringList profilesOf(const LabConfig &config);
// Every service the lab runs with these profiles, in start order, as lab components.
QList<LabComponent> componentsOf(const LabConfig &config);

// "6 of 16 containers running and healthy" (of the services expected), "no containers".
QString readySummary(qsizetype ready, qsizetype expected, qsizetype containers);

// The .env Compose reads: project, profiles, base image, timings, passwords and host ports.
QString envText(const LabConfig &config, const LabState::Secrets &secrets);

// Copies the compiled-in lab-stack/docker into projectDir (scripts made executable) and writes
// the .env (owner-only, atomically). Files of an earlier copy are replaced; nothing else is touched.
Result<bool> writeProject(const LabConfig &config, const LabState::Secrets &secrets);

} // namespace pgha::svc::dockerlab
