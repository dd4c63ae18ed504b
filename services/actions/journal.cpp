#include "journal.h"

#include "actions/actionrunner.h"
#include "core/utctime.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

namespace pgha::svc {

namespace {

constexpr int kMaxBodyChars = 2000;

QJsonObject snapshotJson(const ClusterSnapshot &c)
{
    QJsonArray members;
    for (const auto &m : c.members) {
        QJsonObject o{{QStringLiteral("name"), m.name}, {QStringLiteral("role"), roleName(m.role)}, {QStringLiteral("state"), m.state}};
        if (m.timeline)
            o.insert(QStringLiteral("timeline"), *m.timeline);
        if (m.lag.kind == MemberLag::Kind::Bytes)
            o.insert(QStringLiteral("lagBytes"), m.lag.bytes);
        if (m.pendingRestart)
            o.insert(QStringLiteral("pendingRestart"), true);
        members.append(o);
    }
    QJsonObject out{{QStringLiteral("members"), members}, {QStringLiteral("paused"), c.paused}};
    if (c.fetchedAtMs > 0)
        out.insert(QStringLiteral("at"), utcFromMs(c.fetchedAtMs).toString(Qt::ISODateWithMs));
    return out;
}

QJsonValue ms(qint64 v)
{
    return v < 0 ? QJsonValue() : QJsonValue(v);
}

} // namespace

Journal::Journal(QString path) : m_path(std::move(path)) {}

QString Journal::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pgha/journal.jsonl");
}

Result<bool> Journal::append(const QJsonObject &entry) const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile f(m_path);
    if (!f.open(QIODevice::Append | QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot append to the journal %1: %2").arg(m_path, f.errorString()),
                         QStringLiteral("check the permissions of that directory"));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    // One write call per line: a concurrent reader never sees half an entry.
    const QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    if (f.write(line) != line.size() || !f.flush())
        return makeError(QStringLiteral("writing the journal %1 failed: %2").arg(m_path, f.errorString()));
    return true;
}

Result<QList<QJsonObject>> Journal::read(int *damagedLines) const
{
    QFile f(m_path);
    if (!f.exists())
        return QList<QJsonObject>();
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the journal %1: %2").arg(m_path, f.errorString()));
    return parse(f.readAll(), damagedLines);
}

QList<QJsonObject> Journal::parse(const QByteArray &jsonl, int *damagedLines)
{
    QList<QJsonObject> out;
    int damaged = 0;
    for (const QByteArray &raw : jsonl.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const auto doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            out.append(doc.object());
        else
            ++damaged;
    }
    if (damagedLines)
        *damagedLines = damaged;
    return out;
}

Result<bool> Journal::exportTo(const QString &file) const
{
    auto entries = read();
    if (!entries)
        return entries.error();
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot write %1: %2").arg(file, out.errorString()));
    for (const auto &e : entries.value())
        out.write(QJsonDocument(e).toJson(QJsonDocument::Compact) + '\n');
    if (!out.commit())
        return makeError(QStringLiteral("saving %1 failed: %2").arg(file, out.errorString()));
    return true;
}

QJsonObject journalEntry(const ActionRunner &runner, const JournalContext &ctx)
{
    const auto &r = runner.request();
    const auto &o = runner.outcome();
    QJsonArray requests;
    for (qsizetype i = 0; i < runner.calls().size(); ++i) {
        const auto &call = runner.calls()[i];
        QJsonObject q{{QStringLiteral("member"), call.member}, {QStringLiteral("method"), QString::fromLatin1(call.verb)},
                      {QStringLiteral("url"), call.url.toString(QUrl::RemoveUserInfo)},
                      {QStringLiteral("body"), QString::fromUtf8(call.body)},
                      {QStringLiteral("curl"), curlCommand(call, ctx.restUsername, ctx.caFile)}};
        if (i < runner.responses().size()) {
            const auto &resp = runner.responses()[i];
            q.insert(QStringLiteral("response"),
                     QJsonObject{{QStringLiteral("status"), resp.status},
                                 {QStringLiteral("body"), QString::fromUtf8(resp.body).left(kMaxBodyChars)},
                                 {QStringLiteral("error"), resp.error},
                                 {QStringLiteral("elapsedMs"), resp.elapsedMs}});
        }
        requests.append(q);
    }
    QJsonArray steps;
    for (const auto &s : o.steps)
        steps.append(QJsonObject{{QStringLiteral("title"), s.title}, {QStringLiteral("state"), stepStateName(s.state)},
                                 {QStringLiteral("detail"), s.detail}, {QStringLiteral("elapsedMs"), ms(s.elapsedMs)}});
    QJsonObject preflight{{QStringLiteral("allowed"), runner.preflight().allowed},
                          {QStringLiteral("blockers"), QJsonArray::fromStringList(runner.preflight().blockers)},
                          {QStringLiteral("warnings"), QJsonArray::fromStringList(runner.preflight().warnings)},
                          {QStringLiteral("expected"), runner.preflight().expected}};
    QJsonArray candidates;
    for (const auto &c : runner.preflight().candidates)
        candidates.append(QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("eligible"), c.eligible},
                                      {QStringLiteral("reasons"), QJsonArray::fromStringList(c.reasons)}});
    preflight.insert(QStringLiteral("candidates"), candidates);
    QStringList targets = r.members;
    if (!r.candidate.isEmpty())
        targets << r.candidate;
    return {
        {QStringLiteral("time"), (runner.startedAt().isValid() ? runner.startedAt() : QDateTime::currentDateTimeUtc()).toString(Qt::ISODateWithMs)},
        {QStringLiteral("profile"), ctx.profile},
        {QStringLiteral("profileKind"), ctx.profileKind},
        {QStringLiteral("scope"), ctx.scope},
        {QStringLiteral("action"), actionName(r.kind)},
        {QStringLiteral("target"), QJsonArray::fromStringList(targets)},
        {QStringLiteral("leaderBefore"), r.leader},
        {QStringLiteral("scheduledAt"), r.isScheduled() ? scheduleText(r.scheduledAt) : QString()},
        {QStringLiteral("reason"), r.reason},
        {QStringLiteral("patronictl"), patronictlCommand(r, ctx.scope)},
        {QStringLiteral("preflight"), preflight},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("before"), snapshotJson(runner.before())},
        {QStringLiteral("after"), snapshotJson(runner.after())},
        {QStringLiteral("outcome"),
         QJsonObject{{QStringLiteral("result"), ActionOutcome::resultName(o.result)},
                     {QStringLiteral("summary"), o.summary},
                     {QStringLiteral("newLeader"), o.newLeader},
                     {QStringLiteral("newTimeline"), o.newTimeline < 0 ? QJsonValue() : QJsonValue(o.newTimeline)},
                     {QStringLiteral("requestMs"), ms(o.requestMs)},
                     {QStringLiteral("timeToNewLeaderMs"), ms(o.timeToNewLeaderMs)},
                     {QStringLiteral("convergedMs"), ms(o.convergedMs)},
                     {QStringLiteral("writeGapMs"), ms(o.writeGapMs)},
                     {QStringLiteral("writesAcknowledged"), o.writesAcknowledged},
                     {QStringLiteral("writesFailed"), o.writesFailed},
                     {QStringLiteral("steps"), steps}}},
    };
}

} // namespace pgha::svc
