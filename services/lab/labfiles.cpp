#include "labfiles.h"

#include "core/safefs.h"
#include "lab/labtls.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>


// The templates are compiled into this static library; a resource in a static library must be
// registered explicitly, and from the global namespace.
static void initLabTemplates()
{
    Q_INIT_RESOURCE(native);
}

namespace pgha::svc {

namespace {

constexpr int kPasswordLength = 24;

QString randomPassword()
{
    // Alphanumeric only: the password is embedded in YAML, ini and pgpass files unquoted.
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    QString out;
    auto *rng = QRandomGenerator::system();
    for (int i = 0; i < kPasswordLength; ++i)
        out.append(QLatin1Char(alphabet[rng->bounded(int(sizeof(alphabet) - 1))]));
    return out;
}

// Started as root, the daemons run as `runAs`: what they only read is root's and group-readable
// (they cannot change or replace it); where they write is theirs. Otherwise everything is the
// caller's, owner-only.
std::optional<fs::Owner> daemonOwner(const proc::Account *runAs)
{
    return runAs ? std::optional<fs::Owner>(fs::Owner{runAs->uid, runAs->gid}) : std::nullopt;
}

std::optional<fs::Owner> configOwner(const proc::Account *runAs)
{
    return runAs ? std::optional<fs::Owner>(fs::Owner{fs::effectiveUid(), runAs->gid}) : std::nullopt;
}

// A directory the daemon writes in (its data, sockets, pid file).
Result<bool> makeWorkDir(const QString &path, const proc::Account *runAs)
{
    return fs::makeDir(path, fs::kOwnerOnlyDir, daemonOwner(runAs));
}

// A directory of files the daemon only reads.
Result<bool> makeConfigDir(const QString &path, const proc::Account *runAs)
{
    return fs::makeDir(path, runAs ? fs::kGroupReadDir : fs::kOwnerOnlyDir, configOwner(runAs));
}

Result<bool> writeFile(const QString &path, const QString &content, const proc::Account *runAs)
{
    return fs::writeFileAtomic(path, content.toUtf8(), runAs ? fs::kGroupReadFile : fs::kOwnerOnlyFile, configOwner(runAs));
}

Result<QString> render(const QString &templateName, const QHash<QString, QString> &vars)
{
    static const bool registered = (initLabTemplates(), true);
    Q_UNUSED(registered)
    QFile f(QStringLiteral(":/lab-stack/native/") + templateName);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("the lab template %1 is missing from this build").arg(templateName),
                         QStringLiteral("rebuild pgha"));
    QString error;
    const QString out = renderTemplate(QString::fromUtf8(f.readAll()), vars, &error);
    if (!error.isEmpty())
        return makeError(QStringLiteral("lab template %1: %2").arg(templateName, error));
    return out;
}

Result<bool> renderTo(const QString &templateName, const QHash<QString, QString> &vars, const QString &path,
                      const proc::Account *runAs)
{
    auto text = render(templateName, vars);
    if (!text)
        return text.error();
    return writeFile(path, text.value(), runAs);
}

QString serverLines(const LabConfig &config)
{
    const QString tls = config.restTls ? QStringLiteral(" check-ssl verify required ca-file ") + labTlsCaFile(config.labDir)
                                       : QString();
    QString lines;
    for (int i = 0; i < kLabMembers; ++i)
        lines += QStringLiteral("    server %1 %2:%3 check port %4%5\n")
                         .arg(config.memberName(i), config.host)
                         .arg(config.ports.pgbouncer[i])
                         .arg(config.ports.rest[i])
                         .arg(tls);
    return lines;
}

// restapi: TLS files and Basic auth; ctl: how Patroni's own REST client trusts the others.
std::pair<QString, QString> patroniRestSections(const LabConfig &config, const LabState::Secrets &secrets)
{
    QString restapi;
    QString ctl;
    if (config.restTls) {
        restapi += QStringLiteral("  certfile: %1\n  keyfile: %2\n  cafile: %3\n")
                           .arg(labTlsCertFile(config.labDir), labTlsKeyFile(config.labDir), labTlsCaFile(config.labDir));
        ctl = QStringLiteral("ctl:\n  insecure: false\n  cacert: %1\n").arg(labTlsCaFile(config.labDir));
    }
    if (config.restAuth)
        restapi += QStringLiteral("  authentication:\n    username: %1\n    password: '%2'\n")
                           .arg(QLatin1String(kLabRestUser), secrets.restApi);
    return {restapi, ctl};
}

} // namespace

