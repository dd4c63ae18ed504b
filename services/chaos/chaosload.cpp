#include "chaos/chaosload.h"

#include "bench/benchstats.h"
#include "bench/benchtargets.h"
#include "profile/profile.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>

namespace pgha::svc {

namespace {

// The Bench module's median, empty for no values.
std::optional<double> medianOf(const QList<double> &values)
{
    const auto m = median(values);
    return m ? std::optional<double>(m.value()) : std::nullopt;
}

QJsonValue optional(const std::optional<qint64> &v)
{
    return v ? QJsonValue(static_cast<double>(*v)) : QJsonValue();
}

QJsonValue optional(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

std::optional<qint64> readMs(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<qint64>(static_cast<qint64>(v.toDouble())) : std::nullopt;
}

std::optional<double> readDouble(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

QString secondsText(std::optional<qint64> ms)
{
    return ms ? QStringLiteral("%1 s").arg(double(*ms) / 1000.0, 0, 'f', 2) : QStringLiteral("—");
}

QString millis(std::optional<double> ms)
{
    return ms ? QStringLiteral("%1 ms").arg(*ms, 0, 'f', 1) : QStringLiteral("—");
}

} // namespace

QString describeWorkload(const BenchWorkload &w)
{
    QString text = w.builtin.isEmpty() ? w.scripts.join(QStringLiteral(" + ")) : w.builtin;
    text += QStringLiteral(", %1 client%2").arg(w.clients).arg(w.clients == 1 ? QString() : QStringLiteral("s"));
    if (w.rate)
        text += QStringLiteral(", -R %1 tps").arg(*w.rate);
    if (!w.queryMode.isEmpty())
        text += QStringLiteral(", -M %1").arg(w.queryMode);
    return text;
}

namespace {

BenchWorkload workloadOf(const ChaosLoadSpec &spec)
{
    BenchWorkload w;
    if (BenchWorkload::isBuiltin(spec.workload)) {
        w.builtin = spec.workload;
    } else {
        w.builtin.clear();
        w.scripts = {spec.workload};
    }
    w.clients = spec.clients;
    // At most two pgbench threads: the load shares the machine with the cluster it measures.
    w.threads = std::clamp(spec.clients, 1, 2);
    w.rate = spec.rate;
    return w;
}

} // namespace

QString ChaosLoadSpec::problem() const
{
    if (workload.trimmed().isEmpty())
        return QStringLiteral("the load needs a workload: tpcb-like, simple-update, select-only or a script FILE[@WEIGHT]");
    if (clients < 1 || clients > kMaxClients)
        return QStringLiteral("load clients: %1 is not from 1 to %2").arg(clients).arg(kMaxClients);
    if (leadS < kMinLeadS || leadS > kMaxLeadS)
        return QStringLiteral("load lead: %1 s is not from %2 to %3 s").arg(leadS).arg(kMinLeadS).arg(kMaxLeadS);
    if (tailS < 0 || tailS > kMaxTailS)
        return QStringLiteral("load tail: %1 s is not from 0 to %2 s").arg(tailS).arg(kMaxTailS);
    if (rate && !(*rate > 0))
        return QStringLiteral("load rate: transactions per second must be above 0");
    return workloadOf(*this).problem();
}

Result<ChaosLoad> resolveChaosLoad(const ChaosLoadSpec &spec, const Profile &profile)
{
    if (const QString p = spec.problem(); !p.isEmpty())
        return makeError(ErrorKind::Parse, p);
    ChaosLoad load;
    load.workload = workloadOf(spec);
    load.leadS = spec.leadS;
    load.tailS = spec.tailS;
    auto target = resolveBenchTarget(profile, spec.target);
    if (!target)
        return makeError(target.error().kind, QStringLiteral("load target: ") + target.error().message, target.error().hint);
    load.target = target.value();
    return load;
}

ChaosLoadReport analyzeLoad(const BenchResult &result, qint64 faultEpochMs)
{
    ChaosLoadReport r;
    r.workload = describeWorkload(result.workload);
    r.target = result.target.path.isEmpty() ? result.target.name : result.target.path;
    r.pgbenchVersion = result.pgbenchVersion;
    r.committed = result.log.committed;
    r.failed = result.log.failed;
    r.abortedClients = result.abortedClients;
    r.restarts = result.restarts;
    r.error = result.error;

    // Per second, from the -l logs (every transaction, not pgbench's -P rounding).
    const qint64 firstS = result.log.perSecond.isEmpty() ? 0 : result.log.perSecond.front().epochS;
    QList<double> before;
    for (const auto &s : result.log.perSecond) {
        const qint64 atMs = s.epochS * 1000 - faultEpochMs;
        r.seconds.append({atMs, s.committed, s.failed});
        // Whole seconds before the fault, past pgbench's start-up, make the steady state.
        if (atMs + 1000 <= 0 && s.epochS - firstS >= ChaosLoadReport::kSkipFirstSeconds)
            before.append(double(s.committed));
    }
    r.preFaultTps = medianOf(before);

    // Gaps in the per-second list (seconds without any transaction are not in it) count as 0.
    if (r.preFaultTps && *r.preFaultTps > 0) {
        const double enough = *r.preFaultTps * ChaosLoadReport::kRecoveredShare;
        QHash<qint64, qint64> committedAt;
        for (const auto &s : std::as_const(r.seconds))
            committedAt.insert(s.atMs, s.committed);
        for (const auto &s : std::as_const(r.seconds)) {
            if (s.atMs < 0)
                continue;
            bool sustained = true;
            for (int k = 0; k < ChaosLoadReport::kRecoveredSeconds && sustained; ++k)
                sustained = committedAt.value(s.atMs + 1000LL * k, 0) >= enough;
            if (sustained) {
                r.throughputRecoveryMs = s.atMs;
                break;
            }
        }
    }

    // The longest time without a commit, when it ends after the fault (its last commit before
    // may come a little after the injection: a command takes its time to kill).
    if (result.log.longestGapMs > 0) {
        const qint64 startMs = result.log.longestGapStartUs / 1000 - faultEpochMs;
        const auto gap = static_cast<qint64>(result.log.longestGapMs);
        if (startMs + gap > 0) {
            r.gapMs = gap;
            r.gapStartMs = startMs;
        }
    }

    // Latency: pgbench's seconds count from the run's start; t is the end of each.
    QList<double> p99Before, p99After;
    for (const auto &l : result.latencySeconds) {
        if (l.count <= 0)
            continue;
        const qint64 atMs = result.startedMs + static_cast<qint64>((l.t - 1.0) * 1000.0) - faultEpochMs;
        r.latency.append({atMs, l.p99Ms});
        if (atMs + 1000 <= 0 && l.t > ChaosLoadReport::kSkipFirstSeconds)
            p99Before.append(l.p99Ms);
        if (r.throughputRecoveryMs && atMs >= *r.throughputRecoveryMs
            && atMs < *r.throughputRecoveryMs + ChaosLoadReport::kAfterWindowS * 1000LL)
            p99After.append(l.p99Ms);
    }
    r.p99BeforeMs = medianOf(p99Before);
    r.p99AfterMs = medianOf(p99After);
    return r;
}

QJsonObject ChaosLoadReport::toJson() const
{
    QJsonArray perSecond;
    for (const auto &s : seconds)
        perSecond.append(QJsonArray{static_cast<double>(s.atMs), static_cast<double>(s.committed), static_cast<double>(s.failed)});
    QJsonArray p99;
    for (const auto &l : latency)
        p99.append(QJsonArray{static_cast<double>(l.atMs), l.p99Ms});
    return QJsonObject{
        {QStringLiteral("workload"), workload},
        {QStringLiteral("target"), target},
        {QStringLiteral("pgbench_version"), pgbenchVersion},
        {QStringLiteral("pre_fault_tps"), optional(preFaultTps)},
        {QStringLiteral("gap_ms"), optional(gapMs)},
        {QStringLiteral("gap_start_ms"), optional(gapStartMs)},
        {QStringLiteral("throughput_recovery_ms"), optional(throughputRecoveryMs)},
        {QStringLiteral("p99_before_ms"), optional(p99BeforeMs)},
        {QStringLiteral("p99_after_ms"), optional(p99AfterMs)},
        {QStringLiteral("committed"), static_cast<double>(committed)},
        {QStringLiteral("failed"), static_cast<double>(failed)},
        {QStringLiteral("aborted_clients"), abortedClients},
        {QStringLiteral("restarts"), restarts},
        {QStringLiteral("history_rows"), optional(historyRows)},
        {QStringLiteral("lost_transactions"), optional(lostTransactions)},
        {QStringLiteral("unacknowledged_rows"), optional(unacknowledgedRows)},
        {QStringLiteral("error"), error},
        {QStringLiteral("per_second"), perSecond},
        {QStringLiteral("latency_p99"), p99},
    };
}

ChaosLoadReport ChaosLoadReport::fromJson(const QJsonObject &o)
{
    ChaosLoadReport r;
    r.workload = o.value(QStringLiteral("workload")).toString();
    r.target = o.value(QStringLiteral("target")).toString();
    r.pgbenchVersion = o.value(QStringLiteral("pgbench_version")).toString();
    r.preFaultTps = readDouble(o.value(QStringLiteral("pre_fault_tps")));
    r.gapMs = readMs(o.value(QStringLiteral("gap_ms")));
    r.gapStartMs = readMs(o.value(QStringLiteral("gap_start_ms")));
    r.throughputRecoveryMs = readMs(o.value(QStringLiteral("throughput_recovery_ms")));
    r.p99BeforeMs = readDouble(o.value(QStringLiteral("p99_before_ms")));
    r.p99AfterMs = readDouble(o.value(QStringLiteral("p99_after_ms")));
    r.committed = static_cast<qint64>(o.value(QStringLiteral("committed")).toDouble());
    r.failed = static_cast<qint64>(o.value(QStringLiteral("failed")).toDouble());
    r.abortedClients = o.value(QStringLiteral("aborted_clients")).toInt();
    r.restarts = o.value(QStringLiteral("restarts")).toInt();
    r.historyRows = readMs(o.value(QStringLiteral("history_rows")));
    r.lostTransactions = readMs(o.value(QStringLiteral("lost_transactions")));
    r.unacknowledgedRows = readMs(o.value(QStringLiteral("unacknowledged_rows")));
    r.error = o.value(QStringLiteral("error")).toString();
    for (const auto &v : o.value(QStringLiteral("per_second")).toArray()) {
        const QJsonArray a = v.toArray();
        if (a.size() >= 3)
            r.seconds.append({static_cast<qint64>(a.at(0).toDouble()), static_cast<qint64>(a.at(1).toDouble()),
                              static_cast<qint64>(a.at(2).toDouble())});
    }
    for (const auto &v : o.value(QStringLiteral("latency_p99")).toArray()) {
        const QJsonArray a = v.toArray();
        if (a.size() >= 2)
            r.latency.append({static_cast<qint64>(a.at(0).toDouble()), a.at(1).toDouble()});
    }
    return r;
}

QStringList ChaosLoadReport::cardLines() const
{
    QStringList lines;
    lines << QStringLiteral("load: %1 through %2%3").arg(workload, target, error.isEmpty() ? QString() : QStringLiteral(" — ") + error);
    lines << QStringLiteral("  %1 committed, %2 failed, %3 aborted client(s), pgbench restarted %4×; before the fault %5 tps (median)")
                     .arg(committed).arg(failed).arg(abortedClients).arg(restarts)
                     .arg(preFaultTps ? QString::number(*preFaultTps, 'f', 0) : QStringLiteral("—"));
    if (historyRows)
        lines << QStringLiteral("  pgbench_history on the new primary: %1 rows for %2 committed — %3 lost, %4 without a line in pgbench's log")
                         .arg(*historyRows).arg(committed).arg(lostTransactions.value_or(0)).arg(unacknowledgedRows.value_or(0));
    lines << QStringLiteral("  no commit for %1 (from %2); throughput back within 10 % at %3; p99 %4 before, %5 in the minute after")
                     .arg(secondsText(gapMs), secondsText(gapStartMs), secondsText(throughputRecoveryMs), millis(p99BeforeMs), millis(p99AfterMs));
    return lines;
}

} // namespace pgha::svc
