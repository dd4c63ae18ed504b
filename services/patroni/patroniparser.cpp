#include "patroniparser.h"

#include "core/hostport.h"
#include "core/wholenumber.h"
#include "patroni/patroniclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QUrl>

#include <tuple>

#include <limits>

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

const PatroniMember *ClusterSnapshot::memberWithApi(const QUrl &base) const
{
    const HostPort asked = hostPortOf(base, base.scheme() == u"https" ? 443 : 80);
    for (const auto &m : members) {
        const QUrl api(m.apiUrl);
        if (!m.apiUrl.isEmpty() && sameHostPort(hostPortOf(api, api.scheme() == u"https" ? 443 : 80), asked))
            return &m;
    }
    return nullptr;
}

const PatroniMember *ClusterSnapshot::member(const QString &name) const
{
    for (const auto &m : members)
        if (m.name == name)
            return &m;
    return nullptr;
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
    if (v.isDouble())
        return wholeNumber<qint64>(v.toDouble());
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
    // The DCS is not ours: an api_url with user:password@ must not reach requests, logs or exports.
    if (const QUrl u(m.apiUrl); !u.userInfo().isEmpty())
        m.apiUrl = u.toString(QUrl::RemoveUserInfo);

    const QJsonValue tl = o.value(u"timeline");
    if (!tl.isUndefined() && !tl.isNull()) {
        const auto t = toInt64(tl);
        if (!t)
            return fieldError(index, QStringLiteral("timeline"), tl, QStringLiteral("an integer"));
        m.timeline = *t;
    }

    // Lags are bytes behind the leader, or the string "unknown" when Patroni cannot tell.
    // 3.x has "lag" only; 4.1 adds receive_lag/replay_lag and the LSNs they are computed from.
    for (const auto &[key, field] : {std::pair{QStringLiteral("lag"), &m.lag},
                                     std::pair{QStringLiteral("receive_lag"), &m.receiveLag},
                                     std::pair{QStringLiteral("replay_lag"), &m.replayLag}}) {
        const QJsonValue lag = o.value(key);
        if (lag.isString() && lag.toString() == u"unknown") {
            field->kind = MemberLag::Kind::Unknown;
        } else if (!lag.isUndefined() && !lag.isNull()) {
            const auto l = toInt64(lag);
            if (!l)
                return fieldError(index, key, lag, QStringLiteral("a number or \"unknown\""));
            *field = {MemberLag::Kind::Bytes, *l};
        }
    }
    for (const auto &[key, field] : {std::pair{QStringLiteral("lsn"), &m.lsn},
                                     std::pair{QStringLiteral("receive_lsn"), &m.receiveLsn},
                                     std::pair{QStringLiteral("replay_lsn"), &m.replayLsn}}) {
        const QJsonValue v = o.value(key);
        if (!v.isUndefined() && !v.isNull() && !v.isString())
            return fieldError(index, key, v, QStringLiteral("a string"));
        *field = v.toString();
    }

    // A scheduled restart is an object ({"schedule": …, "postmaster_start_time": …}) in /cluster.
    const QJsonValue restart = o.value(u"scheduled_restart");
    if (restart.isObject())
        m.scheduledRestart = restart.toObject().value(u"schedule").toString();
    else if (restart.isString())
        m.scheduledRestart = restart.toString();
    else if (!restart.isUndefined() && !restart.isNull())
        return fieldError(index, QStringLiteral("scheduled_restart"), restart, QStringLiteral("an object with \"schedule\""));

    m.pendingRestart = o.value(u"pending_restart").toBool(false);
    m.pendingRestartReason = o.value(u"pending_restart_reason").toObject();
    m.tags = o.value(u"tags").toObject();
    return m;
}

} // namespace

