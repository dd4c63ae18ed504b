#include "lab/labstandaloneconfig.h"

#include "core/safefs.h"
#include "lab/labdir.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace pgha::svc {

namespace {

// A state file is a few KiB; anything much larger is not one of ours.
constexpr qint64 kMaxStateBytes = 1024 * 1024;

// Patroni 3.0.2's command-line options (patroni/postgresql/config.py, CMDLINE_OPTIONS): the value
// a member gets when the DCS sets none, and whether the DCS may set it at all (the member's own
// postgresql.parameters never may). listen_addresses, port and cluster_name come from
// postgresql.listen and the scope; from PostgreSQL 13 on wal_keep_segments is wal_keep_size.
struct PatroniCommandLineOption {
    const char *name;
    const char *defaultValue;
    bool settableInDcs;
};
constexpr PatroniCommandLineOption kPatroniCommandLine[] = {
    {"wal_level", "replica", true},   // Patroni says hot_standby: the same level, renamed in 9.6
    {"hot_standby", "on", false},
    {"max_connections", "100", true},
    {"max_wal_senders", "10", true},
    {"wal_keep_size", "128MB", true},
    {"max_prepared_transactions", "0", true},
    {"max_locks_per_transaction", "64", true},
    {"track_commit_timestamp", "off", true},
    {"max_replication_slots", "10", true},
    {"max_worker_processes", "8", true},
    {"wal_log_hints", "on", false},
};
constexpr const char *kPatroniConnectionOptions[] = {"listen_addresses", "port", "cluster_name"};

bool isPatroniCommandLineOption(const QString &name)
{
    for (const auto &o : kPatroniCommandLine)
        if (name == QLatin1String(o.name))
            return true;
    for (const char *o : kPatroniConnectionOptions)
        if (name == QLatin1String(o))
            return true;
    return false;
}

bool settableInDcs(const QString &name)
{
    for (const auto &o : kPatroniCommandLine)
        if (name == QLatin1String(o.name))
            return o.settableInDcs;
    return !isPatroniCommandLineOption(name);
}

// What a member has and the standalone must not: a reason for each group.
struct Dropped {
    QStringList names;
    const char *reason;
};
const QList<Dropped> &droppedParameters()
{
    static const QList<Dropped> dropped = {
        {{QStringLiteral("synchronous_standby_names")},
         "no standby exists: with it set, every commit would wait for one forever (the members have it only in "
         "synchronous_mode, set by Patroni on the leader)"},
        {{QStringLiteral("primary_conninfo"), QStringLiteral("primary_slot_name"), QStringLiteral("restore_command"),
          QStringLiteral("archive_cleanup_command"), QStringLiteral("recovery_end_command"),
          QStringLiteral("recovery_min_apply_delay"), QStringLiteral("promote_trigger_file"),
          QStringLiteral("recovery_target"), QStringLiteral("recovery_target_action"),
          QStringLiteral("recovery_target_inclusive"), QStringLiteral("recovery_target_lsn"),
          QStringLiteral("recovery_target_name"), QStringLiteral("recovery_target_time"),
          QStringLiteral("recovery_target_timeline"), QStringLiteral("recovery_target_xid")},
         "a standby's setting: the standalone is never a standby"},
        {{QStringLiteral("archive_mode"), QStringLiteral("archive_command"), QStringLiteral("archive_library"),
          QStringLiteral("archive_timeout")},
         "archiving feeds a cluster's WAL archive, which the standalone has none of"},
        {{QStringLiteral("data_directory"), QStringLiteral("config_file"), QStringLiteral("hba_file"),
          QStringLiteral("ident_file"), QStringLiteral("external_pid_file")},
         "the standalone's own files"},
    };
    return dropped;
}

QString scalarOf(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

// name → value of a YAML mapping of parameters; a missing or null mapping is empty.
Result<QMap<QString, QString>> parameterMap(const YAML::Node &node, const QString &where)
{
    QMap<QString, QString> out;
    if (!node || node.IsNull())
        return out;
    if (!node.IsMap())
        return makeError(QStringLiteral("%1 in the member's patroni.yml is not a mapping of parameters").arg(where));
    for (const auto &entry : node) {
        if (!entry.first.IsScalar())
            return makeError(QStringLiteral("%1 in the member's patroni.yml has a key that is not a name").arg(where));
        const QString name = scalarOf(entry.first).toLower();   // Patroni's names are case-insensitive
        if (entry.second.IsNull())
            continue;
        if (!entry.second.IsScalar())
            return makeError(QStringLiteral("%1.%2 in the member's patroni.yml is not a single value").arg(where, name));
        out.insert(name, scalarOf(entry.second));
    }
    return out;
}

// The node at `path` below `node`, read through const access: yaml-cpp's assignment would write
// into the tree, and a non-const operator[] would add the missing keys it looks up.
YAML::Node child(const YAML::Node &node, std::initializer_list<const char *> path)
{
    YAML::Node n(node);
    for (const char *key : path) {
        if (!n || !n.IsMap())
            return YAML::Node(YAML::NodeType::Undefined);
        const YAML::Node &current = n;
        const YAML::Node next = current[key];
        if (!next)
            return YAML::Node(YAML::NodeType::Undefined);
        n.reset(next);
    }
    return n;
}

} // namespace

Result<QMap<QString, QString>> patroniMemberParameters(const QByteArray &patroniYaml)
{
    YAML::Node root;
    try {
        root = YAML::Load(patroniYaml.toStdString());
    } catch (const YAML::Exception &e) {
        return makeError(QStringLiteral("the member's patroni.yml cannot be read: %1").arg(QString::fromStdString(e.msg)),
                         QStringLiteral("start the lab again (`pgha lab start`), which writes it anew"));
    }
    if (!root.IsMap())
        return makeError(QStringLiteral("the member's patroni.yml is not a YAML mapping"),
                         QStringLiteral("start the lab again (`pgha lab start`), which writes it anew"));
    QMap<QString, QString> params;
    try {
        for (const auto &o : kPatroniCommandLine)
            params.insert(QLatin1String(o.name), QLatin1String(o.defaultValue));
        auto dcs = parameterMap(child(root, {"bootstrap", "dcs", "postgresql", "parameters"}),
                                QStringLiteral("bootstrap.dcs.postgresql.parameters"));
        if (!dcs)
            return dcs.error();
        for (auto it = dcs.value().cbegin(); it != dcs.value().cend(); ++it)
            if (settableInDcs(it.key()))
                params.insert(it.key(), it.key() == u"wal_level" && it.value() == u"hot_standby" ? QStringLiteral("replica")
                                                                                                 : it.value());
        auto local = parameterMap(child(root, {"postgresql", "parameters"}), QStringLiteral("postgresql.parameters"));
        if (!local)
            return local.error();
        for (auto it = local.value().cbegin(); it != local.value().cend(); ++it)
            if (!isPatroniCommandLineOption(it.key()))
                params.insert(it.key(), it.value());
        const YAML::Node scope = child(root, {"scope"});
        if (scope && scope.IsScalar())
            params.insert(QStringLiteral("cluster_name"), scalarOf(scope));
        const YAML::Node listen = child(root, {"postgresql", "listen"});
        if (listen && listen.IsScalar()) {
            const QString text = scalarOf(listen);
            const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
            params.insert(QStringLiteral("listen_addresses"), colon < 0 ? text : text.left(colon));
            params.insert(QStringLiteral("port"), colon < 0 ? QStringLiteral("5432") : text.mid(colon + 1));
        }
    } catch (const YAML::Exception &e) {
        return makeError(QStringLiteral("the member's patroni.yml cannot be read: %1").arg(QString::fromStdString(e.msg)));
    }
    return params;
}

Result<QStringList> patroniInitdbOptions(const QByteArray &patroniYaml)
{
    static const QStringList refused{QStringLiteral("pgdata"), QStringLiteral("pwfile"), QStringLiteral("nosync"),
                                     QStringLiteral("sync-only"), QStringLiteral("version"), QStringLiteral("username")};
    QStringList out;
    try {
        const YAML::Node root = YAML::Load(patroniYaml.toStdString());
        const YAML::Node list = child(root, {"bootstrap", "initdb"});
        if (!list || list.IsNull())
            return out;
        if (!list.IsSequence())
            return makeError(QStringLiteral("bootstrap.initdb in the member's patroni.yml is not a list"));
        for (const auto &item : list) {
            QString name;
            QString value;
            if (item.IsScalar()) {
                name = scalarOf(item);
            } else if (item.IsMap() && item.size() == 1 && item.begin()->first.IsScalar() && item.begin()->second.IsScalar()) {
                name = scalarOf(item.begin()->first);
                value = scalarOf(item.begin()->second);
            } else {
                return makeError(QStringLiteral("bootstrap.initdb in the member's patroni.yml holds an entry that is "
                                                "neither a name nor one name: value pair"));
            }
            if (name.isEmpty() || refused.contains(name))
                continue;
            out.append(value.isEmpty() ? QStringLiteral("--") + name : QStringLiteral("--%1=%2").arg(name, value));
        }
    } catch (const YAML::Exception &e) {
        return makeError(QStringLiteral("the member's patroni.yml cannot be read: %1").arg(QString::fromStdString(e.msg)));
    }
    return out;
}

StandaloneParameters standaloneParameters(const QMap<QString, QString> &member, const QString &host, int port,
                                          const QString &clusterName)
{
    StandaloneParameters out;
    out.values = member;
    for (const auto &group : droppedParameters())
        for (const QString &name : group.names)
            if (out.values.contains(name))
                out.differences.append({name, out.values.take(name), QString(), QString::fromUtf8(group.reason)});
    const QList<std::pair<QString, std::pair<QString, const char *>>> own = {
        {QStringLiteral("port"), {QString::number(port), "its own port, beside the members' (the lab's port map: "
                                                         "standalone)"}},
        {QStringLiteral("cluster_name"), {clusterName, "tells its processes apart from the members' in ps and the "
                                                       "logs; changes nothing else"}},
        {QStringLiteral("listen_addresses"), {host, "the lab's host"}},
    };
    for (const auto &[name, setting] : own) {
        const QString memberValue = member.value(name);
        out.values.insert(name, setting.first);
        if (memberValue != setting.first)
            out.differences.append({name, memberValue, setting.first, QString::fromUtf8(setting.second)});
    }
    return out;
}

bool isValidParameterName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.]*$"));
    return valid.match(name).hasMatch();
}

