#include "labprofile.h"

#include "http/httpsecurity.h"
#include "lab/labstate.h"
#include "lab/labtls.h"

#include <QFileInfo>

namespace pgha::svc {

Profile labProfile(const LabConfig &config)
{
    Profile p;
    p.name = QStringLiteral("lab");
    p.kind = Profile::Kind::Lab;
    p.labDir = config.labDir;
    p.actionsEnabled = true;
    if (config.restTls)
        p.patroniRest.caFile = labTlsCaFile(config.labDir);
    if (config.restAuth)
        p.patroniRest.username = QString::fromLatin1(kLabRestUser);
    auto at = [&config](const QString &scheme, int port, const QString &path = {}) {
        QUrl url;
        url.setScheme(scheme);
        url.setHost(config.host);
        url.setPort(port);
        url.setPath(path);
        return url;
    };
    const QString http = QStringLiteral("http");
    const QString postgresql = QStringLiteral("postgresql");
    for (int i = 0; i < kLabMembers; ++i) {
        p.patroni.append({config.memberName(i), at(config.restTls ? QStringLiteral("https") : http, config.ports.rest[i])});
        p.etcd.append({QStringLiteral("etcd%1").arg(i + 1), at(http, config.ports.etcdClient[i])});
        p.postgres.append({config.memberName(i), at(postgresql, config.ports.postgres[i])});
        p.pgbouncers.append({QStringLiteral("pgbouncer%1").arg(i + 1), at(postgresql, config.ports.pgbouncer[i])});
        p.metrics.append({config.memberName(i) + QStringLiteral(" exporter"), at(http, config.ports.exporter[i], QStringLiteral("/metrics"))});
    }
    if (config.withPgpool)
        p.pgpools.append({QStringLiteral("pgpool"), at(postgresql, config.ports.pgpool)});
    p.haproxyStats = at(http, config.ports.haproxyStats, QStringLiteral("/stats"));
    p.scope = config.scope;
    p.haproxyReadWriteProxy = QStringLiteral("read_write");
    p.haproxyReadOnlyProxy = QStringLiteral("read_only");
    p.readWrite = {config.host, config.ports.haproxyReadWrite, QStringLiteral("postgres"), QStringLiteral("postgres"), {},
                   QStringLiteral("pgha"), PgTls::forLab()};
    // The lab's own servers: TLS when they offer it, whatever PGSSLMODE says for other clusters.
    p.postgresTls = PgTls::forLab();
    p.readOnly = p.readWrite;
    p.readOnly.port = config.ports.haproxyReadOnly;
    return p;
}

ProfilePasswords labPasswords(const Profile &labProfile)
{
    ProfilePasswords p;
    if (const auto state = LabState::load(labProfile.labDir)) {
        for (const auto &e : labProfile.patroni)
            p.patroniRest.insert(originKey(e.url), state.value().secrets.restApi);
        // Every PostgreSQL-protocol login of the lab is its superuser's.
        p.postgres = p.pgbouncer = p.pgpool = state.value().secrets.superuser;
        p.source = QStringLiteral("the lab's state file");
    }
    return p;
}

Result<Profile> resolveProfile(const QString &nameOrFile, const QString &labDir)
{
    if (nameOrFile.isEmpty() || nameOrFile == u"lab") {
        // Follow the lab that exists (its ports may be offset); otherwise the defaults.
        LabConfig config;
        config.labDir = labDir;
        if (auto state = LabState::load(labDir))
            config = state.value().config, config.labDir = labDir;
        return labProfile(config);
    }
    if (QFileInfo::exists(nameOrFile))
        return loadProfileFile(nameOrFile);
    const QString path = profileDirectory() + QLatin1Char('/') + nameOrFile + QStringLiteral(".yaml");
    if (QFileInfo::exists(path))
        return loadProfileFile(path);
    return makeError(ErrorKind::NotFound, QStringLiteral("no profile named \"%1\" (looked for %2)").arg(nameOrFile, path),
                     QStringLiteral("pass a YAML file with --profile FILE, or use the built-in \"lab\""));
}

} // namespace pgha::svc
