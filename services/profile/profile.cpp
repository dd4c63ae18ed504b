#include "profile.h"

#include "core/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSaveFile>
#include <QStandardPaths>

#include <yaml-cpp/yaml.h>

#include <optional>
#include <tuple>

namespace pgha::svc {

QString Profile::kindName(Kind k)
{
    switch (k) {
    case Kind::Lab: return QStringLiteral("lab");
    case Kind::Staging: return QStringLiteral("staging");
    case Kind::Production: return QStringLiteral("production");
    }
    return {};
}

QString profileDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/pgha/profiles");
}

namespace {

QString str(const YAML::Node &n) { return QString::fromStdString(n.as<std::string>()); }

Error yamlError(const QString &source, const YAML::Exception &e)
{
    // yaml-cpp marks are 0-based; editors count from 1.
    return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2, column %3: %4")
                             .arg(source).arg(e.mark.line + 1).arg(e.mark.column + 1)
                             .arg(QString::fromStdString(e.msg)),
                     QStringLiteral("fix the profile file; it was not changed"));
}

// Passwords never live in a profile: a key that looks like one is refused wherever it is.
std::optional<Error> findPasswordKey(const YAML::Node &node, const QString &source)
{
    if (node.IsMap()) {
        for (const auto &kv : node) {
            const QString key = kv.first.IsScalar() ? str(kv.first).toLower() : QString();
            if (key == u"password" || key == u"passwd" || key.endsWith(u"_password"))
                return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2, column %3: \"%4\" is not allowed in a profile — passwords "
                                                "go to the system keychain, never into a file")
                                         .arg(source).arg(kv.first.Mark().line + 1).arg(kv.first.Mark().column + 1)
                                         .arg(str(kv.first)),
                                 QStringLiteral("remove the line; the console asks for the password once and keeps it "
                                                "in the keychain"));
            if (auto e = findPasswordKey(kv.second, source))
                return e;
        }
    } else if (node.IsSequence()) {
        for (const auto &e : node)
            if (auto err = findPasswordKey(e, source))
                return err;
    }
    return std::nullopt;
}

// A URL with credentials anywhere in the file (any key: endpoint lists, haproxy_stats, future
// ones) is refused with its position, like a password key.
std::optional<Error> findUrlCredentials(const YAML::Node &node, const QString &source)
{
    if (node.IsScalar()) {
        const QString text = str(node);
        if (!text.contains(u"://"))
            return std::nullopt;
        const QString problem = urlCredentialsProblem(QUrl(text));
        if (problem.isEmpty())
            return std::nullopt;
        return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2, column %3: %4").arg(source).arg(node.Mark().line + 1).arg(node.Mark().column + 1).arg(problem),
                         QStringLiteral("remove the user:password@ part; the user goes under patroni_rest:, etcd_auth: or "
                                        "haproxy_stats_auth: ({username: …}) or read_write: {user: …}, and the console asks "
                                        "for the password once and keeps it in the keychain"));
    }
    for (const auto &child : node) {
        // A sequence yields the elements, a mapping its key/value pairs.
        if (node.IsMap()) {
            if (auto e = findUrlCredentials(child.second, source))
                return e;
        } else if (auto e = findUrlCredentials(child, source)) {
            return e;
        }
    }
    return std::nullopt;
}

// `kind:` as written; none → production, marked as assumed.
std::optional<Error> readKind(const YAML::Node &root, const QString &source, Profile &p)
{
    if (!root["kind"]) {
        p.kind = Profile::Kind::Production;
        p.kindAssumed = true;
        return std::nullopt;
    }
    const QString kind = str(root["kind"]);
    for (auto k : {Profile::Kind::Lab, Profile::Kind::Staging, Profile::Kind::Production})
        if (Profile::kindName(k) == kind) {
            p.kind = k;
            p.kindAssumed = false;
            return std::nullopt;
        }
    return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2: kind \"%3\" is not lab, staging or production")
                             .arg(source).arg(root["kind"].Mark().line + 1).arg(kind));
}

Result<bool> expectMap(const YAML::Node &n, const char *key, const QString &source, const char *example)
{
    if (!n || n.IsMap())
        return true;
    return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2, column %3: \"%4\" must be a mapping, e.g. %5")
                             .arg(source).arg(n.Mark().line + 1).arg(n.Mark().column + 1)
                             .arg(QLatin1String(key), QLatin1String(example)));
}