QString LabLayout::configFile(const LabComponent &c) const
{
    switch (c.kind) {
    case LabComponentKind::Etcd: return configDir(c.name) + QStringLiteral("/etcd.yml");
    case LabComponentKind::Patroni: return configDir(c.name) + QStringLiteral("/patroni.yml");
    case LabComponentKind::PgBouncer: return configDir(c.name) + QStringLiteral("/pgbouncer.ini");
    case LabComponentKind::HAProxy: return configDir(c.name) + QStringLiteral("/haproxy.cfg");
    // postgres_exporter is configured on its command line; the one file it reads is the
    // password (DATA_SOURCE_PASS_FILE), so the password is in neither argv nor environ.
    case LabComponentKind::Exporter: return configDir(c.name) + QStringLiteral("/password");
    case LabComponentKind::Pgpool: return configDir(c.name) + QStringLiteral("/pgpool.conf");
    }
    return {};
}

QStringList LabLayout::nativeEntries(const LabConfig &config) const
{
    LabConfig every = config;
    every.withPgpool = true;   // wipe a Pgpool an earlier start made, too
    QStringList names{LabState::fileName(QStringLiteral("native")), QStringLiteral("logs"), QStringLiteral("conf"),
                      QStringLiteral("pgpass"), QStringLiteral("tls")};
    for (const auto &c : every.components())
        names.append(c.name);
    return names;
}

Result<std::unique_ptr<QLockFile>> lockLabDir(const QString &labDir)
{
    auto lock = std::make_unique<QLockFile>(LabLayout(labDir).lockFile());
    lock->setStaleLockTime(0);
    if (lock->tryLock(0))
        return lock;
    qint64 pid = 0;
    QString host, app;
    lock->getLockInfo(&pid, &host, &app);
    return makeError(QStringLiteral("another program (%1, pid %2) is starting or stopping the lab in %3").arg(app).arg(pid).arg(labDir),
                     QStringLiteral("wait for it to finish, or stop the lab with `pgha lab stop`"));
}

LabState::Secrets generateSecrets()
{
    return {randomPassword(), randomPassword(), randomPassword(), randomPassword()};
}

QString generateLabPassword()
{
    return randomPassword();
}

Result<QString> renderPatroniConfig(const LabConfig &config, const QString &pgBinDir, const LabState::Secrets &secrets,
                                   const LabComponent &member)
{
    const LabLayout layout(config.labDir);
    QStringList etcdHosts;
    for (int i = 0; i < kLabMembers; ++i)
        etcdHosts.append(QStringLiteral("%1:%2").arg(config.host).arg(config.ports.etcdClient[i]));
    const QString dir = layout.componentDir(member.name);
    const auto [restapi, ctl] = patroniRestSections(config, secrets);
    const QHash<QString, QString> vars{{QStringLiteral("name"), member.name},
                                       {QStringLiteral("host"), config.host},
                                       {QStringLiteral("scope"), config.scope},
                                       {QStringLiteral("dir"), dir},
                                       {QStringLiteral("conf_dir"), layout.configDir(member.name)},
                                       {QStringLiteral("member_dir"), dir},
                                       {QStringLiteral("data_dir"), layout.dataDir(member)},
                                       {QStringLiteral("rest_port"), QString::number(config.ports.rest[member.index])},
                                       {QStringLiteral("pg_port"), QString::number(config.ports.postgres[member.index])},
                                       {QStringLiteral("etcd_hosts"), etcdHosts.join(QLatin1Char(','))},
                                       {QStringLiteral("ttl"), QString::number(config.timings.ttl)},
                                       {QStringLiteral("loop_wait"), QString::number(config.timings.loopWait)},
                                       {QStringLiteral("retry_timeout"), QString::number(config.timings.retryTimeout)},
                                       {QStringLiteral("pg_bin_dir"), pgBinDir},
                                       {QStringLiteral("superuser_password"), secrets.superuser},
                                       {QStringLiteral("replication_password"), secrets.replication},
                                       {QStringLiteral("rewind_password"), secrets.rewind},
                                       {QStringLiteral("restapi_security"), restapi},
                                       {QStringLiteral("ctl_section"), ctl}};
    return render(QStringLiteral("patroni.yml.in"), vars);
}

