#include "experiment/experimentstore.h"

#include "core/jsonlstore.h"
#include "core/safefs.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QSet>
#include <QStandardPaths>

namespace pgha::svc {

namespace {

const QString kRunsFile = QStringLiteral("runs.jsonl");
const QString kSessionsFile = QStringLiteral("sessions.jsonl");
const QString kSessionSchema = QStringLiteral("pgha.experiment.session/1");
const QString kPlanFile = QStringLiteral("plan.yaml");
const QString kWhat = QStringLiteral("the experiment's run store");
constexpr qint64 kMaxPlanBytes = 1 << 20;

QString runKey(const QString &cell, int repetition)
{
    return cell + QLatin1Char('#') + QString::number(repetition);
}

} // namespace

QJsonObject ExperimentRun::toJson() const
{
    QJsonObject v;
    for (const auto &[k, val] : values)
        v.insert(k, val);
    // The grid's order is the object's key order in JSON only by chance: kept as a list too.
    QJsonArray order;
    for (const auto &kv : values)
        order.append(kv.first);
    return QJsonObject{{QStringLiteral("schema"), QLatin1String(kSchema)},
                       {QStringLiteral("experiment"), experiment},
                       {QStringLiteral("fingerprint"), fingerprint},
                       {QStringLiteral("cell"), cell},
                       {QStringLiteral("values"), v},
                       {QStringLiteral("value_order"), order},
                       {QStringLiteral("repetition"), repetition},
                       {QStringLiteral("duration_ms"), static_cast<double>(durationMs)},
                       {QStringLiteral("run"), run.toJson()}};
}

Result<ExperimentRun> ExperimentRun::fromJson(const QJsonObject &o)
{
    if (o.value(QStringLiteral("schema")).toString() != QLatin1String(kSchema))
        return makeError(ErrorKind::Parse, QStringLiteral("not an experiment run (schema \"%1\")").arg(o.value(QStringLiteral("schema")).toString()));
    ExperimentRun r;
    r.experiment = o.value(QStringLiteral("experiment")).toString();
    r.fingerprint = o.value(QStringLiteral("fingerprint")).toString();
    r.cell = o.value(QStringLiteral("cell")).toString();
    r.repetition = o.value(QStringLiteral("repetition")).toInt();
    r.durationMs = static_cast<qint64>(o.value(QStringLiteral("duration_ms")).toDouble());
    const QJsonObject values = o.value(QStringLiteral("values")).toObject();
    for (const auto &k : o.value(QStringLiteral("value_order")).toArray())
        r.values.append({k.toString(), values.value(k.toString()).toString()});
    if (r.cell.isEmpty() || r.repetition < 1)
        return makeError(ErrorKind::Parse, QStringLiteral("an experiment run without its cell or repetition"));
    auto run = ChaosReport::fromJson(o.value(QStringLiteral("run")).toObject());
    if (!run)
        return run.error();
    r.run = run.value();
    return r;
}

QString defaultExperimentsDir()
{
    const QString env = qEnvironmentVariable("PGHA_EXPERIMENTS_DIR");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pgha/experiments");
}

QString experimentDir(const QString &base, const QString &name)
{
    return QDir(base).filePath(name);
}

Result<bool> appendExperimentRun(const QString &dir, const ExperimentRun &run)
{
    return appendJsonLine(QDir(dir).filePath(kRunsFile), run.toJson(), kWhat);
}

Result<bool> appendExperimentSession(const QString &dir, const QJsonObject &environment)
{
    return appendJsonLine(QDir(dir).filePath(kSessionsFile),
                          QJsonObject{{QStringLiteral("schema"), kSessionSchema},
                                      {QStringLiteral("started_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                      {QStringLiteral("environment"), environment}},
                          QStringLiteral("the experiment's session list"));
}

Result<QList<ExperimentRun>> loadExperimentRuns(const QString &dir, int *skipped)
{
    auto lines = readJsonLines(QDir(dir).filePath(kRunsFile), kWhat);
    if (!lines)
        return lines.error();
    QList<ExperimentRun> runs;
    int bad = lines.value().skipped;
    for (const auto &o : lines.value().objects) {
        if (auto r = ExperimentRun::fromJson(o))
            runs.append(r.value());
        else
            ++bad;
    }
    if (skipped)
        *skipped = bad;
    return runs;
}

int KeptExperiment::measured() const
{
    return plan.runCount() - static_cast<int>(remainingRuns(plan, runs).size());
}

QString findExperimentDir(const QString &base, const QString &nameOrDir)
{
    if (nameOrDir.contains(QLatin1Char('/')))
        return nameOrDir;
    return experimentDir(base, nameOrDir);
}

Result<KeptExperiment> loadExperiment(const QString &dir)
{
    KeptExperiment e;
    e.dir = dir;
    auto text = fs::readFileNoFollow(QDir(dir).filePath(kPlanFile), kMaxPlanBytes);
    if (!text)
        return makeError(ErrorKind::NotFound, QStringLiteral("no experiment in %1 (%2)").arg(dir, text.error().message),
                         QStringLiteral("`pgha experiment list` names the kept experiments"));
    e.planText = text.value();
    auto plan = parseExperimentPlan(e.planText, QDir(dir).filePath(kPlanFile));
    if (!plan)
        return plan.error();
    e.plan = plan.value();
    auto runs = loadExperimentRuns(dir, &e.skippedLines);
    if (!runs)
        return runs.error();
    e.runs = runs.value();
    if (auto sessions = readJsonLines(QDir(dir).filePath(kSessionsFile), QStringLiteral("the experiment's session list")))
        for (const auto &o : sessions.value().objects)
            if (o.value(QStringLiteral("schema")).toString() == kSessionSchema)
                e.sessions.append(o);
    return e;
}

QList<KeptExperiment> listExperiments(const QString &base)
{
    QList<KeptExperiment> out;
    const QDir d(base);
    for (const QString &name : d.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        if (auto e = loadExperiment(d.filePath(name)))
            out.append(e.value());
    return out;
}

Result<bool> prepareExperimentDir(const QString &dir, const ExperimentPlan &plan, const QByteArray &planText, bool resume,
                                  const QList<ExperimentRun> &recorded)
{
    if (!recorded.isEmpty() && !resume)
        return makeError(ErrorKind::Busy, QStringLiteral("experiment \"%1\" already has %2 run(s) in %3").arg(plan.name).arg(recorded.size()).arg(dir),
                         QStringLiteral("add --resume to make only the runs still missing, or give the plan another experiment: name"));
    for (const auto &r : recorded)
        if (r.fingerprint != plan.fingerprint())
            return makeError(ErrorKind::Busy,
                             QStringLiteral("the runs in %1 were made with another plan (settings, grid, profile or repetitions "
                                            "changed since; %2 is the plan they were made with)").arg(dir, QDir(dir).filePath(kPlanFile)),
                             QStringLiteral("put the plan back as it was to resume, or give the changed plan another experiment: name"));
    if (auto made = fs::makeDir(dir, fs::kOwnerOnlyDir); !made)
        return made.error();
    if (recorded.isEmpty())
        return fs::writeFileAtomic(QDir(dir).filePath(kPlanFile), planText, fs::kOwnerOnlyFile);
    return true;
}

QList<PlannedRun> remainingRuns(const ExperimentPlan &plan, const QList<ExperimentRun> &recorded)
{
    QSet<QString> done;
    for (const auto &r : recorded)
        if (r.counts() && r.fingerprint == plan.fingerprint())
            done.insert(runKey(r.cell, r.repetition));
    const QList<ExperimentCell> cells = plan.cells();
    QList<PlannedRun> out;
    for (const auto &p : plan.runOrder())
        if (!done.contains(runKey(cells[p.cellIndex].key, p.repetition)))
            out.append(p);
    return out;
}

} // namespace pgha::svc
