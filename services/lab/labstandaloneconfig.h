#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

// The pure side of the standalone baseline (LabStandalone): which PostgreSQL parameters it runs
// with, the files that say so, and the state file a second process finds it by. No I/O here
// except StandaloneState::save/load.
namespace pgha::svc {

// Where the standalone lives in the lab directory: <labDir>/standalone (its data below),
// <labDir>/conf/standalone, <labDir>/logs/standalone.log, <labDir>/standalone.json.
inline constexpr char kStandaloneName[] = "standalone";

// One parameter in which the standalone differs from the members, and why.
struct StandaloneParameterDiff {
    QString name;
    QString memberValue;       // empty: the members do not set it
    QString standaloneValue;   // empty: not set (PostgreSQL's default)
    QString reason;
    bool operator==(const StandaloneParameterDiff &) const = default;
};

struct StandaloneParameters {
    QMap<QString, QString> values;                // what the standalone runs with, name → value
    QList<StandaloneParameterDiff> differences;   // where that differs from the members
    QString source;                               // where the members' values were read
};

// The PostgreSQL parameters Patroni 3.0.x starts a member with, from that member's patroni.yml:
// Patroni's own defaults for the options it passes on the command line, overridden by
// bootstrap.dcs.postgresql.parameters (where Patroni lets the DCS set them), then by
// postgresql.parameters (except those only the DCS may set), plus cluster_name (the scope),
// listen_addresses and port (postgresql.listen). The bootstrap values are what the DCS holds
// until someone changes it (PATCH /config): a running member is asked instead when it can be.
Result<QMap<QString, QString>> patroniMemberParameters(const QByteArray &patroniYaml);

// The initdb options Patroni bootstraps the cluster with (bootstrap.initdb: "name" → --name,
// {name: value} → --name=value), without those Patroni refuses there (pgdata, pwfile, nosync,
// sync-only, version); the caller adds its own --pgdata, --username and --pwfile, as Patroni does.
Result<QStringList> patroniInitdbOptions(const QByteArray &patroniYaml);

// The members' parameters, minus what only a member of a cluster can have (standby settings,
// synchronous_standby_names, archiving, file locations), with its own port and cluster_name on
// the members' host. Every difference is listed with its reason.
StandaloneParameters standaloneParameters(const QMap<QString, QString> &member, const QString &host, int port,
                                          const QString &clusterName);

// A parameter's name as postgresql.conf accepts it (letters, digits, '_' and '.').
bool isValidParameterName(const QString &name);
// 'value' for postgresql.conf: quotes doubled, backslashes escaped. A value with a line break is
// refused: postgresql.conf has no way to hold one.
Result<QString> quoteParameterValue(const QString &value);

// The standalone's postgresql.conf: initdb's own file first (`baseConf`, as Patroni includes it
// as postgresql.base.conf), then every parameter, its pg_hba.conf, and the differences as
// comments. Errors on a name or value that postgresql.conf cannot hold.
Result<QString> standaloneConfText(const StandaloneParameters &parameters, const QString &baseConf, const QString &hbaFile);
// Password logins from the lab's host only, as the members' `host all all` line.
QString standaloneHbaText(const QString &host);

// SHA-256 of a password, hex: recorded so that a start can tell whether the data directory was
// made with the lab's current superuser password (a lab started with --wipe makes new ones).
QString passwordFingerprint(const QString &password);

// <labDir>/standalone.json, mode 0600: what a second program needs to find, report and stop the
// standalone. Written atomically, never through a symlink.
struct StandaloneState {
    enum class Phase { Starting, Running, Stopping, Stopped, Failed };

    Phase phase = Phase::Stopped;
    qint64 controllerPid = 0;      // the program driving a start or stop
    qint64 pid = 0;                // the postmaster
    qint64 startTicks = 0;         // its identity (proc::startTicks)
    qint64 pgid = 0;
    QString host;
    int port = 0;
    QString dataDir;
    QString logFile;
    QString pgBinDir;              // the lab members' server programs
    QString pgVersion;             // server_version, once it answered
    QString passwordSha256;        // passwordFingerprint() of the password the data directory was made with
    QString lastError;
    qint64 updatedAtMs = 0;
    StandaloneParameters parameters;

    static QString fileName();
    static QString phaseName(Phase p);
    QByteArray toJson() const;
    static Result<StandaloneState> fromJson(const QByteArray &json, const QString &labDir);
    Result<bool> save(const QString &labDir) const;
    // Refuses a lab directory that is not trusted (see checkLabDirTrusted).
    static Result<StandaloneState> load(const QString &labDir);
    static bool exists(const QString &labDir);
};

} // namespace pgha::svc