namespace {
// Shared checks of every Patroni JSON answer: size, UTF-8, JSON.
Result<QJsonDocument> parseDocument(const QByteArray &payload, const QString &endpoint)
{
    const QString source = QStringLiteral("Patroni ") + endpoint;
    if (payload.isEmpty())
        return makeError(source + QStringLiteral(": empty answer"),
                         QStringLiteral("the REST API answered without a body; check that it is Patroni"));
    if (payload.size() > kMaxClusterPayloadBytes)
        return makeError(source + QStringLiteral(": answer of %1 bytes is over the %2 MiB limit")
                                          .arg(payload.size()).arg(kMaxClusterPayloadBytes / (1024 * 1024)),
                         QStringLiteral("this is not a Patroni %1 payload").arg(endpoint));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    [[maybe_unused]] const QString text = decoder.decode(payload);
    if (decoder.hasError())
        return makeError(source + QStringLiteral(": the answer is not valid UTF-8"),
                         QStringLiteral("check the URL points at a Patroni REST API"));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(source + QStringLiteral(": invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()),
                         QStringLiteral("the answer was cut short or is not from Patroni"));
    return doc;
}
} // namespace

Result<PatroniNodeStatus> parsePatroniStatus(const QByteArray &payload)
{
    auto doc = parseDocument(payload, patroniPath(PatroniEndpoint::Patroni));
    if (!doc)
        return doc.error();
    if (!doc.value().isObject())
        return makeError(QStringLiteral("Patroni /patroni: the answer is not a JSON object"));
    const QJsonObject o = doc.value().object();
    PatroniNodeStatus s;
    s.state = o.value(u"state").toString();
    s.rawRole = o.value(u"role").toString();
    s.role = normaliseRole(s.rawRole);
    if (s.state.isEmpty() && s.rawRole.isEmpty())
        return makeError(QStringLiteral("Patroni /patroni: neither \"state\" nor \"role\" present"),
                         QStringLiteral("check the URL points at a Patroni REST API"));
    s.serverVersion = o.value(u"server_version").toInt();
    if (const auto tl = toInt64(o.value(u"timeline")))
        s.timeline = *tl;
    const QJsonObject xlog = o.value(u"xlog").toObject();
    if (const auto v = toInt64(xlog.value(u"location")))
        s.walLocation = *v;
    if (const auto v = toInt64(xlog.value(u"received_location")))
        s.receivedLocation = *v;
    if (const auto v = toInt64(xlog.value(u"replayed_location")))
        s.replayedLocation = *v;
    s.replayPaused = xlog.value(u"paused").toBool(false);
    for (const auto &r : o.value(u"replication").toArray()) {
        const QJsonObject w = r.toObject();
        s.replication.append({w.value(u"usename").toString(), w.value(u"application_name").toString(),
                              w.value(u"client_addr").toString(), w.value(u"state").toString(),
                              w.value(u"sync_state").toString()});
    }
    s.dcsLastSeen = toInt64(o.value(u"dcs_last_seen")).value_or(0);
    s.patroniVersion = o.value(u"patroni").toObject().value(u"version").toString();
    s.scope = o.value(u"patroni").toObject().value(u"scope").toString();
    s.systemIdentifier = o.value(u"database_system_identifier").toString();
    s.pendingRestart = o.value(u"pending_restart").toBool(false);
    s.paused = o.value(u"pause").toBool(false);
    s.postmasterStartTime = o.value(u"postmaster_start_time").toString();
    return s;
}

Result<QList<TimelineSwitch>> parsePatroniHistory(const QByteArray &payload)
{
    auto doc = parseDocument(payload, patroniPath(PatroniEndpoint::History));
    if (!doc)
        return doc.error();
    if (!doc.value().isArray())
        return makeError(QStringLiteral("Patroni /history: the answer is not a JSON array"));
    QList<TimelineSwitch> out;
    const QJsonArray entries = doc.value().array();
    for (int i = 0; i < entries.size(); ++i) {
        const QJsonArray e = entries.at(i).toArray();
        const auto tl = toInt64(e.at(0));
        const auto lsn = toInt64(e.at(1));
        if (e.size() < 2 || !tl || !lsn)
            return makeError(QStringLiteral("Patroni /history: entry %1 is not [timeline, lsn, …]").arg(i));
        out.append({*tl, *lsn, e.at(2).toString(), e.at(3).toString(), e.at(4).toString()});
    }
    return out;
}

QString PatroniDynamicConfig::synchronousModeText() const
{
    if (!synchronousMode)
        return QStringLiteral("off");
    if (synchronousQuorum)
        return QStringLiteral("quorum");
    return synchronousModeStrict ? QStringLiteral("on (strict)") : QStringLiteral("on");
}

QString PatroniDynamicConfig::describeTimings() const
{
    const bool none = !setsAnyTiming();
    QStringList parts;
    for (const auto &[key, value, set] : {std::tuple{"ttl", effectiveTtl(), ttl.has_value()},
                                          std::tuple{"loop_wait", effectiveLoopWait(), loopWait.has_value()},
                                          std::tuple{"retry_timeout", effectiveRetryTimeout(), retryTimeout.has_value()}})
        parts.append(QStringLiteral("%1 %2 s%3").arg(QLatin1String(key)).arg(value).arg(set || none ? QString() : QStringLiteral(" (Patroni default)")));
    const QString text = parts.join(QStringLiteral(", "));
    return none ? QStringLiteral("Patroni defaults (not set in the DCS): ") + text : text;
}

Result<PatroniDynamicConfig> parsePatroniConfig(const QByteArray &payload)
{
    auto doc = parseDocument(payload, patroniPath(PatroniEndpoint::Config));
    if (!doc)
        return doc.error();
    if (!doc.value().isObject())
        return makeError(QStringLiteral("Patroni /config: the answer is not a JSON object"),
                         QStringLiteral("check the URL points at a Patroni REST API"));
    const QJsonObject o = doc.value().object();
    PatroniDynamicConfig c;
    c.raw = o;
    // Patroni accepts numeric strings in the DCS ("ttl": "30"); so do we. Anything else is an
    // error rather than a silently wrong budget.
    auto timing = [&o](const char *key, std::optional<int> &out) -> std::optional<Error> {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        const auto n = toInt64(v);
        if (!n || *n < 0 || *n > std::numeric_limits<int>::max())
            return makeError(QStringLiteral("Patroni /config: \"%1\" is %2, expected a whole number of seconds")
                                     .arg(QLatin1String(key), typeName(v)));
        out = static_cast<int>(*n);
        return std::nullopt;
    };
    for (const auto &[key, field] : {std::pair{"ttl", &c.ttl}, std::pair{"loop_wait", &c.loopWait},
                                      std::pair{"retry_timeout", &c.retryTimeout}})
        if (auto e = timing(key, *field))
            return *e;
    if (const auto lag = toInt64(o.value(u"maximum_lag_on_failover")))
        c.maximumLagOnFailover = *lag;
    // A boolean, or a string since Patroni 4 ("quorum"; "on"/"off" are accepted too).
    const QJsonValue sync = o.value(u"synchronous_mode");
    if (sync.isString()) {
        const QString text = sync.toString().trimmed().toLower();
        c.synchronousQuorum = text == u"quorum";
        c.synchronousMode = c.synchronousQuorum || text == u"on" || text == u"true";
    } else {
        c.synchronousMode = sync.toBool(false);
    }
    c.synchronousModeStrict = o.value(u"synchronous_mode_strict").toBool(false);
    c.failsafeMode = o.value(u"failsafe_mode").toBool(false);
    const QJsonObject pg = o.value(u"postgresql").toObject();
    c.usePgRewind = pg.value(u"use_pg_rewind").toBool(false);
    c.postgresqlParameters = pg.value(u"parameters").toObject();
    return c;
}

Result<ClusterSnapshot> parsePatroniCluster(const QByteArray &payload)
{
    auto doc = parseDocument(payload, patroniPath(PatroniEndpoint::Cluster));
    if (!doc)
        return doc.error();
    if (!doc.value().isObject())
        return makeError(QStringLiteral("Patroni /cluster: the answer is not a JSON object"),
                         QStringLiteral("check the URL points at a Patroni REST API"));

    const QJsonObject root = doc.value().object();
    const QJsonValue members = root.value(u"members");
    if (!members.isArray())
        return makeError(QStringLiteral("Patroni /cluster: \"members\" is %1, expected an array").arg(typeName(members)),
                         QStringLiteral("check the URL points at a Patroni REST API"));

    ClusterSnapshot snapshot;
    snapshot.scope = root.value(u"scope").toString();
    snapshot.paused = root.value(u"pause").toBool(false);
    if (const QJsonObject sw = root.value(u"scheduled_switchover").toObject(); !sw.isEmpty())
        snapshot.scheduledSwitchover = ClusterSnapshot::ScheduledSwitchover{
                sw.value(u"at").toString(), sw.value(u"from").toString(), sw.value(u"to").toString()};
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