Result<bool> writeLabFiles(const LabConfig &config, const LabBinaries &binaries, const LabState::Secrets &secrets,
                           const proc::Account *runAs)
{
    const LabLayout layout(config.labDir);
    QStringList initialCluster;
    for (int i = 0; i < kLabMembers; ++i)
        initialCluster.append(QStringLiteral("etcd%1=http://%2:%3").arg(i + 1).arg(config.host).arg(config.ports.etcdPeer[i]));
    if (auto r = fs::makeDir(layout.logDir(), fs::kOwnerOnlyDir); !r)
        return r;
    if (auto r = makeConfigDir(layout.configRoot(), runAs); !r)
        return r;

    for (const auto &c : config.components()) {
        const QString dir = layout.componentDir(c.name);
        const QString confDir = layout.configDir(c.name);
        if (auto r = makeWorkDir(dir, runAs); !r)
            return r;
        if (auto r = makeConfigDir(confDir, runAs); !r)
            return r;
        QHash<QString, QString> vars{{QStringLiteral("name"), c.name}, {QStringLiteral("host"), config.host},
                                     {QStringLiteral("scope"), config.scope}, {QStringLiteral("dir"), dir},
                                     {QStringLiteral("conf_dir"), confDir}};
        switch (c.kind) {
        case LabComponentKind::Etcd:
            vars.insert({{QStringLiteral("data_dir"), layout.dataDir(c)},
                         {QStringLiteral("client_port"), QString::number(config.ports.etcdClient[c.index])},
                         {QStringLiteral("peer_port"), QString::number(config.ports.etcdPeer[c.index])},
                         {QStringLiteral("initial_cluster"), initialCluster.join(QLatin1Char(','))}});
            if (auto r = renderTo(QStringLiteral("etcd.yml.in"), vars, layout.configFile(c), runAs); !r)
                return r;
            break;
        case LabComponentKind::Patroni: {
            auto text = renderPatroniConfig(config, binaries.pgBinDir, secrets, c);
            if (!text)
                return text.error();
            if (auto r = writeFile(layout.configFile(c), text.value(), runAs); !r)
                return r;
            break;
        }
        case LabComponentKind::PgBouncer:
            vars.insert({{QStringLiteral("member"), config.memberName(c.index)},
                         {QStringLiteral("pg_port"), QString::number(config.ports.postgres[c.index])},
                         {QStringLiteral("port"), QString::number(config.ports.pgbouncer[c.index])}});
            if (auto r = renderTo(QStringLiteral("pgbouncer.ini.in"), vars, layout.configFile(c), runAs); !r)
                return r;
            // Plain-text entries let PgBouncer run SCRAM both towards the client and the server.
            if (auto r = writeFile(confDir + QStringLiteral("/userlist.txt"),
                                   QStringLiteral("\"postgres\" \"%1\"\n").arg(secrets.superuser), runAs); !r)
                return r;
            break;
        case LabComponentKind::HAProxy:
            vars.insert({{QStringLiteral("stats_port"), QString::number(config.ports.haproxyStats)},
                         {QStringLiteral("rw_port"), QString::number(config.ports.haproxyReadWrite)},
                         {QStringLiteral("ro_port"), QString::number(config.ports.haproxyReadOnly)},
                         {QStringLiteral("rw_servers"), serverLines(config)},
                         {QStringLiteral("ro_servers"), serverLines(config)},
                         {QStringLiteral("check_inter_ms"), QString::number(kLabHaproxyCheck.interMs)},
                         {QStringLiteral("check_fall"), QString::number(kLabHaproxyCheck.fall)},
                         {QStringLiteral("check_rise"), QString::number(kLabHaproxyCheck.rise)}});
            if (auto r = renderTo(QStringLiteral("haproxy.cfg.in"), vars, layout.configFile(c), runAs); !r)
                return r;
            break;
        case LabComponentKind::Exporter:
            if (auto r = writeFile(layout.configFile(c), secrets.superuser, runAs); !r)
                return r;
            break;
        case LabComponentKind::Pgpool: {
            QString backends;
            for (int i = 0; i < kLabMembers; ++i)
                backends += QStringLiteral("backend_hostname%1 = '%2'\nbackend_port%1 = %3\nbackend_weight%1 = 1\n"
                                           "backend_flag%1 = 'ALLOW_TO_FAILOVER'\nbackend_application_name%1 = '%4'\n")
                                    .arg(i).arg(config.host).arg(config.ports.postgres[i]).arg(config.memberName(i));
            vars.insert({{QStringLiteral("port"), QString::number(config.ports.pgpool)},
                         {QStringLiteral("pcp_port"), QString::number(config.ports.pgpoolPcp)},
                         {QStringLiteral("backends"), backends}});
            if (auto r = renderTo(QStringLiteral("pgpool.conf.in"), vars, layout.configFile(c), runAs); !r)
                return r;
            // "TEXT" entries: Pgpool needs the clear password to run SCRAM towards the servers.
            if (auto r = writeFile(confDir + QStringLiteral("/pool_passwd"), QStringLiteral("postgres:TEXT%1\n").arg(secrets.superuser), runAs); !r)
                return r;
            if (auto r = writeFile(confDir + QStringLiteral("/pcp.conf"), QString(), runAs); !r)
                return r;
            break;
        }
        }
    }
    return writeClientPgpass(config, secrets);
}

