#include "experiment/experimentplan.h"

#include "chaos/faultcatalog.h"
#include "profile/profile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace pgha::svc {

namespace {

constexpr int kMaxNameLength = 64;
constexpr qint64 kMaxPlanBytes = 1 << 20;
constexpr int kFingerprintHexChars = 16;
const QString kNoGridCell = QStringLiteral("all");

const QString kFault = QStringLiteral("fault");
const QString kSync = QStringLiteral("sync");
const QString kHold = QStringLiteral("hold");
const QString kTarget = QStringLiteral("target");
const QString kInterval = QStringLiteral("interval");
const QString kInject = QStringLiteral("inject");
const QString kUndo = QStringLiteral("undo");
const QString kWorkload = QStringLiteral("workload");
const QString kClients = QStringLiteral("clients");
const QString kRate = QStringLiteral("rate");
const QString kLoadTarget = QStringLiteral("load_target");
const QString kLead = QStringLiteral("lead");
const QString kTail = QStringLiteral("tail");

QString str(const YAML::Node &n) { return QString::fromStdString(n.as<std::string>()); }

Error planError(const QString &source, const YAML::Mark &mark, const QString &text, const QString &hint = {})
{
    return makeError(ErrorKind::Parse, QStringLiteral("%1: line %2: %3").arg(source).arg(mark.line + 1).arg(text),
                     hint.isEmpty() ? QStringLiteral("fix the plan (docs/experiment-plan.md); nothing was run") : hint);
}

bool isSettingKey(const QString &key)
{
    for (const auto &k : experimentSettingKeys())
        if (key == QLatin1String(k.key))
            return true;
    return false;
}

QString settingKeysText()
{
    QStringList keys;
    for (const auto &k : experimentSettingKeys())
        keys << QLatin1String(k.key);
    return keys.join(QStringLiteral(", "));
}

// on/off as the cell keys show them, whatever spelling YAML allowed.
std::optional<QString> onOff(const QString &v)
{
    const QString l = v.toLower();
    if (l == u"on" || l == u"true" || l == u"yes")
        return QStringLiteral("on");
    if (l == u"off" || l == u"false" || l == u"no")
        return QStringLiteral("off");
    return std::nullopt;
}

// A setting's value as the plan keeps it (sync normalised), or the problem with it.
Result<QString> settingValue(const QString &key, const YAML::Node &node, const QString &source)
{
    if (!node.IsScalar())
        return planError(source, node.Mark(), QStringLiteral("%1 wants one value, not a list or a map").arg(key));
    const QString v = str(node).trimmed();
    if (key == kSync) {
        if (auto n = onOff(v))
            return *n;
        return planError(source, node.Mark(), QStringLiteral("sync wants on or off, not \"%1\"").arg(v));
    }
    return v;
}

std::optional<double> number(const QString &text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

std::optional<int> wholeNumber(const QString &text)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    return ok ? std::optional<int>(v) : std::nullopt;
}

// The load part of a cell ("" workload or "none": no load).
Result<std::optional<ChaosLoadSpec>> loadSpecOf(const ExperimentCell &cell)
{
    const QString workload = cell.value(kWorkload);
    const bool anyLoadKey = !cell.value(kClients).isEmpty() || !cell.value(kRate).isEmpty() || !cell.value(kLoadTarget).isEmpty()
                            || !cell.value(kLead).isEmpty() || !cell.value(kTail).isEmpty();
    if (workload.isEmpty() || workload == u"none") {
        if (anyLoadKey && workload.isEmpty())
            return makeError(ErrorKind::Parse, QStringLiteral("clients, rate, load_target, lead and tail are the load's: give a workload "
                                                              "(tpcb-like, simple-update, select-only or a script file)"));
        return std::optional<ChaosLoadSpec>();
    }
    ChaosLoadSpec spec;
    spec.workload = workload;
    auto readInt = [&cell](const QString &key, int &into) -> QString {
        const QString text = cell.value(key);
        if (text.isEmpty())
            return {};
        const auto v = wholeNumber(text);
        if (!v)
            return QStringLiteral("%1 wants a whole number, not \"%2\"").arg(key, text);
        into = *v;
        return {};
    };
    for (const auto &[key, into] : {std::pair<QString, int *>{kClients, &spec.clients}, {kLead, &spec.leadS}, {kTail, &spec.tailS}})
        if (const QString p = readInt(key, *into); !p.isEmpty())
            return makeError(ErrorKind::Parse, p);
    if (const QString rate = cell.value(kRate); !rate.isEmpty()) {
        spec.rate = number(rate);
        if (!spec.rate)
            return makeError(ErrorKind::Parse, QStringLiteral("rate wants transactions per second, not \"%1\"").arg(rate));
    }
    if (const QString t = cell.value(kLoadTarget); !t.isEmpty())
        spec.target = t;
    if (const QString p = spec.problem(); !p.isEmpty())
        return makeError(ErrorKind::Parse, p);
    return std::optional<ChaosLoadSpec>(spec);
}

// Every setting but the load's target turned into options.
Result<ChaosOptions> optionsOf(const ExperimentCell &cell)
{
    ChaosOptions o;
    o.faultId = cell.value(kFault);
    const FaultInfo *fault = faultById(o.faultId);
    if (o.faultId.isEmpty())
        return makeError(ErrorKind::Parse, QStringLiteral("no fault: settings or grid need fault: (`pgha chaos list` names them)"));
    if (!fault)
        return makeError(ErrorKind::Parse, QStringLiteral("no fault named \"%1\" (`pgha chaos list` names them)").arg(o.faultId));
    if (const QString s = cell.value(kSync); !s.isEmpty())
        o.synchronousMode = s == u"on";
    if (const QString h = cell.value(kHold); !h.isEmpty()) {
        const auto s = number(h);
        if (!s || *s <= 0 || *s > ChaosOptions::kMaxHoldS)
            return makeError(ErrorKind::Parse, QStringLiteral("hold wants seconds above 0 and at most %1, not \"%2\"")
                                                       .arg(ChaosOptions::kMaxHoldS).arg(h));
        o.holdMs = static_cast<int>(*s * 1000);
    }
    if (const QString i = cell.value(kInterval); !i.isEmpty()) {
        const auto ms = wholeNumber(i);
        if (!ms || *ms < ChaosOptions::kMinWriteIntervalMs || *ms > ChaosOptions::kMaxWriteIntervalMs)
            return makeError(ErrorKind::Parse, QStringLiteral("interval wants milliseconds from %1 to %2, not \"%3\"")
                                                       .arg(ChaosOptions::kMinWriteIntervalMs).arg(ChaosOptions::kMaxWriteIntervalMs).arg(i));
        o.writeIntervalMs = *ms;
    }
    o.target = cell.value(kTarget);
    o.injectCommand = cell.value(kInject);
    o.undoCommand = cell.value(kUndo);
    if (isExternalFault(fault->kind) && o.injectCommand.trimmed().isEmpty())
        return makeError(ErrorKind::Parse, QStringLiteral("%1 runs your command: give it as inject: (and undo:)").arg(fault->id));
    if (!isExternalFault(fault->kind) && (!o.injectCommand.isEmpty() || !o.undoCommand.isEmpty()))
        return makeError(ErrorKind::Parse, QStringLiteral("inject and undo are for external-primary and external-replica; %1 is the "
                                                          "console's own fault").arg(fault->id));
    return o;
}

} // namespace

