#include "benchrun.h"
#include "core/utctime.h"

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
    if (samplingRate && !(*samplingRate > 0 && *samplingRate <= 1))
        return QStringLiteral("the sampling rate must be above 0 and at most 1 (0.1 logs one transaction in ten)");
    if (!queryMode.isEmpty() && queryMode != u"simple" && queryMode != u"extended" && queryMode != u"prepared")
        return QStringLiteral("query mode \"%1\" is not simple, extended or prepared").arg(queryMode);
    return {};
}

QJsonObject BenchResult::toJson() const
{
    // A 10-hour run has 36,000 seconds: kept as at most kMaxStoredSamples points, each the mean
    // of `step` consecutive seconds (failed transactions summed), so a stored run stays small.
    const qsizetype step = std::max<qsizetype>(1, (samples.size() + kMaxStoredSamples - 1) / kMaxStoredSamples);
    QList<BenchSample> kept;
    for (qsizetype i = 0; i < samples.size(); i += step) {
        BenchSample m;
        const qsizetype end = std::min(samples.size(), i + step);
        for (qsizetype j = i; j < end; ++j) {
            m.tps += samples[j].tps;
            m.latAvgMs += samples[j].latAvgMs;
            m.latStddevMs += samples[j].latStddevMs;
            m.failed += samples[j].failed;
        }
        const double n = double(end - i);
        m.t = samples[i].t;
        m.tps /= n;
        m.latAvgMs /= n;
        m.latStddevMs /= n;
        kept.append(m);
    }
    // Per-second percentiles cannot be averaged: a long run keeps every step-th second of them.
    QJsonArray latencySecondsJson;
    for (qsizetype i = 0; i < latencySeconds.size(); i += step) {
        const BenchLatencySecond &l = latencySeconds[i];
        latencySecondsJson.append(QJsonObject{{QStringLiteral("t"), number(l.t)}, {QStringLiteral("count"), double(l.count)},
                                              {QStringLiteral("p50Ms"), number(l.p50Ms)}, {QStringLiteral("p95Ms"), number(l.p95Ms)},
                                              {QStringLiteral("p99Ms"), number(l.p99Ms)}});
    }
    QJsonArray samplesJson;
    for (const BenchSample &s : kept)
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
    if (workload.samplingRate)
        workloadJson.insert(QStringLiteral("samplingRate"), *workload.samplingRate);
    QJsonArray histogramJson;
    for (const HistogramBin &b : latencyHistogram)
        histogramJson.append(QJsonObject{{QStringLiteral("upToMs"), b.upToMs}, {QStringLiteral("count"), double(b.count)}});
    return {{QStringLiteral("schema"), QStringLiteral("pgha.bench.run/1")},
            {QStringLiteral("id"), id},
            {QStringLiteral("series"), series},
            {QStringLiteral("repetition"), repetition},
            {QStringLiteral("warmupS"), warmupS},
            {QStringLiteral("cache"), cold ? QStringLiteral("cold") : QStringLiteral("warm")},
            {QStringLiteral("tpsSource"), tpsSource},
            {QStringLiteral("loadGenerator"), QJsonObject{{QStringLiteral("cpuAvgPercent"), number(loadGenCpuAvg)},
                                                          {QStringLiteral("cpuMaxPercent"), number(loadGenCpuMax)},
                                                          {QStringLiteral("logBytesMax"), double(logBytesMax)}}},
            {QStringLiteral("latencyHistogram"), histogramJson},
            {QStringLiteral("manifest"), manifest},
            {QStringLiteral("label"), label},
            {QStringLiteral("target"), QJsonObject{{QStringLiteral("name"), target.name}, {QStringLiteral("path"), target.path},
                                                    {QStringLiteral("address"), target.endpoint.describe()}}},
            {QStringLiteral("workload"), workloadJson},
            {QStringLiteral("commandLine"), commandLine},
            {QStringLiteral("pgbenchVersion"), pgbenchVersion},
            {QStringLiteral("startedUtc"), utcFromMs(startedMs).toString(Qt::ISODateWithMs)},
            {QStringLiteral("endedUtc"), utcFromMs(endedMs).toString(Qt::ISODateWithMs)},
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
            {QStringLiteral("samplesStepS"), int(step)},
            {QStringLiteral("latencySeconds"), latencySecondsJson},
            {QStringLiteral("samples"), samplesJson}};
}

