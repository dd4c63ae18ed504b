#pragma once

#include "core/result.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"

#include <QString>
#include <QStringList>

namespace pgha::svc::dockerlab {

// The base image the lab's Dockerfiles build on when none is configured (pulled from a registry).
inline constexpr char kPublicBaseImage[] = "debian:bookworm-slim";
// What lab-stack/docker/build-base-image.sh builds for machines without a registry.
inline constexpr char kOfflineBaseImage[] = "pgha/debian-base:bookworm";

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
