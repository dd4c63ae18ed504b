#pragma once

#include "bench/benchrun.h"
#include "profile/profile.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

// What a benchmark ran on, kept with every run so that a figure can be reproduced and two
// figures compared honestly: component versions, the cluster's replication and timing settings,
// and the machine (docs/bench-run.schema.json, "manifest").
namespace pgha::svc {

struct BenchManifest {
    QString pgbenchVersion;       // "pgbench (PostgreSQL) 15.20"
    QString serverVersion;        // server_version of the target's server
    QString patroniVersion;       // from a member's GET /patroni
    QString pgbouncerVersion;     // SHOW VERSION on the profile's first PgBouncer admin console
    QString haproxyVersion;       // the HAProxy binary the lab runs ("" for other profiles)
    QString pgpoolVersion;        // SHOW pool_version, when the profile has a Pgpool-II
    std::optional<bool> synchronousMode;   // Patroni's dynamic configuration
    QString timing;               // "ttl 10 s, loop_wait 2 s, retry_timeout 4 s" (Patroni defaults when unset)
    QString labFlavour;           // "native", "docker" or "" (not the bundled lab)
    int cores = 0;                // logical CPUs of the machine running pgbench
    qint64 memoryBytes = 0;
    QString kernel;               // "linux 6.1.0-18-amd64"
    QString os;                   // "Debian GNU/Linux 12 (bookworm)"
    int scale = 0;                // pgbench_branches rows in the target's database (0 = unknown)
    QStringList notes;            // what could not be read, and why

    QJsonObject toJson() const;
    static BenchManifest fromJson(const QJsonObject &o);
};

// PgBouncer in transaction pooling rejects `-M prepared` before 1.21 (protocol-level prepared
// statements arrived in 1.21). `version` as SHOW VERSION prints it ("PgBouncer 1.18.0").
bool pgbouncerSupportsPrepared(const QString &version);
// "PgBouncer 1.18.0" → {1, 18}; nullopt when it names no version.
std::optional<std::pair<int, int>> parseMajorMinor(const QString &text);

// The machine part (cores, memory, kernel, os), read synchronously from cheap local sources.
void fillMachine(BenchManifest &manifest);

// Everything else, asked of the cluster asynchronously (each question has its own deadline;
// what does not answer becomes a note). `done` runs once, on `context`'s thread.
void collectManifest(const Profile &profile, const BenchTarget &target, const QString &pgbench, QObject *context,
                     std::function<void(const BenchManifest &)> done);

} // namespace pgha::svc
