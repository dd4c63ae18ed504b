#include "labstate.h"

#include "process/procutil.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace pgha::svc {

namespace {
const QList<std::pair<LabState::Phase, QString>> &phaseNames()
{
    static const QList<std::pair<LabState::Phase, QString>> names = {
        {LabState::Phase::Starting, QStringLiteral("starting")}, {LabState::Phase::Running, QStringLiteral("running")},
        {LabState::Phase::Stopping, QStringLiteral("stopping")}, {LabState::Phase::Stopped, QStringLiteral("stopped")},
        {LabState::Phase::Failed, QStringLiteral("failed")}};
    return names;
}

LabComponentKind kindFromName(const QString &s)
{
    for (auto k : kAllLabComponentKinds)
        if (kindName(k) == s)
            return k;
    return LabComponentKind::Etcd;
}
} // namespace

QString LabState::phaseName(Phase p)
{
    for (const auto &[phase, name] : phaseNames())
        if (phase == p)
            return name;
    return QStringLiteral("unknown");
}

LabState::Process *LabState::process(const QString &name)
{
    for (auto &p : processes)
        if (p.name == name)
            return &p;
    return nullptr;
}

const LabState::Process *LabState::process(const QString &name) const
{
    return const_cast<LabState *>(this)->process(name);
}

int LabState::aliveCount() const
{
    int n = 0;
    for (const auto &p : processes)
        n += proc::isAlive(p.pid, p.startTicks) ? 1 : 0;
    return n;
}

QByteArray LabState::toJson() const
{
    QJsonArray procs;
    for (const auto &p : processes)
        procs.append(QJsonObject{{QStringLiteral("name"), p.name},
                                 {QStringLiteral("kind"), kindName(p.kind)},
                                 {QStringLiteral("pid"), p.pid},
                                 {QStringLiteral("startTicks"), QString::number(p.startTicks)},
                                 {QStringLiteral("pgid"), p.pgid},
                                 {QStringLiteral("logFile"), p.logFile},
                                 {QStringLiteral("dataDir"), p.dataDir},
                                 {QStringLiteral("container"), p.container}});
    const QJsonObject root{
        {QStringLiteral("version"), version},
        {QStringLiteral("flavor"), flavor},
        {QStringLiteral("phase"), phaseName(phase)},
        {QStringLiteral("controllerPid"), controllerPid},
        {QStringLiteral("updatedAtMs"), QString::number(updatedAtMs)},
        {QStringLiteral("lastError"), lastError},
        {QStringLiteral("config"), config.toJson()},
        {QStringLiteral("secrets"), QJsonObject{{QStringLiteral("superuser"), secrets.superuser},
                                                {QStringLiteral("replication"), secrets.replication},
                                                {QStringLiteral("rewind"), secrets.rewind},
                                                {QStringLiteral("restApi"), secrets.restApi}}},
        {QStringLiteral("processes"), procs}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<LabState> LabState::fromJson(const QByteArray &json, const QString &labDir)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(QStringLiteral("the lab state file in %1 is damaged (%2)").arg(labDir, err.errorString()),
                         QStringLiteral("stop any lab processes by hand, then start with --wipe"));
    const QJsonObject o = doc.object();
    LabState s;
    s.version = o.value(u"version").toInt(1);
    s.flavor = o.value(u"flavor").toString(s.flavor);
    const QString phase = o.value(u"phase").toString();
    for (const auto &[p, name] : phaseNames())
        if (name == phase)
            s.phase = p;
    s.controllerPid = o.value(u"controllerPid").toInteger();
    s.updatedAtMs = o.value(u"updatedAtMs").toString().toLongLong();
    s.lastError = o.value(u"lastError").toString();
    s.config = LabConfig::fromJson(o.value(u"config").toObject(), labDir);
    const QJsonObject sec = o.value(u"secrets").toObject();
    s.secrets = {sec.value(u"superuser").toString(), sec.value(u"replication").toString(),
                 sec.value(u"rewind").toString(), sec.value(u"restApi").toString()};
    for (const auto &v : o.value(u"processes").toArray()) {
        const QJsonObject p = v.toObject();
        s.processes.append({p.value(u"name").toString(), kindFromName(p.value(u"kind").toString()),
                            p.value(u"pid").toInteger(), p.value(u"startTicks").toString().toLongLong(),
                            p.value(u"pgid").toInteger(), p.value(u"logFile").toString(),
                            p.value(u"dataDir").toString(), p.value(u"container").toString()});
    }
    return s;
}

Result<bool> LabState::save(const QString &labDir) const
{
    LabState copy = *this;
    copy.updatedAtMs = QDateTime::currentMSecsSinceEpoch();
    QSaveFile f(labDir + QLatin1Char('/') + fileName());
    if (!f.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot write the lab state in %1: %2").arg(labDir, f.errorString()),
                         QStringLiteral("check the directory's permissions and free space"));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(copy.toJson());
    if (!f.commit())
        return makeError(QStringLiteral("cannot write the lab state in %1: %2").arg(labDir, f.errorString()),
                         QStringLiteral("check the directory's permissions and free space"));
    return true;
}

bool LabState::exists(const QString &labDir)
{
    return QFile::exists(labDir + QLatin1Char('/') + fileName());
}

Result<LabState> LabState::load(const QString &labDir)
{
    QFile f(labDir + QLatin1Char('/') + fileName());
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("no lab in %1 (%2)").arg(labDir, f.errorString()),
                         QStringLiteral("start one with `pgha lab start`"));
    return fromJson(f.readAll(), labDir);
}

} // namespace pgha::svc
