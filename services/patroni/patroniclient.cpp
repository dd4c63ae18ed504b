// The one file that spells Patroni's REST paths, builds its requests and reads its answers.
#include "patroniclient.h"

#include "core/logging.h"
#include "patroni/patroniparser.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace pgha::svc {

QString patroniPath(PatroniEndpoint endpoint)
{
    switch (endpoint) {
    case PatroniEndpoint::Cluster: return QStringLiteral("/cluster");
    case PatroniEndpoint::Config: return QStringLiteral("/config");
    case PatroniEndpoint::Patroni: return QStringLiteral("/patroni");
    case PatroniEndpoint::History: return QStringLiteral("/history");
    case PatroniEndpoint::Primary: return QStringLiteral("/primary");
    case PatroniEndpoint::Replica: return QStringLiteral("/replica");
    case PatroniEndpoint::Health: return QStringLiteral("/health");
    case PatroniEndpoint::Switchover: return QStringLiteral("/switchover");
    case PatroniEndpoint::Failover: return QStringLiteral("/failover");
    case PatroniEndpoint::Restart: return QStringLiteral("/restart");
    case PatroniEndpoint::Reinitialize: return QStringLiteral("/reinitialize");
    case PatroniEndpoint::Reload: return QStringLiteral("/reload");
    }
    return QStringLiteral("/");
}

QUrl patroniUrl(const QUrl &base, PatroniEndpoint endpoint)
{
    QUrl u = base;
    u.setPath(patroniPath(endpoint));
    u.setQuery(QString());
    u.setUserInfo(QString());
    return u;
}

namespace patronirest {

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

PatroniRequest request(const QByteArray &verb, const QUrl &base, PatroniEndpoint endpoint, const QByteArray &body = {})
{
    return PatroniRequest{verb, patroniUrl(base, endpoint), body};
}

// A parser's error is about the answer's content: kind Parse, whatever the parser said.
template <typename T>
Result<T> parsed(Result<T> r)
{
    if (r)
        return r;
    Error e = r.error();
    e.kind = ErrorKind::Parse;
    return e;
}

} // namespace

QString who(const MemberApi &api)
{
    if (!api.name.isEmpty())
        return api.name + QStringLiteral("'s REST API");
    QUrl where = api.base;
    where.setUserInfo(QString());
    return QStringLiteral("the REST API at %1").arg(authorityOf(where));
}

PatroniRequest read(const QUrl &base, PatroniEndpoint endpoint)
{
    return request("GET", base, endpoint);
}

PatroniRequest roleCheck(const QUrl &base, PatroniEndpoint endpoint)
{
    return request("OPTIONS", base, endpoint);
}

PatroniRequest patchConfig(const QUrl &base, const QJsonObject &patch)
{
    return request("PATCH", base, PatroniEndpoint::Config, json(patch));
}

PatroniRequest switchover(const QUrl &base, const QString &leader, const QString &candidate, const QString &scheduledAt)
{
    QJsonObject o{{QStringLiteral("leader"), leader}};
    if (!candidate.isEmpty())
        o.insert(QStringLiteral("candidate"), candidate);
    if (!scheduledAt.isEmpty())
        o.insert(QStringLiteral("scheduled_at"), scheduledAt);
    return request("POST", base, PatroniEndpoint::Switchover, json(o));
}

PatroniRequest cancelSwitchover(const QUrl &base)
{
    return request("DELETE", base, PatroniEndpoint::Switchover);
}

PatroniRequest failover(const QUrl &base, const QString &candidate)
{
    return request("POST", base, PatroniEndpoint::Failover, json({{QStringLiteral("candidate"), candidate}}));
}

PatroniRequest restart(const QUrl &base, const RestartOptions &options)
{
    QJsonObject o;
    if (!options.schedule.isEmpty())
        o.insert(QStringLiteral("schedule"), options.schedule);
    if (options.pendingOnly)
        o.insert(QStringLiteral("restart_pending"), true);
    return request("POST", base, PatroniEndpoint::Restart, json(o));
}

PatroniRequest cancelRestart(const QUrl &base)
{
    return request("DELETE", base, PatroniEndpoint::Restart);
}

PatroniRequest reinitialize(const QUrl &base, bool force)
{
    QJsonObject o;
    if (force)
        o.insert(QStringLiteral("force"), true);
    return request("POST", base, PatroniEndpoint::Reinitialize, json(o));
}

PatroniRequest reload(const QUrl &base)
{
    return request("POST", base, PatroniEndpoint::Reload);
}

Error failure(const HttpResult &r, const QString &who)
{
    return httpError(r, who);
}

namespace {
// A 2xx read by `parse`; anything else the failure it is.
template <typename T>
Result<T> readWith(const HttpResult &r, const QString &who, Result<T> (*parse)(const QByteArray &))
{
    if (!r.isSuccess())
        return failure(r, who);
    return parsed(parse(r.body));
}
} // namespace

Result<ClusterSnapshot> readCluster(const HttpResult &r, const QString &who)
{
    auto snapshot = readWith(r, who, &parsePatroniCluster);
    if (snapshot) {
        snapshot.value().sourceUrl = r.url.toString();
        snapshot.value().fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
    }
    return snapshot;
}

Result<PatroniDynamicConfig> readConfig(const HttpResult &r, const QString &who)
{
    return readWith(r, who, &parsePatroniConfig);
}

Result<PatroniNodeStatus> readStatus(const HttpResult &r, const QString &who)
{
    return readWith(r, who, &parsePatroniStatus);
}