Result<bool> writeClientPgpass(const LabConfig &config, const LabState::Secrets &secrets)
{
    QString text;
    // The standalone baseline (LabStandalone) has the lab's superuser password too.
    for (int port : {config.ports.haproxyReadWrite, config.ports.haproxyReadOnly, config.ports.pgpool, config.ports.standalone})
        text += QStringLiteral("%1:%2:*:postgres:%3\n").arg(config.host).arg(port).arg(secrets.superuser);
    for (int i = 0; i < kLabMembers; ++i)
        for (int port : {config.ports.pgbouncer[i], config.ports.postgres[i]})
            text += QStringLiteral("%1:%2:*:postgres:%3\n").arg(config.host).arg(port).arg(secrets.superuser);
    return fs::writeFileAtomic(LabLayout(config.labDir).clientPgpass(), text.toUtf8(), fs::kOwnerOnlyFile);
}

Result<bool> checkReachableBy(const QString &labDir, const proc::Account &account)
{
    QDir dir(labDir);
    QStringList chain;
    do {
        chain.prepend(dir.absolutePath());
    } while (dir.cdUp());
    for (const QString &path : chain) {
        const QFileInfo info(path);
        if (!info.exists())
            break;   // created later by us, with the right owner
        const bool searchable = info.ownerId() == account.uid
                ? info.permission(QFileDevice::ExeOwner)
                : (info.groupId() == account.gid ? info.permission(QFileDevice::ExeGroup)
                                                 : info.permission(QFileDevice::ExeOther));
        if (!searchable)
            return makeError(QStringLiteral("the lab directory %1 is not reachable for the account \"%2\" that runs "
                                            "PostgreSQL: %3 is not searchable by it")
                                     .arg(labDir, account.name, path),
                             QStringLiteral("set PGHA_LAB_DIR to a directory under /var/lib or /tmp"));
    }
    return true;
}

} // namespace pgha::svc
