#include "experimentcontroller.h"

#include "chaoscontroller.h"
#include "experimentsview.h"
#include "reportdocument.h"

#include "experiment/experimentstats.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace pgha::app {

namespace {
constexpr qint64 kMaxPlanBytes = 1 << 20;
}

ExperimentController::ExperimentController(svc::HttpClient *http, views::ExperimentsView *view, QObject *parent)
    : QObject(parent), m_http(http), m_view(view), m_baseDir(svc::defaultExperimentsDir())
{
    connect(view, &views::ExperimentsView::runRequested, this, &ExperimentController::run);
    connect(view, &views::ExperimentsView::resumeRequested, this, &ExperimentController::resume);
    connect(view, &views::ExperimentsView::stopRequested, this, &ExperimentController::cancel);
    connect(view, &views::ExperimentsView::experimentSelected, this, &ExperimentController::showExperiment);
    connect(view, &views::ExperimentsView::reportRequested, this, &ExperimentController::writeReport);
}

void ExperimentController::setProfile(const svc::Profile &profile)
{
    m_profile = profile;
    m_postgresPassword.clear();
}

void ExperimentController::setBaseDir(const QString &dir)
{
    m_baseDir = dir;
    reload();
}

void ExperimentController::reload()
{
    QList<views::ExperimentsView::Entry> entries;
    for (const svc::KeptExperiment &e : svc::listExperiments(m_baseDir))
        entries.append({QFileInfo(e.dir).fileName(), e.plan.title, e.measured(), e.plan.runCount()});
    m_view->setExperiments(entries, m_baseDir);
}

void ExperimentController::showExperiment(const QString &name)
{
    auto kept = svc::loadExperiment(svc::experimentDir(m_baseDir, name));
    if (!kept) {
        m_view->clearResults(kept.error().toString());
        return;
    }
    m_view->showResults(kept.value().plan, svc::summarizeExperiment(kept.value().plan, kept.value().runs));
}

void ExperimentController::refuse(const QString &text)
{
    m_view->setMessage(text, true);
    emit note(QStringLiteral("experiment"), text, 1);
}

bool ExperimentController::sameCluster(const svc::ExperimentPlan &plan, QString *why) const
{
    const bool planOnLab = plan.profile.isEmpty() || plan.profile == u"lab";
    if (planOnLab && m_profile.isBuiltInLab())
        return true;
    if (!planOnLab && !m_profile.isBuiltInLab()) {
        auto p = svc::resolveProfile(plan.profile, svc::LabConfig::defaultLabDir());
        if (p && QFileInfo(p.value().sourceFile).canonicalFilePath() == QFileInfo(m_profile.sourceFile).canonicalFilePath())
            return true;
    }
    *why = tr("the plan runs on profile \"%1\" and the window watches %2: open that profile first (File → Profiles…), or run "
              "it with `pgha experiment run`")
                   .arg(planOnLab ? QStringLiteral("lab") : plan.profile, m_profile.isBuiltInLab() ? tr("the lab") : m_profile.name);
    return false;
}