const QList<ExperimentSettingInfo> &experimentSettingKeys()
{
    static const QList<ExperimentSettingInfo> keys = {
        {"fault", "the fault (`pgha chaos list`), e.g. crash-primary"},
        {"sync", "synchronous_mode for the run: on or off (put back after)"},
        {"hold", "seconds a fault without failover lasts before its undo"},
        {"target", "the replica to hit (replica faults)"},
        {"interval", "the write probe's interval in ms (10–1000, default 50)"},
        {"inject", "external faults: the shell command that injects the fault"},
        {"undo", "external faults: the shell command that undoes it"},
        {"workload", "pgbench through the fault: tpcb-like, simple-update, select-only, a script FILE[@W], or none"},
        {"clients", "pgbench clients (default 4)"},
        {"rate", "pgbench -R: transactions per second (default: as fast as it goes)"},
        {"load_target", "where pgbench connects: rw (default), pgpool, member:NAME …"},
        {"lead", "seconds of steady load before the fault (default 10)"},
        {"tail", "seconds of load after the cluster is healthy again (default 10)"},
    };
    return keys;
}

QString ExperimentCell::value(const QString &name) const
{
    for (const auto &[k, v] : settings)
        if (k == name)
            return v;
    return {};
}

QList<ExperimentCell> ExperimentPlan::cells() const
{
    QList<ExperimentCell> out{ExperimentCell{}};
    for (const auto &[key, values] : grid) {
        QList<ExperimentCell> next;
        for (const auto &cell : out)
            for (const auto &v : values) {
                ExperimentCell c = cell;
                c.gridValues.append({key, v});
                next.append(c);
            }
        out = next;
    }
    for (auto &c : out) {
        QStringList parts;
        for (const auto &[k, v] : c.gridValues)
            parts << k + QLatin1Char('=') + v;
        c.key = parts.isEmpty() ? kNoGridCell : parts.join(QLatin1Char(','));
        c.settings = settings;
        for (const auto &[k, v] : c.gridValues) {
            auto it = std::find_if(c.settings.begin(), c.settings.end(), [&k = k](const auto &s) { return s.first == k; });
            if (it != c.settings.end())
                it->second = v;
            else
                c.settings.append({k, v});
        }
    }
    return out;
}

