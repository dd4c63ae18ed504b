#include "labbinaries.h"

#include "lab/labconfig.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QStandardPaths>

namespace pgha::svc {

namespace {

QStringList effectiveSearchPath(const LabConfig &config)
{
    if (!config.binarySearchPath.isEmpty())
        return config.binarySearchPath;
    QStringList path = qEnvironmentVariable("PATH").split(QDir::listSeparator(), Qt::SkipEmptyParts);
    // HAProxy and PgBouncer live in sbin on Debian, which a normal user's PATH often lacks.
    for (const char *extra : {"/usr/local/sbin", "/usr/sbin", "/sbin", "/opt/homebrew/bin", "/usr/local/bin"})
        if (!path.contains(QString::fromLatin1(extra)))
            path.append(QString::fromLatin1(extra));
    return path;
}

struct Needed {
    const char *program;
    const char *debianPackage;
    const char *brewFormula;
    QString LabBinaries::*field;
};

const QString kPgPrograms[] = {QStringLiteral("postgres"), QStringLiteral("initdb"), QStringLiteral("pg_ctl"),
                               QStringLiteral("pg_rewind"), QStringLiteral("pg_basebackup")};

bool hasPgServer(const QString &dir)
{
    for (const auto &p : kPgPrograms)
        if (!QFileInfo(dir + QLatin1Char('/') + p).isExecutable())
            return false;
    return true;
}

} // namespace

QString discoverPgBinDir(const QStringList &searchPath)
{
    const QString env = qEnvironmentVariable("PGHA_PG_BINDIR");
    if (!env.isEmpty())
        return env;
    QStringList candidates;
    // Debian/Ubuntu: /usr/lib/postgresql/<major>/bin; Homebrew: …/opt/postgresql@<major>/bin.
    for (const char *root : {"/usr/lib/postgresql", "/usr/pgsql", "/opt/homebrew/opt", "/usr/local/opt",
                             "/Applications/Postgres.app/Contents/Versions"}) {
        const QDir dir(QString::fromLatin1(root));
        for (const auto &entry : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (hasPgServer(dir.filePath(entry) + QStringLiteral("/bin")))
                candidates.append(dir.filePath(entry) + QStringLiteral("/bin"));
    }
    if (!candidates.isEmpty()) {
        QCollator numeric;
        numeric.setNumericMode(true);
        std::sort(candidates.begin(), candidates.end(),
                  [&](const QString &a, const QString &b) { return numeric.compare(a, b) < 0; });
        return candidates.last();
    }
    const QString postgres = QStandardPaths::findExecutable(QStringLiteral("postgres"), searchPath);
    if (!postgres.isEmpty() && hasPgServer(QFileInfo(postgres).absolutePath()))
        return QFileInfo(postgres).absolutePath();
    return {};
}

Result<LabBinaries> LabBinaries::locate(const LabConfig &config, bool needSetpriv)
{
    const QStringList path = effectiveSearchPath(config);
    LabBinaries b;
    QStringList missing;
    QStringList debs;
    const Needed needed[] = {{"etcd", "etcd-server", "etcd", &LabBinaries::etcd},
                             {"patroni", "patroni", "patroni (pip)", &LabBinaries::patroni},
                             {"pgbouncer", "pgbouncer", "pgbouncer", &LabBinaries::pgbouncer},
                             {"haproxy", "haproxy", "haproxy", &LabBinaries::haproxy},
                             {"prometheus-postgres-exporter|postgres_exporter", "prometheus-postgres-exporter", "postgres_exporter",
                              &LabBinaries::postgresExporter},
                             {"pgpool", "pgpool2", "pgpool-ii", &LabBinaries::pgpool},
                             {"setpriv", "util-linux", "—", &LabBinaries::setpriv},
                             {"openssl", "openssl", "openssl", &LabBinaries::openssl}};
    for (const auto &n : needed) {
        if ((n.field == &LabBinaries::setpriv && !needSetpriv) || (n.field == &LabBinaries::pgpool && !config.withPgpool)
            || (n.field == &LabBinaries::openssl && !config.restTls))
            continue;
        // "a|b": the program's name differs between Debian and upstream/Homebrew.
        QString found;
        const QStringList names = QString::fromLatin1(n.program).split(QLatin1Char('|'));
        for (const auto &name : names)
            if (found.isEmpty())
                found = QStandardPaths::findExecutable(name, path);
        if (found.isEmpty()) {
            missing.append(QStringLiteral("%1 (Debian package %2)").arg(names.front(),
                                                                       QString::fromLatin1(n.debianPackage)));
            debs.append(QString::fromLatin1(n.debianPackage));
        }
        b.*(n.field) = found;
    }
    b.pgBinDir = config.pgBinDir.isEmpty() ? discoverPgBinDir(path) : config.pgBinDir;
    if (b.pgBinDir.isEmpty() || !hasPgServer(b.pgBinDir)) {
        missing.append(config.pgBinDir.isEmpty()
                               ? QStringLiteral("the PostgreSQL server (postgres, initdb, pg_ctl, pg_rewind, pg_basebackup; Debian package postgresql)")
                               : QStringLiteral("the PostgreSQL server programs in %1").arg(config.pgBinDir));
        debs.append(QStringLiteral("postgresql"));
    } else {
        static const QRegularExpression version(QStringLiteral("(\\d+(\\.\\d+)?)/bin$"));
        const auto m = version.match(b.pgBinDir);
        b.pgVersion = m.hasMatch() ? m.captured(1) : QString();
    }
    if (!missing.isEmpty())
        return makeError(QStringLiteral("cannot start the native lab: not installed: ") + missing.join(QStringLiteral("; ")),
                         QStringLiteral("install with `sudo apt-get install %1` (or set PGHA_PG_BINDIR for another PostgreSQL)")
                                 .arg(debs.join(QLatin1Char(' '))));
    return b;
}

QString renderTemplate(const QString &text, const QHash<QString, QString> &vars, QString *error)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{([a-z_0-9]+)\\}\\}"));
    QString out;
    qsizetype last = 0;
    auto it = placeholder.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        const QString key = m.captured(1);
        if (!vars.contains(key)) {
            if (error)
                *error = QStringLiteral("template placeholder {{%1}} has no value").arg(key);
            return {};
        }
        out += vars.value(key);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

} // namespace pgha::svc
