#include "chaos/chaosreport.h"

#include "core/jsonlstore.h"
#include "core/wholenumber.h"
#include "export/csv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pgha::svc {

namespace {
QJsonValue optionalMs(const std::optional<qint64> &v)
{
    return v ? QJsonValue(static_cast<double>(*v)) : QJsonValue(QJsonValue::Null);
}

std::optional<qint64> readOptional(const QJsonValue &v)
{
    return v.isDouble() ? wholeNumber<qint64>(v.toDouble()) : std::nullopt;
}

QString optionalText(const std::optional<qint64> &v)
{
    return v ? QString::number(*v) : QString();
}
} // namespace

const ChaosReport::Phase *ChaosReport::phase(const QString &key) const
{
    for (const auto &p : phases)
        if (p.key == key)
            return &p;
    return nullptr;
}

QString ChaosReport::leaderHistoryText() const
{
    QString t = oldLeader.isEmpty() ? QStringLiteral("?") : oldLeader;
    for (const auto &c : leaderHistory)
        t += QStringLiteral(" → %1 (%2)").arg(c.holder.isEmpty() ? QStringLiteral("none") : c.holder, formatSeconds(c.atMs));
    return t;
}

QJsonObject ChaosReport::toJson() const
{
    QJsonArray phaseArray;
    for (const auto &p : phases)
        phaseArray.append(QJsonObject{{QStringLiteral("key"), p.key}, {QStringLiteral("title"), p.title},
                                      {QStringLiteral("at_ms"), optionalMs(p.atMs)}, {QStringLiteral("detail"), p.detail}});
    QJsonArray expectationArray;
    for (const auto &e : expectations)
        expectationArray.append(QJsonObject{{QStringLiteral("text"), e.text}, {QStringLiteral("passed"), e.passed},
                                            {QStringLiteral("decided_by"), e.decidedBy}});
    QJsonArray eventArray;
    for (const auto &e : events)
        eventArray.append(QJsonObject{{QStringLiteral("at_ms"), static_cast<double>(e.atMs)},
                                      {QStringLiteral("source"), e.source}, {QStringLiteral("text"), e.text}});
    QJsonArray history;
    for (const auto &c : leaderHistory)
        history.append(QJsonObject{{QStringLiteral("at_ms"), static_cast<double>(c.atMs)}, {QStringLiteral("holder"), c.holder}});
    QJsonArray missing;
    for (qint64 id : rpo.missingIds)
        missing.append(static_cast<double>(id));
    return QJsonObject{
        {QStringLiteral("schema"), QLatin1String(kSchema)},
        {QStringLiteral("run_id"), runId},
        {QStringLiteral("fault"), faultId},
        {QStringLiteral("fault_title"), faultTitle},
        {QStringLiteral("fault_what"), faultWhat},
        {QStringLiteral("started_at"), startedAt},
        {QStringLiteral("iteration"), iteration},
        {QStringLiteral("iterations"), iterations},
        {QStringLiteral("lab"), QJsonObject{{QStringLiteral("dir"), labDir}, {QStringLiteral("flavor"), flavor}}},
        {QStringLiteral("cluster"), cluster},
        {QStringLiteral("load"), load ? QJsonValue(load->toJson()) : QJsonValue()},
        {QStringLiteral("environment"), environment.isEmpty() ? QJsonValue() : QJsonValue(environment)},
        {QStringLiteral("timings"),
         QJsonObject{{QStringLiteral("preset"), preset},
                     {QStringLiteral("ttl"), ttl},
                     {QStringLiteral("loop_wait"), loopWait},
                     {QStringLiteral("retry_timeout"), retryTimeout},
                     {QStringLiteral("haproxy_inter_ms"), haproxyInterMs},
                     {QStringLiteral("haproxy_fall"), haproxyFall},
                     {QStringLiteral("haproxy_rise"), haproxyRise},
                     {QStringLiteral("synchronous_mode"), synchronousMode},
                     {QStringLiteral("failsafe_mode"), failsafeMode},
                     {QStringLiteral("paused"), paused}}},
        {QStringLiteral("target"), target},
        {QStringLiteral("old_leader"), oldLeader},
        {QStringLiteral("new_leader"), newLeader},
        {QStringLiteral("old_timeline"), optionalMs(oldTimeline)},
        {QStringLiteral("new_timeline"), optionalMs(newTimeline)},
        {QStringLiteral("rto_ms"), optionalMs(rtoMs)},
        {QStringLiteral("write_gap_ms"), optionalMs(writeGapMs)},
        {QStringLiteral("write_gap_start_ms"), optionalMs(writeGapStartMs)},
        {QStringLiteral("budget_ms"), optionalMs(budgetMs)},
        {QStringLiteral("budget_formula"), budgetFormula},
        {QStringLiteral("undo_at_ms"), optionalMs(undoAtMs)},
        {QStringLiteral("phases"), phaseArray},
        {QStringLiteral("leader_history"), history},
        {QStringLiteral("writes"),
         QJsonObject{{QStringLiteral("sent"), writes.sent},
                     {QStringLiteral("acknowledged"), writes.acknowledged},
                     {QStringLiteral("failed"), writes.failed},
                     {QStringLiteral("interval_ms"), writes.intervalMs},
                     {QStringLiteral("last_error"), writes.lastError}}},
        {QStringLiteral("reads"),
         QJsonObject{{QStringLiteral("attempted"), reads.attempted},
                     {QStringLiteral("succeeded"), reads.succeeded},
                     {QStringLiteral("longest_gap_ms"), reads.longestGapMs >= 0 ? QJsonValue(static_cast<double>(reads.longestGapMs))
                                                                                : QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("answered_by"), QJsonArray::fromStringList(reads.answeredBy)}}},
        {QStringLiteral("rpo"),
         QJsonObject{{QStringLiteral("checked"), rpo.checked},
                     {QStringLiteral("acknowledged"), rpo.acknowledged},
                     {QStringLiteral("missing"), rpo.missing},
                     {QStringLiteral("missing_ids"), missing},
                     {QStringLiteral("lsn_gap_bytes"), optionalMs(rpo.lsnGapBytes)},
                     {QStringLiteral("checked_on"), rpo.checkedOn},
                     {QStringLiteral("note"), rpo.note}}},
        {QStringLiteral("rejoin"),
         QJsonObject{{QStringLiteral("member"), rejoin.member},
                     {QStringLiteral("state"), rejoin.state},
                     {QStringLiteral("ms"), optionalMs(rejoin.ms)},
                     {QStringLiteral("note"), rejoin.note}}},
        {QStringLiteral("reinitialised"), QJsonArray::fromStringList(reinitialised)},
        {QStringLiteral("expectations"), expectationArray},
        {QStringLiteral("verdict"), verdict},
        {QStringLiteral("error"), error},
        {QStringLiteral("events"), eventArray},
    };
}