PgEndpoint readEndpoint(const YAML::Node &n, PgEndpoint fallback)
{
    if (!n)
        return fallback;
    if (n["host"]) fallback.host = str(n["host"]);
    if (n["port"]) fallback.port = n["port"].as<int>();
    if (n["user"]) fallback.user = str(n["user"]);
    if (n["database"]) fallback.database = str(n["database"]);
    return fallback;
}

// A list of endpoints, each a URL or {name, url}; the URL's scheme must be one of `schemes`.
Result<QList<Profile::Endpoint>> readEndpointList(const YAML::Node &list, const char *key, const QStringList &schemes,
                                                  const QString &source)
{
    QList<Profile::Endpoint> out;
    if (!list)
        return out;
    if (!list.IsSequence())
        return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2: \"%3\" must be a list of URLs or {name, url} entries")
                                 .arg(source).arg(list.Mark().line + 1).arg(QLatin1String(key)));
    for (const auto &e : list) {
        const QUrl url(e.IsScalar() ? str(e) : str(e["url"]));
        if (!url.isValid() || url.host().isEmpty() || !schemes.contains(url.scheme()))
            return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2: \"%3\" in \"%4\" is not %5")
                                     .arg(source).arg(e.Mark().line + 1).arg(url.toString(), QLatin1String(key),
                                                                             schemes.contains(u"http")
                                                                                     ? QStringLiteral("an http(s) URL (http://host:port)")
                                                                                     : QStringLiteral("a postgresql://host:port URL")));
        out.append({(e.IsMap() && e["name"]) ? str(e["name"]) : url.authority(), url});
    }
    return out;
}

void writeEndpointList(YAML::Emitter &out, const char *key, const QList<Profile::Endpoint> &list)
{
    if (list.isEmpty())
        return;
    out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (const auto &e : list)
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << e.name.toStdString() << YAML::Key
            << "url" << YAML::Value << e.url.toString().toStdString() << YAML::EndMap;
    out << YAML::EndSeq;
}

} // namespace

