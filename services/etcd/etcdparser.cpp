#include "etcdtypes.h"

#include "core/wholenumber.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pgha::svc {

namespace {

QString v3Hint() { return QStringLiteral("check the URL is an etcd v3 client endpoint (e.g. http://host:2379)"); }
QString v2Hint() { return QStringLiteral("check the URL is an etcd client endpoint serving the v2 API (etcd 3.4 with --enable-v2)"); }
// Patroni's layout is <namespace>/<scope>/members/<name>: a few levels. Far deeper nesting
// is no Patroni DCS, and recursion over it is bounded here rather than by the stack.
constexpr int kMaxV2DirDepth = 32;
// etcd v2's error code for a key or directory that does not exist.
constexpr int kV2KeyNotFound = 100;

Error etcdError(const QString &what, const QString &what2 = {})
{
    return makeError(ErrorKind::Parse, QStringLiteral("etcd: ") + what + what2, v3Hint());
}

Error v2Error(const QString &what)
{
    return makeError(ErrorKind::Parse, QStringLiteral("etcd v2 keys: ") + what, v2Hint());
}

// Size, JSON and "an object at the top" — what every etcd answer must pass first.
Result<QJsonObject> parseDocument(const QByteArray &json, const QString &prefix, const QString &hint)
{
    auto fail = [&](const QString &why) { return makeError(ErrorKind::Parse, prefix + why, hint); };
    if (json.isEmpty())
        return fail(QStringLiteral(": empty answer"));
    if (json.size() > kMaxEtcdPayloadBytes)
        return fail(QStringLiteral(": answer of %1 bytes is over the limit of %2").arg(json.size()).arg(kMaxEtcdPayloadBytes));
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return fail(QStringLiteral(": invalid JSON at offset %1: %2").arg(err.offset).arg(err.errorString()));
    if (!doc.isObject())
        return fail(QStringLiteral(": the answer is not a JSON object"));
    return doc.object();
}

Result<QJsonObject> parseObject(const QByteArray &json, const QString &endpoint)
{
    auto doc = parseDocument(json, QStringLiteral("etcd: ") + endpoint, v3Hint());
    if (!doc)
        return doc.error();
    const QJsonObject o = doc.value();
    // The gateway reports gRPC errors as {"error": "...", "code": N} (3.4) or {"message": …} (3.5).
    if (o.contains(u"error") && !o.contains(u"header"))
        return etcdError(endpoint, QStringLiteral(": %1").arg(o.value(u"error").toString()));
    if (o.contains(u"code") && o.contains(u"message") && !o.contains(u"header"))
        return etcdError(endpoint, QStringLiteral(": %1").arg(o.value(u"message").toString()));
    return o;
}

// int64 fields arrive as strings; tolerate numbers too. Absent = 0 (proto3 omits zero values).
bool readInt64(const QJsonObject &o, QStringView key, qint64 *out)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        *out = 0;
        return true;
    }
    if (v.isDouble()) {
        const auto n = wholeNumber<qint64>(v.toDouble());
        *out = n.value_or(0);
        return n.has_value();
    }
    bool ok = false;
    *out = v.toString().toLongLong(&ok);
    return ok;
}

QString readId(const QJsonValue &v)
{
    // IDs are uint64 and arrive as strings; a number outside that range is no ID at all.
    if (v.isDouble())
        if (const auto id = wholeNumber<quint64>(v.toDouble()))
            return QString::number(*id);
    return v.toString();
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const auto &e : v.toArray())
        out.append(e.toString());
    return out;
}

Result<QByteArray> base64(const QJsonValue &v, const QString &what)
{
    if (v.isUndefined())
        return QByteArray();
    if (!v.isString())
        return etcdError(QStringLiteral("range: %1 is not a base64 string").arg(what));
    const auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return etcdError(QStringLiteral("range: %1 is not valid base64").arg(what));
    return *decoded;
}