Result<ChaosReport> ChaosReport::fromJson(const QJsonObject &o)
{
    if (o.value(QStringLiteral("schema")).toString() != QLatin1String(kSchema))
        return makeError(QStringLiteral("not a chaos run (schema \"%1\", expected \"%2\")")
                                 .arg(o.value(QStringLiteral("schema")).toString(), QLatin1String(kSchema)));
    ChaosReport r;
    r.runId = o.value(QStringLiteral("run_id")).toString();
    r.faultId = o.value(QStringLiteral("fault")).toString();
    r.faultTitle = o.value(QStringLiteral("fault_title")).toString();
    r.faultWhat = o.value(QStringLiteral("fault_what")).toString();
    r.startedAt = o.value(QStringLiteral("started_at")).toString();
    r.iteration = o.value(QStringLiteral("iteration")).toInt(1);
    r.iterations = o.value(QStringLiteral("iterations")).toInt(1);
    const QJsonObject lab = o.value(QStringLiteral("lab")).toObject();
    r.labDir = lab.value(QStringLiteral("dir")).toString();
    r.flavor = lab.value(QStringLiteral("flavor")).toString();
    r.cluster = o.value(QStringLiteral("cluster")).toString();
    if (o.value(QStringLiteral("load")).isObject())
        r.load = ChaosLoadReport::fromJson(o.value(QStringLiteral("load")).toObject());
    r.environment = o.value(QStringLiteral("environment")).toObject();
    const QJsonObject t = o.value(QStringLiteral("timings")).toObject();
    r.preset = t.value(QStringLiteral("preset")).toString();
    r.ttl = t.value(QStringLiteral("ttl")).toInt();
    r.loopWait = t.value(QStringLiteral("loop_wait")).toInt();
    r.retryTimeout = t.value(QStringLiteral("retry_timeout")).toInt();
    r.haproxyInterMs = t.value(QStringLiteral("haproxy_inter_ms")).toInt();
    r.haproxyFall = t.value(QStringLiteral("haproxy_fall")).toInt();
    r.haproxyRise = t.value(QStringLiteral("haproxy_rise")).toInt();
    r.synchronousMode = t.value(QStringLiteral("synchronous_mode")).toBool();
    r.failsafeMode = t.value(QStringLiteral("failsafe_mode")).toBool();
    r.paused = t.value(QStringLiteral("paused")).toBool();
    r.target = o.value(QStringLiteral("target")).toString();
    r.oldLeader = o.value(QStringLiteral("old_leader")).toString();
    r.newLeader = o.value(QStringLiteral("new_leader")).toString();
    r.oldTimeline = readOptional(o.value(QStringLiteral("old_timeline")));
    r.newTimeline = readOptional(o.value(QStringLiteral("new_timeline")));
    r.rtoMs = readOptional(o.value(QStringLiteral("rto_ms")));
    r.writeGapMs = readOptional(o.value(QStringLiteral("write_gap_ms")));
    r.writeGapStartMs = readOptional(o.value(QStringLiteral("write_gap_start_ms")));
    r.budgetMs = readOptional(o.value(QStringLiteral("budget_ms")));
    r.budgetFormula = o.value(QStringLiteral("budget_formula")).toString();
    r.undoAtMs = readOptional(o.value(QStringLiteral("undo_at_ms")));
    for (const auto &v : o.value(QStringLiteral("phases")).toArray()) {
        const QJsonObject p = v.toObject();
        r.phases.append({p.value(QStringLiteral("key")).toString(), p.value(QStringLiteral("title")).toString(),
                         readOptional(p.value(QStringLiteral("at_ms"))), p.value(QStringLiteral("detail")).toString()});
    }
    for (const auto &v : o.value(QStringLiteral("leader_history")).toArray()) {
        const QJsonObject c = v.toObject();
        r.leaderHistory.append({readOptional(c.value(QStringLiteral("at_ms"))).value_or(0), c.value(QStringLiteral("holder")).toString()});
    }
    const QJsonObject w = o.value(QStringLiteral("writes")).toObject();
    r.writes = {w.value(QStringLiteral("sent")).toInt(), w.value(QStringLiteral("acknowledged")).toInt(),
                w.value(QStringLiteral("failed")).toInt(), w.value(QStringLiteral("interval_ms")).toInt(),
                w.value(QStringLiteral("last_error")).toString()};
    const QJsonObject rd = o.value(QStringLiteral("reads")).toObject();
    r.reads.attempted = rd.value(QStringLiteral("attempted")).toInt();
    r.reads.succeeded = rd.value(QStringLiteral("succeeded")).toInt();
    r.reads.longestGapMs = readOptional(rd.value(QStringLiteral("longest_gap_ms"))).value_or(-1);
    for (const auto &v : rd.value(QStringLiteral("answered_by")).toArray())
        r.reads.answeredBy.append(v.toString());
    const QJsonObject rpo = o.value(QStringLiteral("rpo")).toObject();
    r.rpo.checked = rpo.value(QStringLiteral("checked")).toBool();
    r.rpo.acknowledged = rpo.value(QStringLiteral("acknowledged")).toInt();
    r.rpo.missing = rpo.value(QStringLiteral("missing")).toInt();
    for (const auto &v : rpo.value(QStringLiteral("missing_ids")).toArray())
        if (const auto id = readOptional(v))
            r.rpo.missingIds.append(*id);
    r.rpo.lsnGapBytes = readOptional(rpo.value(QStringLiteral("lsn_gap_bytes")));
    r.rpo.checkedOn = rpo.value(QStringLiteral("checked_on")).toString();
    r.rpo.note = rpo.value(QStringLiteral("note")).toString();
    const QJsonObject rj = o.value(QStringLiteral("rejoin")).toObject();
    r.rejoin = {rj.value(QStringLiteral("member")).toString(), rj.value(QStringLiteral("state")).toString(),
                readOptional(rj.value(QStringLiteral("ms"))), rj.value(QStringLiteral("note")).toString()};
    for (const auto &v : o.value(QStringLiteral("reinitialised")).toArray())
        r.reinitialised.append(v.toString());
    for (const auto &v : o.value(QStringLiteral("expectations")).toArray()) {
        const QJsonObject e = v.toObject();
        r.expectations.append({e.value(QStringLiteral("text")).toString(), e.value(QStringLiteral("passed")).toBool(),
                               e.value(QStringLiteral("decided_by")).toString()});
    }
    r.verdict = o.value(QStringLiteral("verdict")).toString();
    r.error = o.value(QStringLiteral("error")).toString();
    for (const auto &v : o.value(QStringLiteral("events")).toArray()) {
        const QJsonObject e = v.toObject();
        r.events.append({readOptional(e.value(QStringLiteral("at_ms"))).value_or(0),
                         e.value(QStringLiteral("source")).toString(), e.value(QStringLiteral("text")).toString()});
    }
    return r;
}