Result<Profile> parseProfile(const QByteArray &yaml, const QString &sourceName)
{
    Profile p;
    p.sourceFile = sourceName;
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (!root.IsMap())
            return makeError(ErrorKind::Parse, QStringLiteral("%1: a profile is a YAML mapping (name:, kind:, patroni: …)").arg(sourceName),
                             QStringLiteral("see the example in the README"));
        if (auto e = findPasswordKey(root, sourceName))
            return *e;
        if (auto e = findUrlCredentials(root, sourceName))
            return *e;
        p.name = root["name"] ? str(root["name"]) : QFileInfo(sourceName).baseName();
        if (auto e = readKind(root, sourceName, p))
            return *e;
        const YAML::Node patroni = root["patroni"];
        if (!patroni || !patroni.IsSequence() || patroni.size() == 0)
            return makeError(ErrorKind::Parse, QStringLiteral("%1: \"patroni\" must list at least one REST endpoint").arg(sourceName),
                             QStringLiteral("e.g. patroni: [{name: pg1, url: \"http://10.0.0.1:8008\"}]"));
        const QStringList http{QStringLiteral("http"), QStringLiteral("https")};
        const QStringList postgresql{QStringLiteral("postgresql")};
        for (const auto &[key, schemes, target] :
             {std::tuple{"patroni", http, &p.patroni}, std::tuple{"etcd", http, &p.etcd},
              std::tuple{"postgres", postgresql, &p.postgres}, std::tuple{"pgbouncers", postgresql, &p.pgbouncers},
              std::tuple{"pgpools", postgresql, &p.pgpools}, std::tuple{"metrics", http, &p.metrics}}) {
            auto list = readEndpointList(root[key], key, schemes, sourceName);
            if (!list)
                return list.error();
            *target = list.value();
        }
        if (root["haproxy_stats"])
            p.haproxyStats = QUrl(str(root["haproxy_stats"]));
        if (root["namespace"])
            p.dcsNamespace = str(root["namespace"]);
        if (root["scope"])
            p.scope = str(root["scope"]);
        if (root["haproxy_read_write_proxy"])
            p.haproxyReadWriteProxy = str(root["haproxy_read_write_proxy"]);
        if (root["haproxy_read_only_proxy"])
            p.haproxyReadOnlyProxy = str(root["haproxy_read_only_proxy"]);
        if (root["discover"])
            p.discoverMembers = root["discover"].as<bool>();
        if (root["builtin_metrics"])
            p.scrapeBuiltInMetrics = root["builtin_metrics"].as<bool>();
        p.actionsEnabled = p.kind == Profile::Kind::Lab;
        if (root["actions_enabled"])
            p.actionsEnabled = root["actions_enabled"].as<bool>();
        const YAML::Node rest = root["patroni_rest"];
        if (auto ok = expectMap(rest, "patroni_rest", sourceName, "{username: pgha, ca_file: /etc/pgha/ca.crt}"); !ok)
            return ok.error();
        if (rest) {
            if (rest["username"]) p.patroniRest.username = str(rest["username"]);
            if (rest["ca_file"]) p.patroniRest.caFile = str(rest["ca_file"]);
            if (rest["cert_file"]) p.patroniRest.certFile = str(rest["cert_file"]);
            if (rest["key_file"]) p.patroniRest.keyFile = str(rest["key_file"]);
            if (rest["verify_tls"]) p.patroniRest.verifyTls = rest["verify_tls"].as<bool>();
            if (rest["auth_on_reads"]) p.patroniRest.authOnReads = rest["auth_on_reads"].as<bool>();
            if (p.patroniRest.certFile.isEmpty() != p.patroniRest.keyFile.isEmpty())
                return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2: \"patroni_rest\" needs both cert_file and key_file, or neither")
                                         .arg(sourceName).arg(rest.Mark().line + 1));
        }
        for (const auto &[key, target] : {std::pair{"etcd_auth", &p.etcdAuth}, std::pair{"haproxy_stats_auth", &p.haproxyStatsAuth}}) {
            const YAML::Node auth = root[key];
            if (auto ok = expectMap(auth, key, sourceName, "{username: monitor}"); !ok)
                return ok.error();
            if (auth && auth["username"])
                target->username = str(auth["username"]);
        }
        const YAML::Node tls = root["postgres_tls"];
        if (auto ok = expectMap(tls, "postgres_tls", sourceName, "{sslmode: verify-full, root_ca: /etc/pgha/pg-ca.crt}"); !ok)
            return ok.error();
        if (tls && tls["sslmode"]) {
            p.postgresTls.sslmode = str(tls["sslmode"]);
            if (!PgTls::isValidMode(p.postgresTls.sslmode))
                return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2, column %3: \"%4\" is not an sslmode")
                                         .arg(sourceName).arg(tls["sslmode"].Mark().line + 1).arg(tls["sslmode"].Mark().column + 1)
                                         .arg(p.postgresTls.sslmode),
                                 QStringLiteral("one of disable, allow, prefer, require, verify-ca, verify-full (libpq's sslmode)"));
        }
        if (tls && tls["root_ca"])
            p.postgresTls.rootCert = str(tls["root_ca"]);
        if (root["pgbouncer_user"])
            p.pgbouncerUser = str(root["pgbouncer_user"]);
        if (root["pgpool_user"])
            p.pgpoolUser = str(root["pgpool_user"]);
        p.readWrite = readEndpoint(root["read_write"], p.readWrite);
        p.readOnly = readEndpoint(root["read_only"], p.readWrite);
        p.readWrite.tls = postgresTlsFor(p);
        p.readOnly.tls = p.readWrite.tls;
    } catch (const YAML::Exception &e) {
        return yamlError(sourceName, e);
    }
    return p;
}

QString urlCredentialsProblem(const QUrl &url)
{
    if (url.userInfo().isEmpty())
        return {};
    return QStringLiteral("the URL \"%1\" carries %2 (user:password@host) — credentials never go into a URL here")
        .arg(url.toString(QUrl::RemoveUserInfo), url.password().isEmpty() ? QStringLiteral("a user name") : QStringLiteral("a user name and password"));
}

Result<Profile> loadProfileFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read profile %1: %2").arg(path, f.errorString()),
                         QStringLiteral("check the path, or list profiles in %1").arg(profileDirectory()));
    return parseProfile(f.readAll(), path);
}