// One node of a v2 answer: a directory (recursed into, `depth` levels below the one asked)
// or a key with its value. Every field is checked for its type: an answer that is no v2
// answer is refused, never read as an empty namespace.
std::optional<Error> flattenV2(const QJsonObject &node, int depth, QList<EtcdKeyValue> &out)
{
    const QJsonValue key = node.value(u"key");
    const QJsonValue dir = node.value(u"dir");
    if (!key.isUndefined() && !key.isString())
        return v2Error(QStringLiteral("a \"key\" is not a string"));
    if (!dir.isUndefined() && !dir.isBool())
        return v2Error(QStringLiteral("\"dir\" of %1 is not true/false").arg(key.toString()));
    if (dir.toBool()) {
        if (depth >= kMaxV2DirDepth)
            return v2Error(QStringLiteral("directories nested deeper than %1 levels at %2").arg(kMaxV2DirDepth).arg(key.toString()));
        const QJsonValue nodes = node.value(u"nodes");
        if (nodes.isUndefined())
            return std::nullopt;   // an empty directory
        if (!nodes.isArray())
            return v2Error(QStringLiteral("\"nodes\" of %1 is not an array").arg(key.toString()));
        for (const auto &child : nodes.toArray()) {
            if (!child.isObject())
                return v2Error(QStringLiteral("an entry under %1 is not an object").arg(key.toString()));
            if (auto e = flattenV2(child.toObject(), depth + 1, out))
                return e;
        }
        return std::nullopt;
    }
    EtcdKeyValue kv;
    kv.key = key.toString();
    if (kv.key.isEmpty())
        return v2Error(QStringLiteral("a key has no name"));
    const QJsonValue value = node.value(u"value");
    if (!value.isString())
        return v2Error(QStringLiteral("the value of %1 is not a string").arg(kv.key));
    kv.value = value.toString().toUtf8();
    // v2 indexes stand where v3 keeps revisions: both only ever grow with each change.
    if (!readInt64(node, u"createdIndex", &kv.createRevision) || !readInt64(node, u"modifiedIndex", &kv.modRevision))
        return v2Error(QStringLiteral("the indexes of %1 are not integers").arg(kv.key));
    const QJsonValue ttl = node.value(u"ttl");
    if (!ttl.isUndefined()) {
        const auto seconds = ttl.isDouble() ? wholeNumber<qint64>(ttl.toDouble()) : std::nullopt;
        if (!seconds)
            return v2Error(QStringLiteral("the ttl of %1 is not a whole number").arg(kv.key));
        kv.ttlS = *seconds;
    }
    out.append(kv);
    return std::nullopt;
}

} // namespace

Result<EtcdMemberList> parseEtcdMemberList(const QByteArray &json)
{
    auto o = parseObject(json, QStringLiteral("member list"));
    if (!o)
        return o.error();
    const QJsonObject root = o.value();
    const QJsonValue members = root.value(u"members");
    if (!members.isArray())
        return etcdError(QStringLiteral("member list: \"members\" is not an array"));
    EtcdMemberList list;
    const QJsonObject header = root.value(u"header").toObject();
    list.clusterId = readId(header.value(u"cluster_id"));
    list.answeredBy = readId(header.value(u"member_id"));
    if (!readInt64(header, u"raft_term", &list.raftTerm))
        return etcdError(QStringLiteral("member list: raft_term is not an integer"));
    for (const auto &m : members.toArray()) {
        if (!m.isObject())
            return etcdError(QStringLiteral("member list: a member is not an object"));
        const QJsonObject mo = m.toObject();
        EtcdMember member{readId(mo.value(u"ID")), mo.value(u"name").toString(), strings(mo.value(u"peerURLs")),
                          strings(mo.value(u"clientURLs"))};
        if (member.id.isEmpty())
            return etcdError(QStringLiteral("member list: a member has no ID"));
        list.members.append(member);
    }
    return list;
}

Result<EtcdStatus> parseEtcdStatus(const QByteArray &json)
{
    auto o = parseObject(json, QStringLiteral("status"));
    if (!o)
        return o.error();
    const QJsonObject root = o.value();
    EtcdStatus s;
    s.memberId = readId(root.value(u"header").toObject().value(u"member_id"));
    s.version = root.value(u"version").toString();
    s.leaderId = readId(root.value(u"leader"));
    if (s.version.isEmpty())
        return etcdError(QStringLiteral("status: no \"version\" (not a maintenance/status answer)"));
    for (const auto &[key, field] : {std::pair{u"dbSize", &s.dbSize}, std::pair{u"dbSizeInUse", &s.dbSizeInUse},
                                     std::pair{u"raftTerm", &s.raftTerm}, std::pair{u"raftIndex", &s.raftIndex},
                                     std::pair{u"raftAppliedIndex", &s.raftAppliedIndex}})
        if (!readInt64(root, QStringView(key), field))
            return etcdError(QStringLiteral("status: \"%1\" is not an integer").arg(QStringView(key)));
    s.errors = strings(root.value(u"errors"));
    return s;
}

Result<bool> parseEtcdHealth(const QByteArray &json)
{
    auto o = parseObject(json, QStringLiteral("/health"));
    if (!o)
        return o.error();
    const QJsonValue h = o.value().value(u"health");
    if (h.isUndefined())
        return etcdError(QStringLiteral("/health: no \"health\" field"));
    if (h.toString() == u"true" || h.toBool(false))
        return true;
    const QString reason = o.value().value(u"reason").toString();
    return etcdError(QStringLiteral("/health: unhealthy%1").arg(reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason)));
}

