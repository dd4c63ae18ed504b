#pragma once

#include <QLockFile>

#include <memory>

#include "core/result.h"
#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QString>

namespace pgha::svc {

// Where each thing lives inside the lab directory.
struct LabLayout {
    explicit LabLayout(QString labDir) : root(std::move(labDir)) {}
    QString root;

    // Where a member's daemon writes (data, sockets, pid files): owned by the account running it.
    QString componentDir(const QString &name) const { return root + QLatin1Char('/') + name; }
    // What a member's daemon only reads (configuration, password files): written by whoever
    // starts the lab and, started as root, root-owned and only group-readable by the daemons'
    // account, in a directory that account cannot write, so no link can be planted there.
    QString configRoot() const { return root + QStringLiteral("/conf"); }
    QString configDir(const QString &name) const { return configRoot() + QLatin1Char('/') + name; }
    QString configFile(const LabComponent &c) const;
    QString dataDir(const LabComponent &c) const { return componentDir(c.name) + QStringLiteral("/data"); }
    QString logDir() const { return root + QStringLiteral("/logs"); }
    QString logFile(const QString &name) const { return logDir() + QLatin1Char('/') + name + QStringLiteral(".log"); }
    QString clientPgpass() const { return root + QStringLiteral("/pgpass"); }
    QString lockFile() const { return root + QStringLiteral("/lock"); }

    // The top-level entries a native lab makes in its directory: a wipe deletes these and
    // nothing else (a Docker lab's files, or anything a person put there, stay).
    QStringList nativeEntries(const LabConfig &config) const;
};

// Takes the lab directory's lock (one start or stop at a time, across programs). Staleness is
// by PID only: a start can legitimately take minutes. The error names the holder.
Result<std::unique_ptr<QLockFile>> lockLabDir(const QString &labDir);

LabState::Secrets generateSecrets();
QString generateLabPassword();

// Creates the directories and renders every config from lab-stack/native. `runAs` is the
// account that owns member files when started as root (nullptr otherwise).
Result<bool> writeLabFiles(const LabConfig &config, const LabBinaries &binaries, const LabState::Secrets &secrets,
                           const proc::Account *runAs);

// A Patroni member's patroni.yml from lab-stack/native/patroni.yml.in, as writeLabFiles writes it.
Result<QString> renderPatroniConfig(const LabConfig &config, const QString &pgBinDir, const LabState::Secrets &secrets,
                                   const LabComponent &member);

// The 0600 pgpass for clients of the lab's entry points (`pgha lab env`).
Result<bool> writeClientPgpass(const LabConfig &config, const LabState::Secrets &secrets);

// Every ancestor of the lab directory must be searchable by the account running PostgreSQL.
Result<bool> checkReachableBy(const QString &labDir, const proc::Account &account);

} // namespace pgha::svc