QByteArray serialiseProfile(const Profile &profile)
{
    YAML::Emitter out;
    out << YAML::Comment("pgha profile: endpoints only; secrets live in the system keychain");
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << profile.name.toStdString();
    out << YAML::Key << "kind" << YAML::Value << Profile::kindName(profile.kind).toStdString();
    writeEndpointList(out, "patroni", profile.patroni);
    writeEndpointList(out, "etcd", profile.etcd);
    writeEndpointList(out, "postgres", profile.postgres);
    writeEndpointList(out, "pgbouncers", profile.pgbouncers);
    writeEndpointList(out, "pgpools", profile.pgpools);
    writeEndpointList(out, "metrics", profile.metrics);
    if (!profile.patroniRest.isEmpty()) {
        const auto &r = profile.patroniRest;
        out << YAML::Key << "patroni_rest" << YAML::Value << YAML::BeginMap;
        for (const auto &[key, value] : {std::pair{"username", r.username}, std::pair{"ca_file", r.caFile},
                                         std::pair{"cert_file", r.certFile}, std::pair{"key_file", r.keyFile}})
            if (!value.isEmpty())
                out << YAML::Key << key << YAML::Value << value.toStdString();
        out << YAML::Key << "verify_tls" << YAML::Value << r.verifyTls;
        if (r.authOnReads)
            out << YAML::Key << "auth_on_reads" << YAML::Value << true;
        out << YAML::EndMap;
    }
    for (const auto &[key, auth] : {std::pair{"etcd_auth", profile.etcdAuth}, std::pair{"haproxy_stats_auth", profile.haproxyStatsAuth}})
        if (!auth.username.isEmpty())
            out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "username"
                << YAML::Value << auth.username.toStdString() << YAML::EndMap;
    if (!profile.postgresTls.sslmode.isEmpty() || !profile.postgresTls.rootCert.isEmpty()) {
        out << YAML::Key << "postgres_tls" << YAML::Value << YAML::Flow << YAML::BeginMap;
        if (!profile.postgresTls.sslmode.isEmpty())
            out << YAML::Key << "sslmode" << YAML::Value << profile.postgresTls.sslmode.toStdString();
        if (!profile.postgresTls.rootCert.isEmpty())
            out << YAML::Key << "root_ca" << YAML::Value << profile.postgresTls.rootCert.toStdString();
        out << YAML::EndMap;
    }
    out << YAML::Key << "actions_enabled" << YAML::Value << profile.actionsEnabled;
    if (!profile.discoverMembers)
        out << YAML::Key << "discover" << YAML::Value << false;
    if (!profile.scrapeBuiltInMetrics)
        out << YAML::Key << "builtin_metrics" << YAML::Value << false;
    if (profile.haproxyStats.isValid())
        out << YAML::Key << "haproxy_stats" << YAML::Value << profile.haproxyStats.toString().toStdString();
    out << YAML::Key << "namespace" << YAML::Value << profile.dcsNamespace.toStdString();
    if (!profile.scope.isEmpty())
        out << YAML::Key << "scope" << YAML::Value << profile.scope.toStdString();
    if (!profile.haproxyReadWriteProxy.isEmpty())
        out << YAML::Key << "haproxy_read_write_proxy" << YAML::Value << profile.haproxyReadWriteProxy.toStdString();
    if (!profile.pgbouncerUser.isEmpty())
        out << YAML::Key << "pgbouncer_user" << YAML::Value << profile.pgbouncerUser.toStdString();
    if (!profile.pgpoolUser.isEmpty())
        out << YAML::Key << "pgpool_user" << YAML::Value << profile.pgpoolUser.toStdString();
    if (!profile.haproxyReadOnlyProxy.isEmpty())
        out << YAML::Key << "haproxy_read_only_proxy" << YAML::Value << profile.haproxyReadOnlyProxy.toStdString();
    for (const auto &[key, ep] : {std::pair{"read_write", profile.readWrite}, std::pair{"read_only", profile.readOnly}}) {
        out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "host" << YAML::Value << ep.host.toStdString() << YAML::Key << "port" << YAML::Value << ep.port;
        out << YAML::Key << "user" << YAML::Value << ep.user.toStdString() << YAML::Key << "database" << YAML::Value
            << ep.database.toStdString() << YAML::EndMap;
    }
    out << YAML::EndMap;
    return QByteArray(out.c_str()) + '\n';
}