QStringList ChaosReport::csvHeader()
{
    return {QStringLiteral("run_id"), QStringLiteral("started_at"), QStringLiteral("fault"), QStringLiteral("iteration"),
            QStringLiteral("verdict"), QStringLiteral("preset"), QStringLiteral("ttl"), QStringLiteral("loop_wait"),
            QStringLiteral("retry_timeout"), QStringLiteral("synchronous_mode"), QStringLiteral("failsafe_mode"),
            QStringLiteral("target"), QStringLiteral("old_leader"), QStringLiteral("new_leader"),
            QStringLiteral("old_timeline"), QStringLiteral("new_timeline"), QStringLiteral("rto_ms"),
            QStringLiteral("write_gap_ms"), QStringLiteral("budget_ms"), QStringLiteral("haproxy_old_down_ms"),
            QStringLiteral("leader_key_gone_ms"), QStringLiteral("new_leader_key_ms"), QStringLiteral("new_primary_200_ms"),
            QStringLiteral("haproxy_new_up_ms"), QStringLiteral("first_write_ms"), QStringLiteral("writes_acknowledged"),
            QStringLiteral("writes_failed"), QStringLiteral("lost_writes"), QStringLiteral("lsn_gap_bytes"),
            QStringLiteral("read_longest_gap_ms"), QStringLiteral("rejoin_state"), QStringLiteral("rejoin_ms"),
            QStringLiteral("error")};
}

