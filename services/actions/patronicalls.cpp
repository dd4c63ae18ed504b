#include "patronicalls.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace pgha::svc {

namespace {

QUrl endpoint(const QUrl &base, const QString &path)
{
    QUrl u = base;
    u.setPath(path);
    u.setQuery(QString());
    u.setUserInfo(QString());   // credentials travel in HttpSecurity, never in the URL
    return u;
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

const MemberApi *apiOf(const QList<MemberApi> &apis, const QString &name)
{
    for (const auto &a : apis)
        if (a.name == name)
            return &a;
    return nullptr;
}

QString shellQuote(const QString &s)
{
    if (!s.isEmpty() && s.indexOf(QRegularExpression(QStringLiteral("[^A-Za-z0-9_./:=@%+-]"))) < 0)
        return s;
    QString q = s;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

} // namespace

QString scheduleText(const QDateTime &at)
{
    return at.toOffsetFromUtc(at.offsetFromUtc()).toString(Qt::ISODate);
}

Result<QList<PatroniCall>> buildCalls(const ActionRequest &request, const ClusterSnapshot &cluster,
                                      const QList<MemberApi> &apis)
{
    if (apis.isEmpty())
        return makeError(QStringLiteral("no Patroni REST API is known"), QStringLiteral("add a patroni: URL to the profile"));

    // Cluster-wide calls: the leader's API, else the first member that reports itself running.
    const MemberApi *clusterApi = nullptr;
    if (const auto *l = cluster.leader())
        clusterApi = apiOf(apis, l->name);
    if (!clusterApi && !request.candidate.isEmpty())
        clusterApi = apiOf(apis, request.candidate);
    for (const auto &m : cluster.members)
        if (!clusterApi && m.isRunning())
            clusterApi = apiOf(apis, m.name);
    if (!clusterApi)
        clusterApi = &apis.front();

    auto one = [&](const QByteArray &verb, const QString &path, const QByteArray &body) {
        return QList<PatroniCall>{{clusterApi->name, verb, endpoint(clusterApi->base, path), body}};
    };
    auto perMember = [&](const QByteArray &verb, const QString &path,
                         const QByteArray &body) -> Result<QList<PatroniCall>> {
        QStringList targets = request.members;
        if (targets.isEmpty())
            for (const auto &m : cluster.members)
                targets.append(m.name);
        QList<PatroniCall> calls;
        for (const auto &t : targets) {
            const auto *api = apiOf(apis, t);
            if (!api)
                return makeError(QStringLiteral("no REST API known for member \"%1\"").arg(t),
                                 QStringLiteral("check the member name (pgha status lists them)"));
            calls.append({t, verb, endpoint(api->base, path), body});
        }
        if (calls.isEmpty())
            return makeError(QStringLiteral("no member to send the %1 to").arg(actionName(request.kind)));
        return calls;
    };

    switch (request.kind) {
    case ActionKind::Switchover: {
        QJsonObject o{{QStringLiteral("leader"), request.leader}};
        if (!request.candidate.isEmpty())
            o.insert(QStringLiteral("candidate"), request.candidate);
        if (request.isScheduled())
            o.insert(QStringLiteral("scheduled_at"), scheduleText(request.scheduledAt));
        return one("POST", QStringLiteral("/switchover"), json(o));
    }
    case ActionKind::CancelSwitchover:
        return one("DELETE", QStringLiteral("/switchover"), {});
    case ActionKind::Failover:
        return one("POST", QStringLiteral("/failover"), json({{QStringLiteral("candidate"), request.candidate}}));
    case ActionKind::Restart: {
        QJsonObject o;
        if (request.isScheduled())
            o.insert(QStringLiteral("schedule"), scheduleText(request.scheduledAt));
        if (request.pendingOnly)
            o.insert(QStringLiteral("restart_pending"), true);
        return perMember("POST", QStringLiteral("/restart"), json(o));
    }
    case ActionKind::CancelRestart:
        return perMember("DELETE", QStringLiteral("/restart"), {});
    case ActionKind::Reinit:
        if (request.members.isEmpty())
            return makeError(QStringLiteral("reinit needs a member"), QStringLiteral("name the replica to rebuild"));
        return perMember("POST", QStringLiteral("/reinitialize"), json(QJsonObject{}));
    case ActionKind::Reload:
        return perMember("POST", QStringLiteral("/reload"), {});
    case ActionKind::Pause:
        return one("PATCH", QStringLiteral("/config"), json({{QStringLiteral("pause"), true}}));
    case ActionKind::Resume:
        return one("PATCH", QStringLiteral("/config"), json({{QStringLiteral("pause"), false}}));
    case ActionKind::ConfigPatch:
        if (request.configPatch.isEmpty())
            return makeError(QStringLiteral("nothing to change"), QStringLiteral("give at least one KEY=VALUE"));
        return one("PATCH", QStringLiteral("/config"), json(request.configPatch));
    }
    return makeError(QStringLiteral("unknown action"));
}

QString curlCommand(const PatroniCall &call, const QString &username, const QString &caFile)
{
    QStringList parts{QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-X"), QString::fromLatin1(call.verb)};
    if (!username.isEmpty())
        parts << QStringLiteral("-u") << shellQuote(username);
    if (!caFile.isEmpty())
        parts << QStringLiteral("--cacert") << shellQuote(caFile);
    if (!call.body.isEmpty())
        parts << QStringLiteral("-H") << QStringLiteral("'Content-Type: application/json'") << QStringLiteral("-d")
              << shellQuote(QString::fromUtf8(call.body));
    // Defence in depth: whatever URL reaches here, the copyable line never carries user:password@.
    parts << shellQuote(call.url.toString(QUrl::RemoveUserInfo));
    return parts.join(QLatin1Char(' '));
}

QString patronictlCommand(const ActionRequest &r, const QString &scope)
{
    QStringList p{QStringLiteral("patronictl"), QStringLiteral("-c"), QStringLiteral("PATRONI_YML")};
    const QString cluster = shellQuote(scope.isEmpty() ? QStringLiteral("CLUSTER") : scope);
    const auto members = [&] {
        QStringList out;
        for (const auto &m : r.members)
            out << shellQuote(m);
        return out;
    };
    switch (r.kind) {
    case ActionKind::Switchover:
        p << QStringLiteral("switchover") << cluster << QStringLiteral("--leader") << shellQuote(r.leader);
        if (!r.candidate.isEmpty())
            p << QStringLiteral("--candidate") << shellQuote(r.candidate);
        if (r.isScheduled())
            p << QStringLiteral("--scheduled") << scheduleText(r.scheduledAt);
        p << QStringLiteral("--force");
        break;
    case ActionKind::CancelSwitchover:
        p << QStringLiteral("flush") << cluster << QStringLiteral("switchover");
        break;
    case ActionKind::Failover:
        p << QStringLiteral("failover") << cluster << QStringLiteral("--candidate") << shellQuote(r.candidate)
          << QStringLiteral("--force");
        break;
    case ActionKind::Restart:
        p << QStringLiteral("restart") << cluster << members();
        if (r.pendingOnly)
            p << QStringLiteral("--pending");
        if (r.isScheduled())
            p << QStringLiteral("--scheduled") << scheduleText(r.scheduledAt);
        p << QStringLiteral("--force");
        break;
    case ActionKind::CancelRestart:
        p << QStringLiteral("flush") << cluster << members() << QStringLiteral("restart");
        break;
    case ActionKind::Reinit:
        p << QStringLiteral("reinit") << cluster << members() << QStringLiteral("--force");
        break;
    case ActionKind::Reload:
        p << QStringLiteral("reload") << cluster << members() << QStringLiteral("--force");
        break;
    case ActionKind::Pause:
        p << QStringLiteral("pause") << cluster;
        break;
    case ActionKind::Resume:
        p << QStringLiteral("resume") << cluster;
        break;
    case ActionKind::ConfigPatch: {
        p << QStringLiteral("edit-config") << cluster;
        // edit-config takes -s key=value for Patroni settings and -p for PostgreSQL parameters.
        const auto params = r.configPatch.value(u"postgresql").toObject().value(u"parameters").toObject();
        for (auto it = r.configPatch.begin(); it != r.configPatch.end(); ++it) {
            if (it.key() == u"postgresql")
                continue;
            const QString v = it->isNull() ? QStringLiteral("null")
                                           : it->isBool() ? (it->toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                                          : it->toVariant().toString();
            p << QStringLiteral("-s") << shellQuote(it.key() + QLatin1Char('=') + v);
        }
        for (auto it = params.begin(); it != params.end(); ++it)
            p << QStringLiteral("-p") << shellQuote(it.key() + QLatin1Char('=') + (it->isNull() ? QStringLiteral("null") : it->toVariant().toString()));
        p << QStringLiteral("--force");
        break;
    }
    }
    return p.join(QLatin1Char(' '));
}

} // namespace pgha::svc