Result<bool> saveProfileFile(const Profile &profile, const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot save profile %1: %2").arg(path, f.errorString()));
    f.write(serialiseProfile(profile));
    if (!f.commit())
        return makeError(QStringLiteral("cannot save profile %1: %2").arg(path, f.errorString()),
                         QStringLiteral("the previous file is unchanged"));
    return true;
}

namespace {
QString describeSettings(const Profile &profile, const char *what)
{
    return profile.isBuiltInLab() ? QStringLiteral("the lab's TLS files in %1/tls (restart the lab to regenerate them)").arg(profile.labDir)
                                  : QStringLiteral("the profile's %1 settings (%2)")
                                            .arg(QLatin1String(what), profile.sourceFile.isEmpty() ? profile.name : profile.sourceFile);
}
} // namespace

HttpSecurity patroniTlsDefault(const Profile &profile)
{
    const auto &r = profile.patroniRest;
    HttpSecurity s;
    s.caFile = r.caFile;
    s.certFile = r.certFile;
    s.keyFile = r.keyFile;
    s.verifyPeer = r.verifyTls;
    s.settingsName = describeSettings(profile, "patroni_rest");
    return s;
}

QList<OriginSecurity> httpSecurityForProfile(const Profile &profile, const ProfilePasswords &passwords)
{
    QList<OriginSecurity> out;
    QSet<QString> seen;
    const bool production = profile.kind == Profile::Kind::Production;
    auto add = [&](const QUrl &url, HttpSecurity s) {
        if (!url.isValid() || seen.contains(originKey(url)))
            return;
        s.refusePlainHttpCredentials = production;
        if (s.isEmpty())
            return;
        seen.insert(originKey(url));
        out.append({url, s});
    };
    HttpSecurity patroni = patroniTlsDefault(profile);
    patroni.username = profile.patroniRest.username;
    patroni.credentialsOnReads = profile.patroniRest.authOnReads;
    for (const auto &e : profile.patroni) {
        HttpSecurity s = patroni;
        if (!s.username.isEmpty())
            s.password = passwords.patroniRest.value(originKey(e.url));
        add(e.url, s);
    }
    HttpSecurity etcd;
    etcd.username = profile.etcdAuth.username;
    etcd.settingsName = describeSettings(profile, "etcd_auth");
    for (const auto &e : profile.etcd) {
        HttpSecurity s = etcd;
        if (!s.username.isEmpty())
            s.password = passwords.etcd.value(originKey(e.url));
        add(e.url, s);
    }
    HttpSecurity stats;
    stats.username = profile.haproxyStatsAuth.username;
    stats.password = stats.username.isEmpty() ? QString() : passwords.haproxyStats;
    stats.settingsName = describeSettings(profile, "haproxy_stats_auth");
    add(profile.haproxyStats, stats);
    return out;
}

QStringList plainHttpCredentialWarnings(const Profile &profile)
{
    QStringList out;
    const bool production = profile.kind == Profile::Kind::Production;
    auto check = [&](const QUrl &url, const QString &user, const QString &what) {
        if (user.isEmpty() || !url.isValid() || url.scheme() != u"http" || isLoopbackHost(url.host()))
            return;
        out.append(production ? QStringLiteral("%1 password of \"%2\" is not sent to %3: plain http on a production profile "
                                               "(use https)").arg(what, user, originKey(url))
                              : QStringLiteral("%1 password of \"%2\" goes to %3 over plain http, readable on the network "
                                               "path (use https)").arg(what, user, originKey(url)));
    };
    for (const auto &e : profile.patroni)
        check(e.url, profile.patroniRest.username, QStringLiteral("the Patroni REST"));
    for (const auto &e : profile.etcd)
        check(e.url, profile.etcdAuth.username, QStringLiteral("the etcd"));
    check(profile.haproxyStats, profile.haproxyStatsAuth.username, QStringLiteral("the HAProxy stats"));
    return out;
}

PgTls postgresTlsFor(const Profile &profile)
{
    if (!profile.postgresTls.sslmode.isEmpty())
        return profile.postgresTls;
    PgTls tls;
    tls.rootCert = profile.postgresTls.rootCert;
    if (qEnvironmentVariableIsSet("PGSSLMODE"))
        return tls;   // libpq applies it (and PGSSLROOTCERT)
    if (profile.kind == Profile::Kind::Production)
        tls.sslmode = QStringLiteral("verify-full");
    return tls;
}


} // namespace pgha::svc
