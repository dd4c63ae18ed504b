// What charting a benchmark costs the console, measured on a real run (a running, initialised
// lab): the process's own CPU (RUSAGE_SELF: pgbench is a child and not counted) during a run
// drawn by the Bench tab's live view, against the same session with no view (what the CLI
// does), run right after on the same target; and the time from a progress sample reaching the
// view to the chart painted with it (median, p95, max over the run's seconds).
//
//   bench_benchtab [SECONDS] [TARGET] [CLIENTS]      (offscreen: QT_QPA_PLATFORM=offscreen)
#include "bench/benchsession.h"
#include "benchliveview.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "profile/profile.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace pgha;

namespace {
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Outcome {
    double cpuPercent = 0;
    double tps = 0;
    QList<double> paintMs;
};

Outcome measure(const svc::Profile &profile, const svc::BenchPlan &plan, bool withView)
{
    Outcome out;
    QTemporaryDir work;
    svc::BenchSession session;
    std::unique_ptr<views::BenchLiveView> view;
    QElapsedTimer sinceSample;
    bool pending = false;
    if (withView) {
        view = std::make_unique<views::BenchLiveView>();
        view->resize(1200, 700);
        view->show();
        QObject::connect(&session, &svc::BenchSession::runStarted, view.get(),
                         [&](int index, int count, const QString &target, int clients, int repetition, bool warmup) {
                             view->startRun(index, count, target, clients, repetition, warmup, plan.workload.durationS);
                         });
        QObject::connect(&session, &svc::BenchSession::sample, view.get(), [&](const svc::BenchSample &s, bool warmup) {
            sinceSample.start();
            pending = true;
            view->addSample(s, warmup);
        });
        QObject::connect(&session, &svc::BenchSession::latencySecond, view.get(), &views::BenchLiveView::addLatencySecond);
        QObject::connect(view.get(), &views::BenchLiveView::redrawn, view.get(), [&] {
            view->repaint();   // paint now, synchronously: the figure includes painting
            if (pending) {
                out.paintMs.append(double(sinceSample.nsecsElapsed()) / 1e6);
                pending = false;
            }
        });
    }
    double cpu0 = 0;
    QElapsedTimer wall;
    QObject::connect(&session, &svc::BenchSession::runStarted, &session, [&](int, int, const QString &, int, int, bool) {
        cpu0 = cpuSeconds();
        wall.start();
    });
    QObject::connect(&session, &svc::BenchSession::finished, &session, [&](const QList<svc::BenchResult> &runs, const QString &error) {
        const double cpu = cpuSeconds() - cpu0;
        out.cpuPercent = 100.0 * cpu / (double(wall.nsecsElapsed()) / 1e9);
        if (!error.isEmpty())
            std::fprintf(stderr, "session: %s\n", qPrintable(error));
        if (!runs.isEmpty())
            out.tps = runs.front().tps;
        QCoreApplication::quit();
    });
    session.start(profile, plan, work.path(), {});
    QCoreApplication::exec();
    return out;
}

double quantile(QList<double> v, double q)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min<qsizetype>(v.size() - 1, qsizetype(q * double(v.size())))];
}
} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    svc::BenchPlan plan;
    plan.workload.durationS = args.value(1, QStringLiteral("30")).toInt();
    plan.targets = {args.value(2, QStringLiteral("rw"))};
    plan.workload.clients = args.value(3, QStringLiteral("4")).toInt();
    plan.workload.threads = std::min(2, plan.workload.clients);
    const auto profile = svc::resolveProfile({}, svc::LabConfig::defaultLabDir());
    if (!profile) {
        std::fprintf(stderr, "%s\n", qPrintable(profile.error().toString()));
        return 1;
    }
    const Outcome charted = measure(profile.value(), plan, true);
    const Outcome headless = measure(profile.value(), plan, false);
    std::printf("target %s, select-only, %d clients, %d s each\n", qPrintable(plan.targets.front()), plan.workload.clients,
                plan.workload.durationS);
    std::printf("console process CPU, live view drawing: %.2f %% of one core (run at %.0f tps)\n", charted.cpuPercent, charted.tps);
    std::printf("console process CPU, same session, no view: %.2f %% of one core (run at %.0f tps)\n", headless.cpuPercent,
                headless.tps);
    std::printf("charting's share: %.2f %% of one core\n", charted.cpuPercent - headless.cpuPercent);
    std::printf("progress sample to painted chart: median %.1f ms, p95 %.1f ms, max %.1f ms over %lld samples\n",
                quantile(charted.paintMs, 0.5), quantile(charted.paintMs, 0.95), quantile(charted.paintMs, 1.0),
                static_cast<long long>(charted.paintMs.size()));
    return 0;
}
