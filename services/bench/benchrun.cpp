#include "benchrun.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace pgha::svc {

namespace {
// pgbench's own limits (MAX_SCRIPTS) and what a 2-core lab can sensibly drive.
constexpr int kMaxClients = 10000;
constexpr int kMaxScripts = 128;
constexpr int kMaxDurationS = 7 * 24 * 3600;

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

double ms(qint64 us)
{
    return double(us) / 1000.0;
}
} // namespace

bool BenchWorkload::isBuiltin(const QString &name)
{
    return name == u"tpcb-like" || name == u"simple-update" || name == u"select-only";
}

QString BenchWorkload::problem() const
{
    if (builtin.isEmpty() && scripts.isEmpty())
        return QStringLiteral("no workload: name a built-in one (--builtin tpcb-like|simple-update|select-only) or a script (--file F[@W])");
    if (!builtin.isEmpty() && !isBuiltin(builtin))
        return QStringLiteral("\"%1\" is not a built-in workload: tpcb-like, simple-update or select-only").arg(builtin);
    if (scripts.size() > kMaxScripts)
        return QStringLiteral("at most %1 scripts").arg(kMaxScripts);
    if (clients < 1 || clients > kMaxClients)
        return QStringLiteral("clients must be 1 … %1").arg(kMaxClients);
    if (threads < 1 || threads > clients)
        return QStringLiteral("threads must be 1 … the number of clients (%1): pgbench gives each thread at least one client").arg(clients);
    if (durationS < 1 || durationS > kMaxDurationS)
        return QStringLiteral("the duration must be 1 s … 7 days");
    if (rate && !(*rate > 0))
        return QStringLiteral("the rate (-R) must be above 0 transactions per second");
    if (latencyLimitMs && (!(*latencyLimitMs > 0) || !rate))
        return QStringLiteral("a latency limit (-L) needs a rate (-R) and must be above 0 ms");
    if (!queryMode.isEmpty() && queryMode != u"simple" && queryMode != u"extended" && queryMode != u"prepared")
        return QStringLiteral("query mode \"%1\" is not simple, extended or prepared").arg(queryMode);
    return {};
}

QJsonObject BenchResult::toJson() const
{
    QJsonArray samplesJson;
    for (const BenchSample &s : samples)
        samplesJson.append(QJsonObject{{QStringLiteral("t"), number(s.t)}, {QStringLiteral("tps"), number(s.tps)},
                                       {QStringLiteral("latAvgMs"), number(s.latAvgMs)},
                                       {QStringLiteral("latStddevMs"), number(s.latStddevMs)},
                                       {QStringLiteral("failed"), double(s.failed)}});
    QJsonObject latency;
    if (log.latency) {
        const LatencyPercentiles &l = *log.latency;
        latency = {{QStringLiteral("avg"), l.meanUs / 1000.0}, {QStringLiteral("p50"), ms(l.p50Us)}, {QStringLiteral("p90"), ms(l.p90Us)},
                   {QStringLiteral("p95"), ms(l.p95Us)}, {QStringLiteral("p99"), ms(l.p99Us)}, {QStringLiteral("p999"), ms(l.p999Us)},
                   {QStringLiteral("max"), ms(l.maxUs)}};
        if (lastSummary && lastSummary->latencyStddevMs)
            latency.insert(QStringLiteral("stddev"), number(*lastSummary->latencyStddevMs));
    }
    QJsonObject workloadJson{{QStringLiteral("builtin"), workload.builtin}, {QStringLiteral("scripts"), QJsonArray::fromStringList(workload.scripts)},
                             {QStringLiteral("clients"), workload.clients}, {QStringLiteral("threads"), workload.threads},
                             {QStringLiteral("durationS"), workload.durationS}, {QStringLiteral("queryMode"), workload.queryMode}};
    if (workload.rate)
        workloadJson.insert(QStringLiteral("rate"), *workload.rate);
    if (workload.latencyLimitMs)
        workloadJson.insert(QStringLiteral("latencyLimitMs"), *workload.latencyLimitMs);
    return {{QStringLiteral("id"), id},
            {QStringLiteral("label"), label},
            {QStringLiteral("target"), QJsonObject{{QStringLiteral("name"), target.name}, {QStringLiteral("path"), target.path},
                                                    {QStringLiteral("address"), target.endpoint.describe()}}},
            {QStringLiteral("workload"), workloadJson},
            {QStringLiteral("commandLine"), commandLine},
            {QStringLiteral("pgbenchVersion"), pgbenchVersion},
            {QStringLiteral("startedUtc"), QDateTime::fromMSecsSinceEpoch(startedMs, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("endedUtc"), QDateTime::fromMSecsSinceEpoch(endedMs, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("tps"), number(tps)},
            {QStringLiteral("transactions"), double(transactions)},
            {QStringLiteral("failed"), double(failed)},
            {QStringLiteral("latency"), latency},
            {QStringLiteral("longestGapMs"), number(log.longestGapMs)},
            {QStringLiteral("abortedClients"), abortedClients},
            {QStringLiteral("restarts"), restarts},
            {QStringLiteral("stopped"), stopped},
            {QStringLiteral("error"), error},
            {QStringLiteral("answeredBy"), QJsonArray::fromStringList(answeredBy)},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
            {QStringLiteral("samples"), samplesJson}};
}

} // namespace pgha::svc