Result<QList<TimelineSwitch>> readHistory(const HttpResult &r, const QString &who)
{
    return readWith(r, who, &parsePatroniHistory);
}

Result<PatroniAnswer> readAnswer(const HttpResult &r, const QString &who)
{
    if (!r.isSuccess())
        return failure(r, who);
    return PatroniAnswer{r.status, r.body};
}

Result<int> readRoleCheck(const HttpResult &r, const QString &who)
{
    if (!r.transportOk())
        return failure(r, who);
    return r.status;
}

} // namespace patronirest

template <typename T>
void PatroniClient::exchange(const MemberApi &api, const PatroniRequest &request, int timeoutMs, QObject *context,
                             Result<T> (*read)(const HttpResult &, const QString &), PatroniDone<T> done) const
{
    const QString who = patronirest::who(api);
    if (!request.url.isValid() || request.url.host().isEmpty()) {
        // Still asynchronous: callers rely on the completion never running inside the call.
        HttpResult none;
        none.url = request.url;
        none.error = QStringLiteral("no URL is known for %1").arg(who);
        none.failure = HttpResult::Failure::Setup;
        PatroniReply<T> reply{makeError(ErrorKind::NotFound, none.error,
                                        QStringLiteral("check the member name and the profile's patroni: URLs")),
                              none};
        QPointer<QObject> guard(context);
        const bool guarded = context != nullptr;
        QTimer::singleShot(0, m_http, [guard, guarded, reply = std::move(reply), done = std::move(done)] {
            if (!guarded || guard)
                done(reply);
        });
        return;
    }
    qCDebug(lcPatroni) << request.verb << request.url.toString();
    auto complete = [who, read, done = std::move(done)](const HttpResult &r) { done(PatroniReply<T>{read(r, who), r}); };
    if (request.verb == "GET" && request.body.isEmpty())
        m_http->get(request.url, timeoutMs, context, std::move(complete));
    else
        m_http->send(request.verb, request.url, request.body, timeoutMs, context, std::move(complete));
}

void PatroniClient::cluster(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<ClusterSnapshot> done) const
{
    exchange(api, patronirest::read(api.base, PatroniEndpoint::Cluster), timeoutMs, context, &patronirest::readCluster,
             std::move(done));
}

void PatroniClient::config(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<PatroniDynamicConfig> done) const
{
    exchange(api, patronirest::read(api.base, PatroniEndpoint::Config), timeoutMs, context, &patronirest::readConfig,
             std::move(done));
}

void PatroniClient::member(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<PatroniNodeStatus> done) const
{
    exchange(api, patronirest::read(api.base, PatroniEndpoint::Patroni), timeoutMs, context, &patronirest::readStatus,
             std::move(done));
}

void PatroniClient::history(const MemberApi &api, int timeoutMs, QObject *context,
                            PatroniDone<QList<TimelineSwitch>> done) const
{
    exchange(api, patronirest::read(api.base, PatroniEndpoint::History), timeoutMs, context, &patronirest::readHistory,
             std::move(done));
}

void PatroniClient::roleCheck(const MemberApi &api, PatroniEndpoint check, int timeoutMs, QObject *context,
                              PatroniDone<int> done) const
{
    exchange(api, patronirest::roleCheck(api.base, check), timeoutMs, context, &patronirest::readRoleCheck,
             std::move(done));
}

void PatroniClient::patchConfig(const MemberApi &api, const QJsonObject &patch, int timeoutMs, QObject *context,
                                PatroniDone<PatroniAnswer> done) const
{
    exchange(api, patronirest::patchConfig(api.base, patch), timeoutMs, context, &patronirest::readAnswer, std::move(done));
}

void PatroniClient::switchover(const MemberApi &api, const QString &leader, const QString &candidate,
                               const QString &scheduledAt, int timeoutMs, QObject *context,
                               PatroniDone<PatroniAnswer> done) const
{
    exchange(api, patronirest::switchover(api.base, leader, candidate, scheduledAt), timeoutMs, context,
             &patronirest::readAnswer, std::move(done));
}

void PatroniClient::failover(const MemberApi &api, const QString &candidate, int timeoutMs, QObject *context,
                             PatroniDone<PatroniAnswer> done) const
{
    exchange(api, patronirest::failover(api.base, candidate), timeoutMs, context, &patronirest::readAnswer,
             std::move(done));
}

void PatroniClient::restart(const MemberApi &api, const patronirest::RestartOptions &options, int timeoutMs,
                            QObject *context, PatroniDone<PatroniAnswer> done) const
{
    exchange(api, patronirest::restart(api.base, options), timeoutMs, context, &patronirest::readAnswer, std::move(done));
}

void PatroniClient::reinitialize(const MemberApi &api, bool force, int timeoutMs, QObject *context,
                                 PatroniDone<PatroniAnswer> done) const
{
    exchange(api, patronirest::reinitialize(api.base, force), timeoutMs, context, &patronirest::readAnswer,
             std::move(done));
}

void PatroniClient::reload(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<PatroniAnswer> done) const
{
    exchange(api, patronirest::reload(api.base), timeoutMs, context, &patronirest::readAnswer, std::move(done));
}

void PatroniClient::send(const QString &member, const PatroniRequest &request, int timeoutMs, QObject *context,
                         PatroniDone<PatroniAnswer> done) const
{
    exchange(MemberApi{member, request.url}, request, timeoutMs, context, &patronirest::readAnswer, std::move(done));
}

} // namespace pgha::svc