QStringList ChaosReport::csvRow() const
{
    auto phaseMs = [this](const char *key) {
        const Phase *p = phase(QLatin1String(key));
        return p ? optionalText(p->atMs) : QString();
    };
    return {runId, startedAt, faultId, QString::number(iteration), verdict, preset, QString::number(ttl),
            QString::number(loopWait), QString::number(retryTimeout), synchronousMode ? QStringLiteral("on") : QStringLiteral("off"),
            failsafeMode ? QStringLiteral("on") : QStringLiteral("off"), target, oldLeader, newLeader,
            optionalText(oldTimeline), optionalText(newTimeline), optionalText(rtoMs), optionalText(writeGapMs),
            optionalText(budgetMs), phaseMs("haproxy_old_down"), phaseMs("leader_key_gone"), phaseMs("new_leader_key"),
            phaseMs("new_primary_200"), phaseMs("haproxy_new_up"), phaseMs("first_write"),
            QString::number(writes.acknowledged), QString::number(writes.failed),
            rpo.checked ? QString::number(rpo.missing) : QString(), optionalText(rpo.lsnGapBytes),
            reads.longestGapMs >= 0 ? QString::number(reads.longestGapMs) : QString(), rejoin.state,
            optionalText(rejoin.ms), error};
}

ChaosSummary::Stats statsOf(QList<qint64> values)
{
    ChaosSummary::Stats s;
    if (values.isEmpty())
        return s;
    std::sort(values.begin(), values.end());
    s.count = static_cast<int>(values.size());
    s.min = values.front();
    s.max = values.back();
    const qsizetype n = values.size();
    s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    // Nearest-rank percentile: the smallest value with at least 95 % of the runs at or below it.
    const qsizetype rank = static_cast<qsizetype>(std::ceil(0.95 * static_cast<double>(n)));
    s.p95 = values[std::clamp<qsizetype>(rank - 1, 0, n - 1)];
    return s;
}

ChaosSummary summarizeRuns(const QList<ChaosReport> &runs)
{
    ChaosSummary s;
    QList<qint64> rto, gap, rejoin;
    for (const auto &r : runs) {
        if (s.faultId.isEmpty())
            s.faultId = r.faultId;
        ++s.runs;
        s.passed += r.passed() ? 1 : 0;
        if (r.rtoMs)
            rto.append(*r.rtoMs);
        if (r.writeGapMs)
            gap.append(*r.writeGapMs);
        if (r.rejoin.ms)
            rejoin.append(*r.rejoin.ms);
        s.lostWrites += r.rpo.checked ? r.rpo.missing : 0;
    }
    s.rto = statsOf(rto);
    s.writeGap = statsOf(gap);
    s.rejoin = statsOf(rejoin);
    return s;
}

