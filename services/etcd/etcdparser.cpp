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

namespace {
// One v3 key-value object (a range entry, a watch event's kv or prev_kv). A deleted key's kv
// carries its key and mod_revision only: absent fields read as empty and 0.
Result<EtcdKeyValue> parseKeyValue(const QJsonObject &kv, const QString &where)
{
    EtcdKeyValue e;
    auto key = base64(kv.value(u"key"), QStringLiteral("a key"));
    if (!key)
        return key.error();
    e.key = QString::fromUtf8(key.value());
    if (e.key.isEmpty())
        return etcdError(QStringLiteral("%1: an entry has no key").arg(where));
    auto value = base64(kv.value(u"value"), QStringLiteral("the value of %1").arg(e.key));
    if (!value)
        return value.error();
    e.value = value.value();
    if (!readInt64(kv, u"create_revision", &e.createRevision) || !readInt64(kv, u"mod_revision", &e.modRevision)
        || !readInt64(kv, u"version", &e.version))
        return etcdError(QStringLiteral("%1: revision fields of %2 are not integers").arg(where, e.key));
    e.lease = readId(kv.value(u"lease"));
    if (e.lease == u"0")
        e.lease.clear();
    return e;
}

Result<qint64> headerRevision(const QJsonObject &o, const QString &where)
{
    qint64 revision = 0;
    if (!readInt64(o.value(u"header").toObject(), u"revision", &revision) || revision < 0)
        return etcdError(QStringLiteral("%1: header.revision is not a revision").arg(where));
    return revision;
}
} // namespace

Result<EtcdRangeAnswer> parseEtcdRangeAnswer(const QByteArray &json)
{
    auto o = parseObject(json, QStringLiteral("range"));
    if (!o)
        return o.error();
    EtcdRangeAnswer out;
    auto revision = headerRevision(o.value(), QStringLiteral("range"));
    if (!revision)
        return revision.error();
    out.revision = revision.value();
    const QJsonValue kvs = o.value().value(u"kvs");
    if (kvs.isUndefined())
        return out;   // proto3 omits an empty list
    if (!kvs.isArray())
        return etcdError(QStringLiteral("range: \"kvs\" is not an array"));
    for (const auto &v : kvs.toArray()) {
        auto kv = parseKeyValue(v.toObject(), QStringLiteral("range"));
        if (!kv)
            return kv.error();
        out.kvs.append(kv.value());
    }
    return out;
}

Result<QList<EtcdKeyValue>> parseEtcdRange(const QByteArray &json)
{
    auto answer = parseEtcdRangeAnswer(json);
    if (!answer)
        return answer.error();
    return answer.value().kvs;
}