Result<QString> quoteParameterValue(const QString &value)
{
    if (value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r')) || value.contains(QChar(0)))
        return makeError(QStringLiteral("a parameter value with a line break cannot go into postgresql.conf"));
    QString v = value;
    v.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    v.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}

Result<QString> standaloneConfText(const StandaloneParameters &parameters, const QString &baseConf, const QString &hbaFile)
{
    auto base = quoteParameterValue(baseConf);
    auto hba = quoteParameterValue(hbaFile);
    if (!base || !hba)
        return makeError(QStringLiteral("the standalone's paths cannot go into postgresql.conf: %1 / %2").arg(baseConf, hbaFile));
    QString text = QStringLiteral("# The pgha lab's standalone PostgreSQL: the single-node baseline. Written by pgha at\n"
                                  "# every start of it; edits are overwritten.\n"
                                  "# initdb's own file first, as Patroni includes it for its members (postgresql.base.conf):\n"
                                  "include %1\n"
                                  "hba_file = %2\n\n"
                                  "# The members' parameters (from %3), minus what needs a cluster:\n")
                           .arg(base.value(), hba.value(), parameters.source.isEmpty() ? QStringLiteral("the lab") : parameters.source);
    for (auto it = parameters.values.cbegin(); it != parameters.values.cend(); ++it) {
        auto value = quoteParameterValue(it.value());
        if (!isValidParameterName(it.key()) || !value)
            return makeError(QStringLiteral("the members' parameter \"%1\" cannot go into postgresql.conf").arg(it.key()),
                             QStringLiteral("check the lab's postgresql.parameters (`pgha config show`)"));
        text += QStringLiteral("%1 = %2\n").arg(it.key(), value.value());
    }
    if (!parameters.differences.isEmpty())
        text += QStringLiteral("\n# Where it differs from the members, and why:\n");
    for (const auto &d : parameters.differences)
        text += QStringLiteral("#   %1: %2 → %3 (%4)\n")
                        .arg(d.name, d.memberValue.isEmpty() ? QStringLiteral("not set") : d.memberValue,
                             d.standaloneValue.isEmpty() ? QStringLiteral("not set") : d.standaloneValue, d.reason);
    return text;
}

QString standaloneHbaText(const QString &host)
{
    return QStringLiteral("# The pgha lab's standalone PostgreSQL: password logins from the lab's host, as the members'\n"
                          "# `host all all` line (no replication line: nothing replicates from it). Written by pgha.\n"
                          "host all all %1/32 scram-sha-256\n")
            .arg(host);
}

QString passwordFingerprint(const QString &password)
{
    return QString::fromLatin1(QCryptographicHash::hash(password.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString StandaloneState::fileName()
{
    return QStringLiteral("standalone.json");
}

QString StandaloneState::phaseName(Phase p)
{
    switch (p) {
    case Phase::Starting: return QStringLiteral("starting");
    case Phase::Running: return QStringLiteral("running");
    case Phase::Stopping: return QStringLiteral("stopping");
    case Phase::Stopped: return QStringLiteral("stopped");
    case Phase::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("unknown");
}

QByteArray StandaloneState::toJson() const
{
    QJsonObject values;
    for (auto it = parameters.values.cbegin(); it != parameters.values.cend(); ++it)
        values.insert(it.key(), it.value());
    QJsonArray differences;
    for (const auto &d : parameters.differences)
        differences.append(QJsonObject{{QStringLiteral("name"), d.name},
                                       {QStringLiteral("member"), d.memberValue},
                                       {QStringLiteral("standalone"), d.standaloneValue},
                                       {QStringLiteral("reason"), d.reason}});
    const QJsonObject root{{QStringLiteral("phase"), phaseName(phase)},
                           {QStringLiteral("controllerPid"), controllerPid},
                           {QStringLiteral("pid"), pid},
                           {QStringLiteral("startTicks"), QString::number(startTicks)},
                           {QStringLiteral("pgid"), pgid},
                           {QStringLiteral("host"), host},
                           {QStringLiteral("port"), port},
                           {QStringLiteral("dataDir"), dataDir},
                           {QStringLiteral("logFile"), logFile},
                           {QStringLiteral("pgBinDir"), pgBinDir},
                           {QStringLiteral("pgVersion"), pgVersion},
                           {QStringLiteral("passwordSha256"), passwordSha256},
                           {QStringLiteral("lastError"), lastError},
                           {QStringLiteral("updatedAtMs"), QString::number(updatedAtMs)},
                           {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("source"), parameters.source},
                                                                      {QStringLiteral("values"), values},
                                                                      {QStringLiteral("differences"), differences}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<StandaloneState> StandaloneState::fromJson(const QByteArray &json, const QString &labDir)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(QStringLiteral("the standalone's state file in %1 is damaged (%2)").arg(labDir, err.errorString()),
                         QStringLiteral("stop a standalone PostgreSQL of the lab by hand if one runs, then delete %1/%2")
                                 .arg(labDir, fileName()));
    const QJsonObject o = doc.object();
    StandaloneState s;
    for (Phase p : {Phase::Starting, Phase::Running, Phase::Stopping, Phase::Stopped, Phase::Failed})
        if (phaseName(p) == o.value(u"phase").toString())
            s.phase = p;
    s.controllerPid = o.value(u"controllerPid").toInteger();
    s.pid = o.value(u"pid").toInteger();
    s.startTicks = o.value(u"startTicks").toString().toLongLong();
    s.pgid = o.value(u"pgid").toInteger();
    s.host = o.value(u"host").toString();
    s.port = o.value(u"port").toInt();
    s.dataDir = o.value(u"dataDir").toString();
    s.logFile = o.value(u"logFile").toString();
    s.pgBinDir = o.value(u"pgBinDir").toString();
    s.pgVersion = o.value(u"pgVersion").toString();
    s.passwordSha256 = o.value(u"passwordSha256").toString();
    s.lastError = o.value(u"lastError").toString();
    s.updatedAtMs = o.value(u"updatedAtMs").toString().toLongLong();
    const QJsonObject params = o.value(u"parameters").toObject();
    s.parameters.source = params.value(u"source").toString();
    const QJsonObject values = params.value(u"values").toObject();
    for (auto it = values.begin(); it != values.end(); ++it)
        s.parameters.values.insert(it.key(), it.value().toString());
    for (const auto &v : params.value(u"differences").toArray()) {
        const QJsonObject d = v.toObject();
        s.parameters.differences.append({d.value(u"name").toString(), d.value(u"member").toString(),
                                         d.value(u"standalone").toString(), d.value(u"reason").toString()});
    }
    return s;
}

Result<bool> StandaloneState::save(const QString &labDir) const
{
    StandaloneState copy = *this;
    copy.updatedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (auto written = fs::writeFileAtomic(labDir + QLatin1Char('/') + fileName(), copy.toJson(), fs::kOwnerOnlyFile); !written)
        return makeError(QStringLiteral("cannot write the standalone's state in %1: %2").arg(labDir, written.error().message),
                         QStringLiteral("check the directory's permissions and free space"));
    return true;
}

bool StandaloneState::exists(const QString &labDir)
{
    return fs::inspectPath(labDir + QLatin1Char('/') + fileName()).exists;
}

Result<StandaloneState> StandaloneState::load(const QString &labDir)
{
    if (auto trusted = checkLabDirTrusted(labDir); !trusted)
        return trusted.error();
    auto bytes = fs::readFileNoFollow(labDir + QLatin1Char('/') + fileName(), kMaxStateBytes);
    if (!bytes)
        return makeError(QStringLiteral("no standalone baseline in %1 (%2)").arg(labDir, bytes.error().message),
                         QStringLiteral("start it with `pgha lab standalone start`"));
    return fromJson(bytes.value(), labDir);
}

} // namespace pgha::svc
