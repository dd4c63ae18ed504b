#include "lab/dockerlabfiles.h"

#include "core/safefs.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

static void initDockerStack()
{
    Q_INIT_RESOURCE(docker);
}

namespace pgha::svc::dockerlab {

namespace {

const QString kResourceRoot = QStringLiteral(":/lab-stack/docker");
constexpr uint kProjectFileMode = 0644;   // copied into images: readable by the roles' accounts
constexpr uint kScriptMode = 0755;

Error writeError(const QString &path, const QString &why)
{
    return makeError(QStringLiteral("cannot write %1: %2").arg(path, why),
                     QStringLiteral("check permissions and free space of the lab directory, or set PGHA_LAB_DIR"));
}

// The mode is set before the first byte (the .env holds passwords: never briefly 0644).
Result<bool> saveFile(const QString &path, const QByteArray &content, uint mode)
{
    return fs::writeFileAtomic(path, content, mode);
}

void addPorts(QStringList *lines, const char *name, const int (&ports)[kLabMembers])
{
    for (int i = 0; i < kLabMembers; ++i)
        lines->append(QStringLiteral("%1%2_PORT=%3").arg(QLatin1String(name)).arg(i + 1).arg(ports[i]));
}

} // namespace

QString projectDir(const QString &labDir)
{
    return labDir + QStringLiteral("/docker");
}

const LabRelease *releaseFor(int major)
{
    for (const LabRelease &r : kLabReleases)
        if (r.postgres == major)
            return &r;
    return nullptr;
}

const LabRelease &releaseOf(const LabConfig &config)
{
    if (const LabRelease *r = releaseFor(config.dockerPostgres))
        return *r;
    return *releaseFor(kDefaultPostgres);
}

QString supportedPostgres()
{
    QStringList out;
    for (const LabRelease &r : kLabReleases)
        out << QStringLiteral("%1 (%2)").arg(r.postgres).arg(QLatin1String(r.debian));
    return out.join(QStringLiteral(" or "));
}

QString publicBaseImage(const LabConfig &config)
{
    return QStringLiteral("debian:%1-slim").arg(QLatin1String(releaseOf(config).suite));
}

QString offlineBaseImage(const LabConfig &config)
{
    return QStringLiteral("pgha/debian-base:%1").arg(QLatin1String(releaseOf(config).suite));
}

QString baseImageOf(const LabConfig &config)
{
    return config.dockerBaseImage.isEmpty() ? publicBaseImage(config) : config.dockerBaseImage;
}

QStringList profilesOf(const LabConfig &config)
{
    QStringList p{QStringLiteral("haproxy")};
    if (config.withPgpool)
        p << QStringLiteral("pgpool");
    return p;
}

QList<LabComponent> componentsOf(const LabConfig &config)
{
    QList<LabComponent> out = config.components();
    for (int i = 0; i < kLabMembers; ++i)
        out.append({QStringLiteral("pgbouncer-exporter%1").arg(i + 1), LabComponentKind::Exporter, i,
                    {{config.ports.pgbouncerExporter[i], QStringLiteral("pgbouncer exporter for pgbouncer%1").arg(i + 1)}}});
    // etcd's peer port stays inside the Compose network.
    for (auto &c : out)
        if (c.kind == LabComponentKind::Etcd)
            c.ports = c.ports.mid(0, 1);
    return out;
}

QString envText(const LabConfig &config, const LabState::Secrets &secrets)
{
    const LabPorts &p = config.ports;
    QStringList lines{
        QStringLiteral("# Written by PG HA Console for the lab in %1; rewritten at every start.").arg(config.labDir),
        QStringLiteral("# Holds the lab's passwords: keep it owner-only."),
        QStringLiteral("COMPOSE_PROJECT_NAME=%1").arg(config.dockerProject),
        QStringLiteral("COMPOSE_PROFILES=%1").arg(profilesOf(config).join(QLatin1Char(','))),
        QStringLiteral("PGHA_DEBIAN_SUITE=%1").arg(QLatin1String(releaseOf(config).suite)),
        QStringLiteral("BASE_IMAGE=%1").arg(baseImageOf(config)),
        QStringLiteral("PGHA_BIND=%1").arg(config.host),
        QStringLiteral("PGHA_SCOPE=%1").arg(config.scope),
        QStringLiteral("PATRONI_TTL=%1").arg(config.timings.ttl),
        QStringLiteral("PATRONI_LOOP_WAIT=%1").arg(config.timings.loopWait),
        QStringLiteral("PATRONI_RETRY_TIMEOUT=%1").arg(config.timings.retryTimeout),
        QStringLiteral("POSTGRES_PASSWORD=%1").arg(secrets.superuser),
        QStringLiteral("REPLICATION_PASSWORD=%1").arg(secrets.replication),
        QStringLiteral("REWIND_PASSWORD=%1").arg(secrets.rewind),
        QStringLiteral("PGPOOL_PCP_PASSWORD=%1").arg(secrets.restApi),
    };
    addPorts(&lines, "ETCD", p.etcdClient);
    addPorts(&lines, "PG", p.postgres);
    addPorts(&lines, "REST", p.rest);
    addPorts(&lines, "PGBOUNCER", p.pgbouncer);
    addPorts(&lines, "EXPORTER", p.exporter);
    addPorts(&lines, "PGBOUNCER_EXPORTER", p.pgbouncerExporter);
    lines << QStringLiteral("HAPROXY_RW_PORT=%1").arg(p.haproxyReadWrite)
          << QStringLiteral("HAPROXY_RO_PORT=%1").arg(p.haproxyReadOnly)
          << QStringLiteral("HAPROXY_STATS_PORT=%1").arg(p.haproxyStats)
          << QStringLiteral("PGPOOL_PORT=%1").arg(p.pgpool)
          << QStringLiteral("PGPOOL_PCP_PORT=%1").arg(p.pgpoolPcp);
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

Result<bool> writeProject(const LabConfig &config, const LabState::Secrets &secrets)
{
    initDockerStack();
    const QString dir = projectDir(config.labDir);
    if (auto made = fs::makeDir(dir, fs::kOwnerOnlyDir); !made)
        return made;
    QDirIterator it(kResourceRoot, QDir::Files, QDirIterator::Subdirectories);
    int copied = 0;
    while (it.hasNext()) {
        const QString source = it.next();
        const QString relative = source.mid(kResourceRoot.size() + 1);
        const QString target = dir + QLatin1Char('/') + relative;
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return writeError(target, QStringLiteral("cannot create its directory"));
        QFile in(source);
        if (!in.open(QIODevice::ReadOnly))
            return writeError(target, QStringLiteral("the compiled-in copy cannot be read"));
        const QByteArray content = in.readAll();
        // Resources keep no modes: a script (#!) must stay executable inside the image.
        const uint mode = content.startsWith("#!") ? kScriptMode : kProjectFileMode;
        if (auto saved = saveFile(target, content, mode); !saved)
            return saved;
        ++copied;
    }
    if (copied == 0 || !QFile::exists(dir + QStringLiteral("/docker-compose.yml")))
        return makeError(QStringLiteral("this build of the console carries no Docker lab (lab-stack/docker is missing)"),
                         QStringLiteral("rebuild from a complete checkout, or use the native lab"));
    return saveFile(dir + QStringLiteral("/.env"), envText(config, secrets).toUtf8(), fs::kOwnerOnlyFile);
}

} // namespace pgha::svc::dockerlab
