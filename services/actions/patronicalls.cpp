#include "patronicalls.h"

#include "patroni/patroniclient.h"

#include <QRegularExpression>

#include <functional>

namespace pgha::svc {

namespace {

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

    auto one = [&](const PatroniRequest &r) {
        return QList<PatroniCall>{{clusterApi->name, r.verb, r.url, r.body}};
    };
    // The same request to each target member's API.
    auto perMember = [&](const std::function<PatroniRequest(const QUrl &base)> &make) -> Result<QList<PatroniCall>> {
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
            const PatroniRequest r = make(api->base);
            calls.append({t, r.verb, r.url, r.body});
        }
        if (calls.isEmpty())
            return makeError(QStringLiteral("no member to send the %1 to").arg(actionName(request.kind)));
        return calls;
    };
    const QUrl &base = clusterApi->base;
    const QString schedule = request.isScheduled() ? scheduleText(request.scheduledAt) : QString();

    switch (request.kind) {
    case ActionKind::Switchover:
        return one(patronirest::switchover(base, request.leader, request.candidate, schedule));
    case ActionKind::CancelSwitchover:
        return one(patronirest::cancelSwitchover(base));
    case ActionKind::Failover:
        return one(patronirest::failover(base, request.candidate));
    case ActionKind::Restart: {
        const patronirest::RestartOptions options{schedule, request.pendingOnly};
        return perMember([&](const QUrl &b) { return patronirest::restart(b, options); });
    }
    case ActionKind::CancelRestart:
        return perMember([](const QUrl &b) { return patronirest::cancelRestart(b); });
    case ActionKind::Reinit:
        if (request.members.isEmpty())
            return makeError(QStringLiteral("reinit needs a member"), QStringLiteral("name the replica to rebuild"));
        return perMember([](const QUrl &b) { return patronirest::reinitialize(b, false); });
    case ActionKind::Reload:
        return perMember([](const QUrl &b) { return patronirest::reload(b); });
    case ActionKind::Pause:
        return one(patronirest::patchConfig(base, {{QStringLiteral("pause"), true}}));
    case ActionKind::Resume:
        return one(patronirest::patchConfig(base, {{QStringLiteral("pause"), false}}));
    case ActionKind::ConfigPatch:
        if (request.configPatch.isEmpty())
            return makeError(QStringLiteral("nothing to change"), QStringLiteral("give at least one KEY=VALUE"));
        return one(patronirest::patchConfig(base, request.configPatch));
    }
    return makeError(QStringLiteral("unknown action"));
}

bool anyMemberServes(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Switchover:
    case ActionKind::CancelSwitchover:
    case ActionKind::Failover:
    case ActionKind::Pause:
    case ActionKind::Resume:
    case ActionKind::ConfigPatch:
        return true;
    case ActionKind::Restart:
    case ActionKind::CancelRestart:
    case ActionKind::Reinit:
    case ActionKind::Reload:
        return false;
    }
    return false;
}

std::optional<PatroniCall> fallbackCall(ActionKind kind, const PatroniCall &failed, const ClusterSnapshot &cluster,
                                        const QList<MemberApi> &apis, const QSet<QString> &tried)
{
    if (!anyMemberServes(kind))
        return std::nullopt;
    auto usable = [&](const MemberApi &a) { return a.name != failed.member && !tried.contains(a.name); };
    const MemberApi *next = nullptr;
    for (const auto &m : cluster.members)
        if (const auto *a = apiOf(apis, m.name); !next && a && m.isRunning() && usable(*a))
            next = a;
    for (const auto &a : apis)
        if (!next && usable(a))
            next = &a;
    if (!next)
        return std::nullopt;
    // The request's path and query on the other member's API (its base carries no path).
    QUrl url = failed.url;
    url.setScheme(next->base.scheme());
    url.setHost(next->base.host());
    url.setPort(next->base.port());
    return PatroniCall{next->name, failed.verb, url, failed.body};
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
