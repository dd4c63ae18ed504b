#include "labstate.h"

#include "core/safefs.h"
#include "lab/labdir.h"
#include "process/procutil.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

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

// A state file is a few KiB; anything much larger is not one of ours.
constexpr qint64 kMaxStateBytes = 4 * 1024 * 1024;

// The "flavor" a state file records, or empty when it cannot be read.
QString readFlavorOf(const QString &labDir, const QString &file)
{
    auto bytes = fs::readFileNoFollow(labDir + QLatin1Char('/') + file, kMaxStateBytes);
    if (!bytes)
        return {};
    const QJsonObject o = QJsonDocument::fromJson(bytes.value()).object();
    return o.value(u"flavor").toString(QStringLiteral("native"));
}

// Which file holds a flavour's state: its own, or state.json for a Docker lab recorded there by
// an earlier version. Empty when the flavour has none.
QString fileOf(const QString &labDir, const QString &flavor)
{
    const QString own = LabState::fileName(flavor);
    const QString legacy = LabState::fileName(QStringLiteral("native"));
    const bool ownExists = fs::inspectPath(labDir + QLatin1Char('/') + own).exists;
    if (flavor == u"docker")
        return ownExists ? own : (readFlavorOf(labDir, legacy) == u"docker" ? legacy : QString());
    // state.json is the native lab's unless an earlier version wrote a Docker lab into it; a
    // damaged one still counts (load() then reports it).
    return ownExists && readFlavorOf(labDir, own) != u"docker" ? own : QString();
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

QString LabState::fileName(const QString &flavor)
{
    return flavor == u"docker" ? QStringLiteral("docker-state.json") : QStringLiteral("state.json");
}

QStringList LabState::flavors()
{
    return {QStringLiteral("native"), QStringLiteral("docker")};
}

Result<bool> LabState::save(const QString &labDir) const
{
    LabState copy = *this;
    copy.updatedAtMs = QDateTime::currentMSecsSinceEpoch();
    const QString path = labDir + QLatin1Char('/') + fileName(flavor);
    if (auto written = fs::writeFileAtomic(path, copy.toJson(), fs::kOwnerOnlyFile); !written)
        return makeError(QStringLiteral("cannot write the lab state in %1: %2").arg(labDir, written.error().message),
                         QStringLiteral("check the directory's permissions and free space"));
    // A Docker lab recorded in state.json by an earlier version now has a file of its own.
    if (flavor == u"docker" && readFlavorOf(labDir, fileName(QStringLiteral("native"))) == u"docker")
        QFile::remove(labDir + QLatin1Char('/') + fileName(QStringLiteral("native")));
    return true;
}

bool LabState::exists(const QString &labDir)
{
    for (const QString &flavor : flavors())
        if (exists(labDir, flavor))
            return true;
    return false;
}

bool LabState::exists(const QString &labDir, const QString &flavor)
{
    return !fileOf(labDir, flavor).isEmpty();
}

Result<LabState> LabState::load(const QString &labDir, const QString &flavor)
{
    if (auto trusted = checkLabDirTrusted(labDir); !trusted)
        return trusted.error();
    const QString file = fileOf(labDir, flavor);
    if (file.isEmpty())
        return makeError(QStringLiteral("no %1 lab in %2").arg(flavor, labDir),
                         QStringLiteral("start one with `pgha lab start%1`").arg(flavor == u"docker" ? QStringLiteral(" --flavor docker")
                                                                                                     : QString()));
    auto bytes = fs::readFileNoFollow(labDir + QLatin1Char('/') + file, kMaxStateBytes);
    if (!bytes)
        return makeError(QStringLiteral("no lab in %1 (%2)").arg(labDir, bytes.error().message),
                         QStringLiteral("start one with `pgha lab start`"));
    auto state = fromJson(bytes.value(), labDir);
    if (state && state.value().flavor != flavor)
        return makeError(QStringLiteral("no %1 lab in %2").arg(flavor, labDir));
    return state;
}

Result<LabState> LabState::load(const QString &labDir)
{
    std::optional<LabState> chosen;
    for (const QString &flavor : flavors()) {
        if (!exists(labDir, flavor))
            continue;
        auto state = load(labDir, flavor);
        if (!state)
            return state.error();
        const auto busy = [](const LabState &s) { return s.phase == Phase::Running || s.phase == Phase::Starting
                                                          || s.phase == Phase::Stopping; };
        const LabState &s = state.value();
        if (!chosen || (busy(s) && !busy(*chosen)) || (busy(s) == busy(*chosen) && s.updatedAtMs > chosen->updatedAtMs))
            chosen = s;
    }
    if (!chosen) {
        if (auto trusted = checkLabDirTrusted(labDir); !trusted)
            return trusted.error();
        return makeError(QStringLiteral("no lab in %1").arg(labDir), QStringLiteral("start one with `pgha lab start`"));
    }
    return *chosen;
}

} // namespace pgha::svc
