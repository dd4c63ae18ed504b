#include "benchcontroller.h"

#include "mainwindow.h"

#include "bench/benchstore.h"
#include "bench/benchtargets.h"
#include "bench/pgbenchrunner.h"
#include "core/jsonlstore.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

namespace pgha::app {

namespace {
const QString kSource = QStringLiteral("bench");
const QString kStoreWhat = QStringLiteral("the benchmark run store");
enum Severity { Info = 0, Warning = 1, Failure = 2 };
} // namespace

BenchController::BenchController(views::MainWindow *window, QObject *parent)
    : QObject(parent), m_window(window), m_storePath(svc::benchStorePath())
{
    connect(window, &views::MainWindow::benchRunRequested, this, &BenchController::run);
    connect(window, &views::MainWindow::benchStopRequested, this, &BenchController::stop);
    connect(window, &views::MainWindow::benchInitRequested, this, &BenchController::init);
    reloadRuns();
}

BenchController::~BenchController()
{
    // The session and the runner end their pgbench in their destructors (children of this);
    // the window may be gone by then, so nothing they say on the way out comes here.
    if (m_session)
        m_session->disconnect(this);
    if (m_init)
        m_init->disconnect(this);
}

void BenchController::setProfile(const svc::Profile &profile)
{
    m_profile = profile;
    m_window->setBenchTargets(svc::benchTargetNames(profile));
}

void BenchController::setStorePath(const QString &path)
{
    m_storePath = path;
    reloadRuns();
}

BenchController::StoreRead BenchController::readStore(const QString &path)
{
    StoreRead out;
    auto lines = svc::readJsonLines(path, kStoreWhat);
    if (!lines) {
        out.error = lines.error().toString();
        return out;
    }
    out.skipped = lines.value().skipped;
    out.runs.reserve(lines.value().objects.size());
    for (const QJsonObject &o : lines.value().objects) {
        svc::BenchResult r = svc::BenchResult::fromJson(o);
        // The table and the comparison need the figures, not each second: up to 3,600
        // samples a run, times years of runs, would only fill memory.
        r.samples.clear();
        r.latencySeconds.clear();
        r.latencyHistogram.clear();
        out.runs.append(std::move(r));
    }
    return out;
}

void BenchController::reloadRuns()
{
    const quint64 generation = ++m_loadGeneration;
    QPointer<BenchController> self(this);
    QThreadPool::globalInstance()->start([self, generation, path = m_storePath] {
        const StoreRead read = readStore(path);
        if (auto *app = QCoreApplication::instance())
            QMetaObject::invokeMethod(app, [self, generation, read] {
                if (BenchController *controller = self.data())
                    controller->onStoreRead(generation, read);
            }, Qt::QueuedConnection);
    });
}

void BenchController::onStoreRead(quint64 generation, const StoreRead &read)
{
    if (generation != m_loadGeneration)
        return;
    m_window->setBenchRuns(read.runs, m_storePath, read.skipped, read.error);
    emit runsReloaded(static_cast<int>(read.runs.size()));
}

QString BenchController::workDir()
{
    if (!m_workDir || !m_workDir->isValid())
        m_workDir = std::make_unique<QTemporaryDir>();
    return m_workDir->isValid() ? m_workDir->path() : QString();
}

void BenchController::refuse(const QString &text)
{
    m_window->showBenchProblem(text);
    emit note(kSource, text, Warning);
}

bool BenchController::run(const svc::BenchPlan &plan)
{
    if (isRunning() || isInitRunning()) {
        refuse(isRunning() ? tr("a benchmark is already running: stop it first") : tr("pgbench -i is still running: wait for it"));
        return false;
    }
    if (const QString problem = plan.problem(); !problem.isEmpty()) {
        refuse(problem);
        return false;
    }
    const QString dir = workDir();
    if (dir.isEmpty()) {
        refuse(tr("no temporary folder for pgbench's logs — check TMPDIR and the free space there"));
        return false;
    }
    auto *session = new svc::BenchSession(this);
    m_session = session;
    // The Bench tab follows the session first: its figures are on screen when this says a run ended.
    m_window->followBenchSession(session, plan);
    connect(session, &svc::BenchSession::note, this, [this](const QString &text) { emit note(kSource, text, Info); });
    connect(session, &svc::BenchSession::runFinished, this, &BenchController::onRunFinished);
    connect(session, &svc::BenchSession::finished, this, &BenchController::onSessionFinished);
    emit note(kSource, tr("benchmark started: %1 × %2 run(s)%3")
                               .arg(plan.targets.join(QStringLiteral(", ")))
                               .arg(plan.runCount())
                               .arg(plan.label.isEmpty() ? QString() : tr(", label %1").arg(plan.label)),
              Info);
    session->start(m_profile, plan, dir, m_storePath);
    return true;
}

void BenchController::stop()
{
    if (m_session) {
        emit note(kSource, tr("stopping the benchmark: the current run's figures so far are kept"), Warning);
        m_session->stop();
    }
}

void BenchController::onRunFinished(const svc::BenchResult &r)
{
    reloadRuns();
    QString text = tr("%1, %2 clients: %3 tps, %4 failed").arg(r.target.name).arg(r.workload.clients).arg(r.tps, 0, 'f', 1).arg(r.failed);
    if (r.stopped)
        text += tr(" (stopped)");
    if (!r.ok())
        text += QStringLiteral(" · ") + r.error;
    emit note(kSource, text, r.ok() ? Info : Failure);
    emit runFinished(r);
}

void BenchController::onSessionFinished(const QList<svc::BenchResult> &runs, const QString &error)
{
    if (m_session)
        m_session->deleteLater();
    m_session = nullptr;
    emit note(kSource, error.isEmpty() ? tr("benchmark finished: %1 run(s) kept").arg(runs.size())
                                       : tr("benchmark ended early after %1 run(s): %2").arg(runs.size()).arg(error),
              error.isEmpty() ? Info : Failure);
    emit sessionFinished(runs, error);
}

bool BenchController::init(const QString &target, int scale)
{
    QString refused;
    if (isRunning() || isInitRunning())
        refused = tr("not now: %1").arg(isRunning() ? tr("a benchmark is running") : tr("pgbench -i is already running"));
    else if (target == u"ro")
        refused = tr("pgbench -i writes tables: ro reaches replicas, which refuse writes — use rw, direct or pgpool");
    if (!refused.isEmpty()) {
        m_window->finishBenchInit(false, refused);
        return false;
    }
    auto pgbench = svc::locatePgbench();
    if (!pgbench) {
        finishInit(false, pgbench.error().toString());
        return false;
    }
    auto withTarget = [this, pgbench = pgbench.value(), scale](const svc::Result<svc::BenchTarget> &t) {
        if (!t)
            return finishInit(false, t.error().toString());
        startInit(pgbench, t.value(), scale);
    };
    // Made now so that isInitRunning() holds while the target resolves ("direct" asks every member).
    m_init = new svc::PgbenchRunner(this);
    m_window->followBenchInit(m_init);
    svc::resolveBenchTargetAsync(m_profile, target, m_init, withTarget);
    return true;
}

void BenchController::startInit(const QString &pgbench, const svc::BenchTarget &target, int scale)
{
    const QString dir = workDir();
    if (dir.isEmpty() || !m_init)
        return finishInit(false, tr("no temporary folder for pgbench — check TMPDIR and the free space there"));
    connect(m_init, &svc::PgbenchRunner::finished, this, [this, scale](const svc::BenchResult &r) {
        if (!r.ok())
            return finishInit(false, r.error);
        finishInit(true, tr("initialised at scale %1 through %2 (%3) in %4 s")
                                 .arg(scale)
                                 .arg(r.target.name, r.target.endpoint.describe())
                                 .arg(static_cast<double>(r.endedMs - r.startedMs) / 1000.0, 0, 'f', 1));
    });
    emit note(kSource, tr("pgbench -i -s %1 through %2").arg(scale).arg(target.name), Info);
    m_init->init(pgbench, target, scale, dir);
}

void BenchController::finishInit(bool ok, const QString &text)
{
    if (m_init)
        m_init->deleteLater();
    m_init = nullptr;
    m_window->finishBenchInit(ok, text);
    emit note(kSource, text, ok ? Info : Failure);
    emit initFinished(ok, text);
}

} // namespace pgha::app