Result<EtcdWatchMessage> parseEtcdWatchMessage(const QByteArray &json)
{
    auto doc = parseDocument(json, QStringLiteral("etcd watch"), v3Hint());
    if (!doc)
        return doc.error();
    const QJsonObject root = doc.value();
    // A refused request or a gateway failure: {"error": {...}} (3.5) or {"error": "...", "code": N} (3.4).
    if (!root.contains(u"result")) {
        const QJsonValue error = root.value(u"error");
        const QString text = error.isObject() ? error.toObject().value(u"message").toString()
                                              : root.value(u"message").toString(error.toString());
        if (!text.isEmpty() || root.contains(u"code"))
            return makeError(ErrorKind::Rejected, QStringLiteral("etcd refused the watch: %1").arg(text), v3Hint());
        return etcdError(QStringLiteral("watch: a message without \"result\""));
    }
    const QJsonValue resultValue = root.value(u"result");
    if (!resultValue.isObject())
        return etcdError(QStringLiteral("watch: \"result\" is not an object"));
    const QJsonObject r = resultValue.toObject();
    EtcdWatchMessage m;
    const QJsonObject header = r.value(u"header").toObject();
    m.memberId = readId(header.value(u"member_id"));
    if (!readInt64(header, u"revision", &m.revision) || m.revision < 0)
        return etcdError(QStringLiteral("watch: header.revision is not a revision"));
    m.created = r.value(u"created").toBool();
    m.canceled = r.value(u"canceled").toBool();
    m.cancelReason = r.value(u"cancel_reason").toString();
    if (!readInt64(r, u"compact_revision", &m.compactRevision))
        return etcdError(QStringLiteral("watch: compact_revision is not a revision"));
    const QJsonValue events = r.value(u"events");
    if (events.isUndefined())
        return m;
    if (!events.isArray())
        return etcdError(QStringLiteral("watch: \"events\" is not an array"));
    for (const auto &v : events.toArray()) {
        if (!v.isObject())
            return etcdError(QStringLiteral("watch: an event is not an object"));
        const QJsonObject e = v.toObject();
        EtcdWatchEvent event;
        const QString type = e.value(u"type").toString(QStringLiteral("PUT"));   // PUT is proto3's zero value
        if (type == u"DELETE")
            event.type = EtcdWatchEvent::Type::Delete;
        else if (type != u"PUT")
            return etcdError(QStringLiteral("watch: unknown event type \"%1\"").arg(type));
        auto kv = parseKeyValue(e.value(u"kv").toObject(), QStringLiteral("watch"));
        if (!kv)
            return kv.error();
        event.kv = kv.value();
        if (e.value(u"prev_kv").isObject()) {
            auto prev = parseKeyValue(e.value(u"prev_kv").toObject(), QStringLiteral("watch"));
            if (!prev)
                return prev.error();
            event.previous = prev.value();
        }
        m.events.append(event);
    }
    return m;
}

Result<EtcdLeaseTtl> parseEtcdLeaseTimeToLive(const QByteArray &json)
{
    auto o = parseObject(json, QStringLiteral("lease time-to-live"));
    if (!o)
        return o.error();
    EtcdLeaseTtl out;
    out.id = readId(o.value().value(u"ID"));
    if (!readInt64(o.value(), u"TTL", &out.ttlS) || !readInt64(o.value(), u"grantedTTL", &out.grantedS))
        return etcdError(QStringLiteral("lease time-to-live: TTL fields are not integers"));
    if (out.ttlS < -1 || out.grantedS < 0)
        return etcdError(QStringLiteral("lease time-to-live: TTL %1 of %2 s is not a time to live").arg(out.ttlS).arg(out.grantedS));
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
        } else if (sub == u"failsafe") {
            s.failsafe = obj;
        } else if (sub == u"initialize") {
            s.initialize = QString::fromUtf8(kv.value);
            s.hasInitialize = true;
        }
    }
    return scopes.values();
}

namespace {
QByteArray rangeEnd(const QString &prefix)
{
    QByteArray end = prefix.toUtf8();
    // The range end for "every key with this prefix" is the prefix with its last byte + 1.
    while (!end.isEmpty() && static_cast<unsigned char>(end.back()) == 0xff)
        end.chop(1);
    if (!end.isEmpty())
        end.back() = static_cast<char>(end.back() + 1);
    return end;
}
} // namespace

QByteArray etcdRangeRequest(const QString &prefix)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("key"), QString::fromLatin1(prefix.toUtf8().toBase64())},
                                     {QStringLiteral("range_end"), QString::fromLatin1(rangeEnd(prefix).toBase64())}})
            .toJson(QJsonDocument::Compact);
}

QByteArray etcdWatchRequest(const QString &prefix, qint64 startRevision)
{
    QJsonObject create{{QStringLiteral("key"), QString::fromLatin1(prefix.toUtf8().toBase64())},
                       {QStringLiteral("range_end"), QString::fromLatin1(rangeEnd(prefix).toBase64())},
                       {QStringLiteral("prev_kv"), true}};
    if (startRevision > 0)
        create.insert(QStringLiteral("start_revision"), QString::number(startRevision));
    return QJsonDocument(QJsonObject{{QStringLiteral("create_request"), create}}).toJson(QJsonDocument::Compact);
}

QByteArray etcdLeaseTimeToLiveRequest(const QString &leaseId)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("ID"), leaseId}}).toJson(QJsonDocument::Compact);
}

} // namespace pgha::svc