BenchResult BenchResult::fromJson(const QJsonObject &o)
{
    BenchResult r;
    r.id = o.value(u"id").toString();
    r.label = o.value(u"label").toString();
    r.series = o.value(u"series").toString();
    r.repetition = o.value(u"repetition").toInt();
    r.warmupS = o.value(u"warmupS").toInt();
    r.cold = o.value(u"cache").toString() == u"cold";
    const QJsonObject t = o.value(u"target").toObject();
    r.target.name = t.value(u"name").toString();
    r.target.path = t.value(u"path").toString();
    const QJsonObject w = o.value(u"workload").toObject();
    r.workload.builtin = w.value(u"builtin").toString();
    r.workload.scripts.clear();
    for (const QJsonValue &v : w.value(u"scripts").toArray())
        r.workload.scripts.append(v.toString());
    r.workload.clients = w.value(u"clients").toInt(1);
    r.workload.threads = w.value(u"threads").toInt(1);
    r.workload.durationS = w.value(u"durationS").toInt();
    r.workload.queryMode = w.value(u"queryMode").toString();
    if (w.contains(u"rate"))
        r.workload.rate = w.value(u"rate").toDouble();
    if (w.contains(u"latencyLimitMs"))
        r.workload.latencyLimitMs = w.value(u"latencyLimitMs").toDouble();
    if (w.contains(u"samplingRate"))
        r.workload.samplingRate = w.value(u"samplingRate").toDouble();
    r.commandLine = o.value(u"commandLine").toString();
    r.pgbenchVersion = o.value(u"pgbenchVersion").toString();
    r.startedMs = QDateTime::fromString(o.value(u"startedUtc").toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
    r.endedMs = QDateTime::fromString(o.value(u"endedUtc").toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
    r.tps = o.value(u"tps").toDouble();
    r.tpsSource = o.value(u"tpsSource").toString();
    r.transactions = qint64(o.value(u"transactions").toDouble());
    r.failed = qint64(o.value(u"failed").toDouble());
    const QJsonObject l = o.value(u"latency").toObject();
    if (!l.isEmpty()) {
        auto us = [&l](const char *key) { return qRound64(l.value(QLatin1String(key)).toDouble() * 1000.0); };
        LatencyPercentiles p;
        p.meanUs = l.value(u"avg").toDouble() * 1000.0;
        p.p50Us = us("p50");
        p.p90Us = us("p90");
        p.p95Us = us("p95");
        p.p99Us = us("p99");
        p.p999Us = us("p999");
        p.maxUs = us("max");
        r.log.latency = p;
    }
    r.log.committed = r.transactions;
    r.log.failed = r.failed;
    r.log.longestGapMs = o.value(u"longestGapMs").toDouble();
    r.abortedClients = o.value(u"abortedClients").toInt();
    r.restarts = o.value(u"restarts").toInt();
    r.stopped = o.value(u"stopped").toBool();
    r.error = o.value(u"error").toString();
    for (const QJsonValue &v : o.value(u"answeredBy").toArray())
        r.answeredBy.append(v.toString());
    for (const QJsonValue &v : o.value(u"warnings").toArray())
        r.warnings.append(v.toString());
    for (const QJsonValue &v : o.value(u"samples").toArray()) {
        const QJsonObject so = v.toObject();
        r.samples.append({so.value(u"t").toDouble(), so.value(u"tps").toDouble(), so.value(u"latAvgMs").toDouble(),
                          so.value(u"latStddevMs").toDouble(), qint64(so.value(u"failed").toDouble())});
    }
    for (const QJsonValue &v : o.value(u"latencySeconds").toArray()) {
        const QJsonObject lo = v.toObject();
        r.latencySeconds.append({lo.value(u"t").toDouble(), qint64(lo.value(u"count").toDouble()), lo.value(u"p50Ms").toDouble(),
                                 lo.value(u"p95Ms").toDouble(), lo.value(u"p99Ms").toDouble()});
    }
    for (const QJsonValue &v : o.value(u"latencyHistogram").toArray())
        r.latencyHistogram.append({v.toObject().value(u"upToMs").toDouble(), qint64(v.toObject().value(u"count").toDouble())});
    r.manifest = o.value(u"manifest").toObject();
    const QJsonObject lg = o.value(u"loadGenerator").toObject();
    r.loadGenCpuAvg = lg.value(u"cpuAvgPercent").toDouble();
    r.loadGenCpuMax = lg.value(u"cpuMaxPercent").toDouble();
    r.logBytesMax = qint64(lg.value(u"logBytesMax").toDouble());
    return r;
}

QString BenchResult::configurationKey() const
{
    const QString optional = QStringLiteral("R%1|L%2|S%3")
                                 .arg(workload.rate ? QString::number(*workload.rate) : QString(),
                                      workload.latencyLimitMs ? QString::number(*workload.latencyLimitMs) : QString(),
                                      workload.samplingRate ? QString::number(*workload.samplingRate) : QString());
    return QStringList{target.name, workload.builtin, workload.scripts.join(QLatin1Char(',')), QString::number(workload.clients),
                       QString::number(workload.threads), QString::number(workload.durationS), workload.queryMode, optional,
                       cold ? QStringLiteral("cold") : QStringLiteral("warm")}
        .join(QLatin1Char('|'));
}

QString BenchResult::configurationText() const
{
    QString text = QStringLiteral("%1 · %2 · c%3 j%4 · %5 s")
                       .arg(target.name, workload.builtin.isEmpty() ? workload.scripts.join(QLatin1Char(' ')) : workload.builtin)
                       .arg(workload.clients)
                       .arg(workload.threads)
                       .arg(workload.durationS);
    if (workload.rate)
        text += QStringLiteral(" · R %1").arg(*workload.rate);
    if (!workload.queryMode.isEmpty())
        text += QStringLiteral(" · -M ") + workload.queryMode;
    if (cold)
        text += QStringLiteral(" · cold");
    return text;
}

} // namespace pgha::svc