Result<QList<EtcdKeyValue>> parseEtcdRange(const QByteArray &json)
{
    auto o = parseObject(json, QStringLiteral("range"));
    if (!o)
        return o.error();
    const QJsonValue kvs = o.value().value(u"kvs");
    QList<EtcdKeyValue> out;
    if (kvs.isUndefined())
        return out;   // proto3 omits an empty list
    if (!kvs.isArray())
        return etcdError(QStringLiteral("range: \"kvs\" is not an array"));
    for (const auto &v : kvs.toArray()) {
        const QJsonObject kv = v.toObject();
        EtcdKeyValue e;
        auto key = base64(kv.value(u"key"), QStringLiteral("a key"));
        if (!key)
            return key.error();
        e.key = QString::fromUtf8(key.value());
        if (e.key.isEmpty())
            return etcdError(QStringLiteral("range: an entry has no key"));
        auto value = base64(kv.value(u"value"), QStringLiteral("the value of %1").arg(e.key));
        if (!value)
            return value.error();
        e.value = value.value();
        if (!readInt64(kv, u"create_revision", &e.createRevision) || !readInt64(kv, u"mod_revision", &e.modRevision)
            || !readInt64(kv, u"version", &e.version))
            return etcdError(QStringLiteral("range: revision fields of %1 are not integers").arg(e.key));
        e.lease = readId(kv.value(u"lease"));
        out.append(e);
    }
    return out;
}

Result<QList<EtcdKeyValue>> parseEtcdV2Keys(const QByteArray &json)
{
    auto doc = parseDocument(json, QStringLiteral("etcd v2 keys"), v2Hint());
    if (!doc)
        return doc.error();
    const QJsonObject root = doc.value();
    // etcd's v2 errors: {"errorCode":100,"message":"Key not found","cause":"/service","index":7}.
    if (root.contains(u"errorCode")) {
        const int code = root.value(u"errorCode").toInt();
        const QString cause = root.value(u"cause").toString();
        return makeError(code == kV2KeyNotFound ? ErrorKind::NotFound : ErrorKind::Rejected,
                         QStringLiteral("etcd v2 keys: %1 (error %2%3)")
                                 .arg(root.value(u"message").toString())
                                 .arg(code)
                                 .arg(cause.isEmpty() ? QString() : QStringLiteral(", ") + cause),
                         code == kV2KeyNotFound ? QStringLiteral("check the profile's namespace: Patroni's keys are not there")
                                                : v2Hint());
    }
    const QJsonValue node = root.value(u"node");
    if (!node.isObject())
        return v2Error(QStringLiteral("no \"node\" object (not an answer to GET /v2/keys)"));
    QList<EtcdKeyValue> out;
    if (auto e = flattenV2(node.toObject(), 0, out))
        return *e;
    return out;
}

QString etcdV2KeysPath(const QString &namespacePrefix)
{
    return QStringLiteral("/v2/keys") + (namespacePrefix.startsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/"))
            + namespacePrefix;
}

QList<PatroniDcsScope> patroniScopesFromKeys(const QList<EtcdKeyValue> &kvs, const QString &namespacePrefix)
{
    QMap<QString, PatroniDcsScope> scopes;
    for (const auto &kv : kvs) {
        if (!kv.key.startsWith(namespacePrefix))
            continue;
        const QString rest = kv.key.mid(namespacePrefix.size());   // "<scope>/leader", "<scope>/members/pg1"
        const qsizetype slash = rest.indexOf(QLatin1Char('/'));
        if (slash <= 0)
            continue;
        const QString scopeName = rest.left(slash);
        const QString sub = rest.mid(slash + 1);
        PatroniDcsScope &s = scopes[scopeName];
        s.scope = scopeName;
        const QJsonObject obj = QJsonDocument::fromJson(kv.value).object();
        if (sub == u"leader") {
            s.leader = QString::fromUtf8(kv.value);
            s.leaderLease = kv.lease;
            s.leaderTtlS = kv.ttlS;
        } else if (sub.startsWith(u"members/")) {
            s.members.insert(sub.mid(8), obj);
        } else if (sub == u"config") {
            s.config = obj;
        } else if (sub == u"history") {
            s.history = kv.value;
        } else if (sub == u"failover") {
            s.failover = obj;
        } else if (sub == u"sync") {
            s.sync = obj;
        } else if (sub == u"status") {
            s.status = obj;
        } else if (sub == u"initialize") {
            s.initialize = QString::fromUtf8(kv.value);
            s.hasInitialize = true;
        }
    }
    return scopes.values();
}

QByteArray etcdRangeRequest(const QString &prefix)
{
    QByteArray end = prefix.toUtf8();
    // The range end for "every key with this prefix" is the prefix with its last byte + 1.
    while (!end.isEmpty() && static_cast<unsigned char>(end.back()) == 0xff)
        end.chop(1);
    if (!end.isEmpty())
        end.back() = static_cast<char>(end.back() + 1);
    return QJsonDocument(QJsonObject{{QStringLiteral("key"), QString::fromLatin1(prefix.toUtf8().toBase64())},
                                     {QStringLiteral("range_end"), QString::fromLatin1(end.toBase64())}})
            .toJson(QJsonDocument::Compact);
}

} // namespace pgha::svc
