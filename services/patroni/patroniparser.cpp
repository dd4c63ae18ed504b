#include "patroniparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace pgha::svc {

QString roleName(MemberRole role)
{
    switch (role) {
    case MemberRole::Leader: return QStringLiteral("leader");
    case MemberRole::StandbyLeader: return QStringLiteral("standby_leader");
    case MemberRole::SyncStandby: return QStringLiteral("sync_standby");
    case MemberRole::QuorumStandby: return QStringLiteral("quorum_standby");
    case MemberRole::Replica: return QStringLiteral("replica");
    case MemberRole::Unknown: break;
    }
    return QStringLiteral("unknown");
}

MemberRole normaliseRole(const QString &patroniRole)
{
    const QString r = patroniRole.trimmed().toLower();
    if (r == u"leader" || r == u"master" || r == u"primary")
        return MemberRole::Leader;
    if (r == u"standby_leader" || r == u"standby leader")
        return MemberRole::StandbyLeader;
    if (r == u"sync_standby" || r == u"sync standby")
        return MemberRole::SyncStandby;
    if (r == u"quorum_standby" || r == u"quorum standby")
        return MemberRole::QuorumStandby;
    if (r == u"replica" || r == u"standby")
        return MemberRole::Replica;
    return MemberRole::Unknown;
}

const PatroniMember *ClusterSnapshot::leader() const
{
    for (const auto &m : members)
        if (m.isLeader())
            return &m;
    return nullptr;
}

int ClusterSnapshot::leaderCount() const
{
    int n = 0;
    for (const auto &m : members)
        n += m.isLeader() ? 1 : 0;
    return n;
}

namespace {

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("missing");
}

Error fieldError(int index, const QString &field, const QJsonValue &v, const QString &expected)
{
    return makeError(QStringLiteral("Patroni /cluster: member %1: \"%2\" is %3, expected %4")
                             .arg(index).arg(field, typeName(v), expected),
                     QStringLiteral("is this endpoint really a Patroni REST API?"));
}

// Integers arrive as JSON numbers; tolerate numeric strings too (some proxies re-encode).
std::optional<qint64> toInt64(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d >= -9.0e15 && d <= 9.0e15)
            return static_cast<qint64>(d);
        return std::nullopt;
    }
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (ok)
            return n;
    }
    return std::nullopt;
}

Result<PatroniMember> parseMember(int index, const QJsonValue &value)
{
    if (!value.isObject())
        return fieldError(index, QStringLiteral("member"), value, QStringLiteral("an object"));
    const QJsonObject o = value.toObject();
    PatroniMember m;

    const QJsonValue name = o.value(u"name");
    if (!name.isString() || name.toString().isEmpty())
        return fieldError(index, QStringLiteral("name"), name, QStringLiteral("a non-empty string"));
    m.name = name.toString();

    const QJsonValue role = o.value(u"role");
    if (!role.isString())
        return fieldError(index, QStringLiteral("role"), role, QStringLiteral("a string"));
    m.rawRole = role.toString();
    m.role = normaliseRole(m.rawRole);

    const QJsonValue state = o.value(u"state");
    if (!state.isUndefined() && !state.isString())
        return fieldError(index, QStringLiteral("state"), state, QStringLiteral("a string"));
    m.state = state.toString();

    const QJsonValue host = o.value(u"host");
    if (!host.isUndefined() && !host.isString())
        return fieldError(index, QStringLiteral("host"), host, QStringLiteral("a string"));
    m.host = host.toString();

    const QJsonValue port = o.value(u"port");
    if (!port.isUndefined()) {
        const auto p = toInt64(port);
        if (!p || *p < 0 || *p > 65535)
            return fieldError(index, QStringLiteral("port"), port, QStringLiteral("a port number"));
        m.port = static_cast<int>(*p);
    }

    const QJsonValue api = o.value(u"api_url");
    if (!api.isUndefined() && !api.isString())
        return fieldError(index, QStringLiteral("api_url"), api, QStringLiteral("a string"));
    m.apiUrl = api.toString();

    const QJsonValue tl = o.value(u"timeline");
    if (!tl.isUndefined() && !tl.isNull()) {
        const auto t = toInt64(tl);
        if (!t)
            return fieldError(index, QStringLiteral("timeline"), tl, QStringLiteral("an integer"));
        m.timeline = *t;
    }

    // "lag" is bytes behind the leader, or the string "unknown" when Patroni cannot tell.
    const QJsonValue lag = o.value(u"lag");
    if (lag.isString() && lag.toString() == u"unknown") {
        m.lag.kind = MemberLag::Kind::Unknown;
    } else if (!lag.isUndefined() && !lag.isNull()) {
        const auto l = toInt64(lag);
        if (!l)
            return fieldError(index, QStringLiteral("lag"), lag, QStringLiteral("a number or \"unknown\""));
        m.lag = {MemberLag::Kind::Bytes, *l};
    }

    m.pendingRestart = o.value(u"pending_restart").toBool(false);
    m.tags = o.value(u"tags").toObject();
    return m;
}

} // namespace

Result<ClusterSnapshot> parsePatroniCluster(const QByteArray &payload)
{
    if (payload.isEmpty())
        return makeError(QStringLiteral("Patroni /cluster: empty answer"),
                         QStringLiteral("the REST API answered without a body; check that it is Patroni"));
    if (payload.size() > kMaxClusterPayloadBytes)
        return makeError(QStringLiteral("Patroni /cluster: answer of %1 bytes is over the %2 MiB limit")
                                 .arg(payload.size()).arg(kMaxClusterPayloadBytes / (1024 * 1024)),
                         QStringLiteral("this is not a Patroni /cluster payload"));

    // Qt's JSON parser accepts some invalid UTF-8 silently; check first so the error is precise.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(payload);
    if (decoder.hasError())
        return makeError(QStringLiteral("Patroni /cluster: the answer is not valid UTF-8"),
                         QStringLiteral("check the URL points at a Patroni REST API"));
    Q_UNUSED(text)

    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(QStringLiteral("Patroni /cluster: invalid JSON at offset %1: %2")
                                 .arg(parseError.offset).arg(parseError.errorString()),
                         QStringLiteral("the answer was cut short or is not from Patroni"));
    if (!doc.isObject())
        return makeError(QStringLiteral("Patroni /cluster: the answer is not a JSON object"),
                         QStringLiteral("check the URL points at a Patroni REST API"));

    const QJsonObject root = doc.object();
    const QJsonValue members = root.value(u"members");
    if (!members.isArray())
        return makeError(QStringLiteral("Patroni /cluster: \"members\" is %1, expected an array").arg(typeName(members)),
                         QStringLiteral("check the URL points at a Patroni REST API"));

    ClusterSnapshot snapshot;
    snapshot.scope = root.value(u"scope").toString();
    snapshot.paused = root.value(u"pause").toBool(false);
    const QJsonArray list = members.toArray();
    snapshot.members.reserve(list.size());
    for (int i = 0; i < list.size(); ++i) {
        auto member = parseMember(i, list.at(i));
        if (!member)
            return member.error();
        snapshot.members.append(std::move(member).value());
    }
    return snapshot;
}

} // namespace pgha::svc