QJsonObject summaryToJson(const ChaosSummary &s)
{
    auto stats = [](const ChaosSummary::Stats &st) {
        return QJsonObject{{QStringLiteral("count"), st.count},
                           {QStringLiteral("min_ms"), static_cast<double>(st.min)},
                           {QStringLiteral("median_ms"), static_cast<double>(st.median)},
                           {QStringLiteral("p95_ms"), static_cast<double>(st.p95)},
                           {QStringLiteral("max_ms"), static_cast<double>(st.max)}};
    };
    return QJsonObject{{QStringLiteral("fault"), s.faultId},       {QStringLiteral("runs"), s.runs},
                       {QStringLiteral("passed"), s.passed},       {QStringLiteral("rto"), stats(s.rto)},
                       {QStringLiteral("write_gap"), stats(s.writeGap)}, {QStringLiteral("rejoin"), stats(s.rejoin)},
                       {QStringLiteral("lost_writes"), s.lostWrites}};
}

QString formatSeconds(std::optional<qint64> ms)
{
    if (!ms)
        return QStringLiteral("—");
    return QStringLiteral("%1 s").arg(static_cast<double>(*ms) / 1000.0, 0, 'f', 2);
}

QString reportCardText(const ChaosReport &r)
{
    QString t;
    t += QStringLiteral("%1 — %2 (run %3/%4)\n").arg(r.faultTitle, r.verdict).arg(r.iteration).arg(r.iterations);
    if (!r.error.isEmpty())
        t += QStringLiteral("  error: %1\n").arg(r.error);
    if (!r.cluster.isEmpty() && r.flavor == u"profile")
        t += QStringLiteral("  cluster: %1\n").arg(r.cluster);
    t += QStringLiteral("  timings: %1 (ttl %2, loop_wait %3, retry_timeout %4; HAProxy inter %5 ms fall %6 rise %7); "
                        "synchronous_mode %8, failsafe_mode %9%10\n")
                 .arg(r.flavor == u"profile" ? QStringLiteral("the cluster's")
                                             : r.preset.isEmpty() ? QStringLiteral("custom") : r.preset)
                 .arg(r.ttl).arg(r.loopWait).arg(r.retryTimeout)
                 .arg(r.haproxyInterMs).arg(r.haproxyFall).arg(r.haproxyRise)
                 .arg(r.synchronousMode ? QStringLiteral("on") : QStringLiteral("off"),
                      r.failsafeMode ? QStringLiteral("on") : QStringLiteral("off"),
                      r.paused ? QStringLiteral(", paused") : QString());
    t += QStringLiteral("  target: %1; leader %2 → %3; timeline %4 → %5\n")
                 .arg(r.target, r.oldLeader.isEmpty() ? QStringLiteral("?") : r.oldLeader,
                      r.newLeader.isEmpty() ? QStringLiteral("none") : r.newLeader,
                      r.oldTimeline ? QString::number(*r.oldTimeline) : QStringLiteral("?"),
                      r.newTimeline ? QString::number(*r.newTimeline) : QStringLiteral("?"));
    if (!r.leaderHistory.isEmpty())
        t += QStringLiteral("  leader key: %1\n").arg(r.leaderHistoryText());
    t += QStringLiteral("  RTO %1 (write gap %2%3)%4\n")
                 .arg(formatSeconds(r.rtoMs), formatSeconds(r.writeGapMs),
                      r.writeGapStartMs ? QStringLiteral(" from %1").arg(formatSeconds(r.writeGapStartMs)) : QString(),
                      r.budgetMs ? QStringLiteral("; budget %1 = %2").arg(formatSeconds(r.budgetMs), r.budgetFormula) : QString());
    // In the order they happened; the control planes are polled every 100 ms, so a phase can be
    // seen up to about 0.2 s after it happened.
    QList<ChaosReport::Phase> phases = r.phases;
    std::stable_sort(phases.begin(), phases.end(), [](const auto &a, const auto &b) {
        return a.atMs.value_or(std::numeric_limits<qint64>::max()) < b.atMs.value_or(std::numeric_limits<qint64>::max());
    });
    for (const auto &p : phases)
        t += QStringLiteral("    %1 %2%3\n")
                     .arg(p.atMs ? QStringLiteral("%1").arg(formatSeconds(p.atMs), 9) : QStringLiteral("  not seen"), p.title,
                          p.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(p.detail));
    t += QStringLiteral("  writes: %1 acknowledged, %2 failed (every %3 ms)\n")
                 .arg(r.writes.acknowledged).arg(r.writes.failed).arg(r.writes.intervalMs);
    if (r.rpo.checked)
        t += QStringLiteral("  RPO: %1 of %2 acknowledged writes missing on %3%4%5\n")
                     .arg(r.rpo.missing).arg(r.rpo.acknowledged).arg(r.rpo.checkedOn,
                          r.rpo.lsnGapBytes ? QStringLiteral("; WAL gap %1 bytes").arg(*r.rpo.lsnGapBytes) : QString(),
                          r.rpo.note.isEmpty() ? QString() : QStringLiteral(" — ") + r.rpo.note);
    else if (!r.rpo.note.isEmpty())
        t += QStringLiteral("  RPO: not checked — %1\n").arg(r.rpo.note);
    t += QStringLiteral("  reads on the read-only port: %1 of %2 answered; longest gap %3%4\n")
                 .arg(r.reads.succeeded).arg(r.reads.attempted)
                 .arg(formatSeconds(r.reads.longestGapMs >= 0 ? std::optional<qint64>(r.reads.longestGapMs) : std::nullopt),
                      r.reads.answeredBy.isEmpty() ? QString() : QStringLiteral(" (answered by %1)").arg(r.reads.answeredBy.join(u", ")));
    if (!r.rejoin.state.isEmpty() && r.rejoin.state != u"not_applicable")
        t += QStringLiteral("  rejoin of %1: %2%3%4\n")
                     .arg(r.rejoin.member, r.rejoin.state,
                          r.rejoin.ms ? QStringLiteral(" after %1").arg(formatSeconds(r.rejoin.ms)) : QString(),
                          r.rejoin.note.isEmpty() ? QString() : QStringLiteral(" — ") + r.rejoin.note);
    if (!r.reinitialised.isEmpty())
        t += QStringLiteral("  reinitialised to make the lab healthy again: %1\n").arg(r.reinitialised.join(QStringLiteral(", ")));
    if (r.load)
        for (const QString &line : r.load->cardLines())
            t += QStringLiteral("  ") + line + u'\n';
    for (const auto &e : r.expectations)
        t += QStringLiteral("  [%1] %2 — %3\n").arg(e.passed ? QStringLiteral("PASS") : QStringLiteral("FAIL"), e.text, e.decidedBy);
    return t;
}