QList<PlannedRun> ExperimentPlan::runOrder() const
{
    const int n = static_cast<int>(cells().size());
    QList<PlannedRun> order;
    if (interleaved) {
        for (int rep = 1; rep <= repetitions; ++rep)
            for (int c = 0; c < n; ++c)
                order.append({c, rep});
    } else {
        for (int c = 0; c < n; ++c)
            for (int rep = 1; rep <= repetitions; ++rep)
                order.append({c, rep});
    }
    return order;
}

QString ExperimentPlan::fingerprint() const
{
    QStringList parts{name, profile.isEmpty() ? QStringLiteral("lab") : profile};
    for (const auto &[k, v] : settings)
        parts << k + QLatin1Char('=') + v;
    for (const auto &[k, values] : grid)
        parts << k + QStringLiteral("=[") + values.join(QLatin1Char('|')) + QLatin1Char(']');
    parts << QString::number(repetitions);
    const QByteArray hash = QCryptographicHash::hash(parts.join(QLatin1Char('\n')).toUtf8(), QCryptographicHash::Sha256);
    return QString::fromLatin1(hash.toHex().left(kFingerprintHexChars));
}

Result<ExperimentPlan> parseExperimentPlan(const QByteArray &yaml, const QString &sourceName)
{
    ExperimentPlan plan;
    plan.sourceFile = sourceName;
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (!root.IsMap())
            return planError(sourceName, root.Mark(), QStringLiteral("a plan is a map: experiment:, settings:, grid:, repetitions:"));
        for (const auto &kv : root) {
            const QString key = str(kv.first);
            const YAML::Node &value = kv.second;
            if (key == u"experiment" || key == u"title" || key == u"profile" || key == u"order") {
                if (!value.IsScalar())
                    return planError(sourceName, value.Mark(), QStringLiteral("%1 wants one value").arg(key));
                const QString v = str(value).trimmed();
                if (key == u"experiment")
                    plan.name = v;
                else if (key == u"title")
                    plan.title = v;
                else if (key == u"profile")
                    plan.profile = v;
                else if (v == u"interleaved" || v == u"grouped")
                    plan.interleaved = v == u"interleaved";
                else
                    return planError(sourceName, value.Mark(), QStringLiteral("order wants interleaved or grouped, not \"%1\"").arg(v));
            } else if (key == u"repetitions") {
                const auto n = value.IsScalar() ? wholeNumber(str(value)) : std::nullopt;
                if (!n || *n < 1 || *n > ExperimentPlan::kMaxRepetitions)
                    return planError(sourceName, value.Mark(),
                                     QStringLiteral("repetitions wants a number from 1 to %1").arg(ExperimentPlan::kMaxRepetitions));
                plan.repetitions = *n;
            } else if (key == u"settings") {
                if (!value.IsMap())
                    return planError(sourceName, value.Mark(), QStringLiteral("settings is a map, e.g. {fault: crash-primary, workload: tpcb-like}"));
                for (const auto &s : value) {
                    const QString k = str(s.first);
                    if (!isSettingKey(k))
                        return planError(sourceName, s.first.Mark(),
                                         QStringLiteral("no setting \"%1\"; settings are %2").arg(k, settingKeysText()));
                    auto v = settingValue(k, s.second, sourceName);
                    if (!v)
                        return v.error();
                    plan.settings.append({k, v.value()});
                }
            } else if (key == u"grid") {
                if (!value.IsMap())
                    return planError(sourceName, value.Mark(), QStringLiteral("grid is a map of setting → values, e.g. {sync: [off, on]}"));
                for (const auto &g : value) {
                    const QString k = str(g.first);
                    if (!isSettingKey(k))
                        return planError(sourceName, g.first.Mark(),
                                         QStringLiteral("no setting \"%1\" to vary; settings are %2").arg(k, settingKeysText()));
                    QStringList values;
                    const YAML::Node list = g.second;
                    if (list.IsScalar()) {
                        auto v = settingValue(k, list, sourceName);
                        if (!v)
                            return v.error();
                        values << v.value();
                    } else if (list.IsSequence() && list.size() > 0) {
                        for (const auto &item : list) {
                            auto v = settingValue(k, item, sourceName);
                            if (!v)
                                return v.error();
                            if (values.contains(v.value()))
                                return planError(sourceName, item.Mark(), QStringLiteral("%1 lists \"%2\" twice").arg(k, v.value()));
                            values << v.value();
                        }
                    } else {
                        return planError(sourceName, g.second.Mark(), QStringLiteral("%1 wants a list of values, e.g. [off, on]").arg(k));
                    }
                    plan.grid.append({k, values});
                }
            } else {
                return planError(sourceName, kv.first.Mark(),
                                 QStringLiteral("unknown key \"%1\"; a plan has experiment, title, profile, settings, grid, "
                                                "repetitions and order").arg(key));
            }
        }
    } catch (const YAML::Exception &e) {
        return planError(sourceName, e.mark, QString::fromStdString(e.msg));
    }
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,%1}$").arg(kMaxNameLength - 1));
    if (!nameRe.match(plan.name).hasMatch())
        return makeError(ErrorKind::Parse,
                         QStringLiteral("%1: experiment: \"%2\" is not a name of 1–%3 letters, digits, '.', '_' or '-' (not starting with '.')")
                                 .arg(sourceName, plan.name).arg(kMaxNameLength),
                         QStringLiteral("name the experiment: its runs are kept in a directory of that name"));
    qsizetype cellCount = 1;
    for (const auto &g : plan.grid)
        cellCount *= g.second.size();
    if (cellCount > ExperimentPlan::kMaxCells)
        return makeError(ErrorKind::Parse, QStringLiteral("%1: the grid makes %2 cells; at most %3").arg(sourceName).arg(cellCount)
                                                   .arg(ExperimentPlan::kMaxCells),
                         QStringLiteral("vary fewer settings, or split the experiment"));
    for (const auto &cell : plan.cells())
        if (const QString p = cellProblem(cell); !p.isEmpty())
            return makeError(ErrorKind::Parse, QStringLiteral("%1: cell %2: %3").arg(sourceName, cell.key, p),
                             QStringLiteral("fix the plan (docs/experiment-plan.md); nothing was run"));
    return plan;
}

Result<ExperimentPlan> loadExperimentPlan(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::NotFound, QStringLiteral("cannot read the plan %1: %2").arg(path, f.errorString()));
    if (f.size() > kMaxPlanBytes)
        return makeError(ErrorKind::Parse, QStringLiteral("%1 is %2 bytes: not a plan (at most %3)").arg(path).arg(f.size()).arg(kMaxPlanBytes));
    return parseExperimentPlan(f.readAll(), path);
}

QString cellProblem(const ExperimentCell &cell)
{
    if (auto o = optionsOf(cell); !o)
        return o.error().message;
    if (auto l = loadSpecOf(cell); !l)
        return l.error().message;
    return {};
}

Result<ChaosOptions> chaosOptionsForCell(const ExperimentCell &cell, const Profile &profile)
{
    auto o = optionsOf(cell);
    if (!o)
        return o.error();
    auto spec = loadSpecOf(cell);
    if (!spec)
        return spec.error();
    ChaosOptions options = o.value();
    if (spec.value()) {
        auto load = resolveChaosLoad(*spec.value(), profile);
        if (!load)
            return load.error();
        options.load = load.value();
    }
    return options;
}

} // namespace pgha::svc