bool ExperimentController::run(const QString &planPath, bool resumeRuns)
{
    if (isRunning()) {
        refuse(tr("an experiment is already running: stop it first"));
        return false;
    }
    if (m_busyElsewhere)
        if (const QString why = m_busyElsewhere(); !why.isEmpty()) {
            refuse(tr("the experiment did not start: %1").arg(why));
            return false;
        }
    auto plan = svc::loadExperimentPlan(planPath);
    if (!plan) {
        refuse(plan.error().toString());
        return false;
    }
    QString why;
    if (!sameCluster(plan.value(), &why)) {
        refuse(why);
        return false;
    }
    svc::Profile target = m_profile;
    target.readWrite.password = m_postgresPassword;
    for (const auto &cell : plan.value().cells())
        if (auto o = svc::chaosOptionsForCell(cell, target); !o) {
            refuse(tr("cell %1: %2").arg(cell.key, o.error().toString()));
            return false;
        }
    const QString dir = svc::experimentDir(m_baseDir, plan.value().name);
    auto recorded = svc::loadExperimentRuns(dir);
    if (!recorded) {
        refuse(recorded.error().toString());
        return false;
    }
    QFile planFile(planPath);
    const QByteArray planText = planFile.open(QIODevice::ReadOnly) ? planFile.read(kMaxPlanBytes) : QByteArray();
    if (auto ok = svc::prepareExperimentDir(dir, plan.value(), planText, resumeRuns, recorded.value()); !ok) {
        refuse(ok.error().toString());
        return false;
    }
    auto *runner = new svc::ExperimentRunner(plan.value(), target, dir, ChaosController::storePathFromEnvironment(), m_http, this);
    m_runner = runner;
    m_runningName = plan.value().name;
    const int planned = plan.value().runCount();
    m_view->setRunning(m_runningName);
    m_view->setMessage(tr("Running %1: every run is recorded as it ends; Stop undoes the fault in progress.").arg(m_runningName), false);
    connect(runner, &svc::ExperimentRunner::runStarted, this, [this, planned](const svc::ExperimentProgress &p) {
        const QString text = tr("run %1 of %2: %3, repetition %4").arg(p.alreadyRecorded + p.done + 1).arg(planned).arg(p.cell).arg(p.repetition);
        m_view->setProgress(p.alreadyRecorded + p.done, planned, text, p.etaMs);
        emit note(QStringLiteral("experiment"), tr("%1: %2").arg(m_runningName, text), 0);
    });
    connect(runner, &svc::ExperimentRunner::stageChanged, m_view, &views::ExperimentsView::setStage);
    connect(runner, &svc::ExperimentRunner::storeError, this, [this](const QString &e) { emit note(QStringLiteral("experiment"), e, 2); });
    connect(runner, &svc::ExperimentRunner::runFinished, this, [this, planned](const svc::ExperimentRun &run, const svc::ExperimentProgress &p) {
        m_view->setProgress(p.alreadyRecorded + p.done, planned, tr("%1 of %2 runs recorded").arg(p.alreadyRecorded + p.done).arg(planned), p.etaMs);
        emit note(QStringLiteral("experiment"),
                  tr("%1 %2 #%3: %4, RTO %5").arg(m_runningName, run.cell).arg(run.repetition).arg(run.run.verdict,
                                                                                              svc::formatSeconds(run.run.rtoMs)),
                  run.run.verdict == u"PASS" ? 0 : 2);
        reload();
        m_view->selectExperiment(m_runningName);
        showExperiment(m_runningName);
    });
    connect(runner, &svc::ExperimentRunner::finished, this, [this, runner](bool complete, const QString &reason) {
        runner->deleteLater();
        m_runner = nullptr;
        const QString name = m_runningName;
        m_runningName.clear();
        m_view->setRunning(QString());
        const QString text = complete ? tr("%1: every run recorded").arg(name)
                                      : tr("%1 stopped: %2 — Resume makes the missing runs").arg(name, reason);
        m_view->setMessage(text, !complete);
        emit note(QStringLiteral("experiment"), text, complete ? 0 : 1);
        reload();
        m_view->selectExperiment(name);
        showExperiment(name);
        emit finished();
    });
    reload();
    m_view->selectExperiment(m_runningName);
    runner->start(recorded.value());
    return true;
}

bool ExperimentController::resume(const QString &name)
{
    // The plan as it was first run, kept beside its runs.
    return run(QDir(svc::experimentDir(m_baseDir, name)).filePath(QStringLiteral("plan.yaml")), true);
}

void ExperimentController::cancel()
{
    if (m_runner)
        m_runner->cancel();
}

bool ExperimentController::writeReport(const QString &name, const QString &path)
{
    auto kept = svc::loadExperiment(svc::experimentDir(m_baseDir, name));
    if (!kept) {
        refuse(kept.error().toString());
        return false;
    }
    if (auto ok = reports::writeReport(reports::experimentReport(kept.value()), path); !ok) {
        refuse(ok.error().toString());
        return false;
    }
    m_view->setMessage(tr("Wrote %1").arg(path), false);
    emit note(QStringLiteral("experiment"), tr("report of %1 written to %2").arg(name, path), 0);
    return true;
}

} // namespace pgha::app