QString defaultChaosStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pgha/chaos-runs.jsonl");
}

Result<bool> appendChaosRun(const QString &path, const ChaosReport &run)
{
    return appendJsonLine(path, run.toJson(), QStringLiteral("the chaos run store"));
}

QList<ChaosReport> parseChaosRuns(const QByteArray &jsonl, int *skipped)
{
    QList<ChaosReport> runs;
    int bad = 0;
    for (const QByteArray &raw : jsonl.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const auto doc = QJsonDocument::fromJson(line);
        auto run = doc.isObject() ? ChaosReport::fromJson(doc.object()) : Result<ChaosReport>(makeError(QString()));
        if (run)
            runs.append(run.value());
        else
            ++bad;
    }
    if (skipped)
        *skipped = bad;
    return runs;
}

Result<QList<ChaosReport>> loadChaosRuns(const QString &path, int *skipped)
{
    QFile f(path);
    if (!f.exists()) {
        if (skipped)
            *skipped = 0;
        return QList<ChaosReport>();
    }
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the chaos run store %1: %2").arg(path, f.errorString()));
    return parseChaosRuns(f.readAll(), skipped);
}

Result<bool> exportChaosRuns(const QString &path, const QList<ChaosReport> &runs)
{
    const bool csv = path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
    if (csv) {
        out.write(csvRecord(ChaosReport::csvHeader()));
        for (const auto &r : runs)
            out.write(csvRecord(r.csvRow()));
    } else {
        for (const auto &r : runs)
            out.write(QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact) + '\n');
    }
    if (!out.commit())
        return makeError(QStringLiteral("saving %1 failed: %2").arg(path, out.errorString()));
    return true;
}

} // namespace pgha::svc
