// Refresh cost: one full refresh of every source of the lab — Patroni /cluster, /primary,
// /replica, /health ×3, etcd status ×3 + member list + keys, HAProxy CSV, PostgreSQL ×3,
// PgBouncer ×3 (four admin commands each), Pgpool-II, and the nine /metrics pages (which the
// console itself scrapes only every 5 s), all parsed into the models — against one
// `patronictl list` of the same cluster, measured in the same run; then idle CPU while polling
// every source at 1 Hz. Prints medians and ratios; asserts nothing.
//
// Usage: bench_refresh [REFRESHES] [PATRONICTL_RUNS] [IDLE_SECONDS]   (the lab must be running)
#include "benchutil.h"
#include "clusterobserver.h"
#include "core/endpointpoller.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "lab/labstate.h"
#include "profile/profile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace pgha;
using bench::cpuMs;
using bench::median;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int refreshes = argc > 1 ? atoi(argv[1]) : 50;
    const int ctlRuns = argc > 2 ? atoi(argv[2]) : 10;
    const int idleSeconds = argc > 3 ? atoi(argv[3]) : 30;
    const QString labDir = svc::LabConfig::defaultLabDir();
    auto state = svc::LabState::load(labDir);
    if (!state) {
        std::fprintf(stderr, "bench_refresh: %s\n", qPrintable(state.error().toString()));
        return 1;
    }

    svc::HttpClient http;
    models::ClusterObserver observer(&http);
    const svc::Profile watched = svc::resolveProfile(QStringLiteral("lab"), labDir).value();
    observer.setProfile(watched);
    observer.setPasswords(svc::labPasswords(watched));
    // A 1 Hz round is every source but /metrics, which the console scrapes every 5 s at most.
    QList<svc::EndpointPoller *> everySecond;
    for (auto *p : observer.activePollers())
        if (!p->health().value(0).id.startsWith(u"metrics:"))
            everySecond.append(p);
    auto refreshOnce = [&] {
        QEventLoop loop;
        int pending = static_cast<int>(everySecond.size());
        QList<QMetaObject::Connection> conns;
        for (auto *p : everySecond)
            conns.append(QObject::connect(p, &svc::EndpointPoller::roundFinished, &loop, [&] {
                if (--pending == 0)
                    loop.quit();
            }));
        for (auto *p : everySecond)
            p->pollOnce();
        loop.exec();   // a benchmark process, not the GUI
        for (const auto &c : conns)
            QObject::disconnect(c);
    };
    refreshOnce();   // warm up connections, as a running console would have them
    QList<double> wall, cpu;
    for (int i = 0; i < refreshes; ++i) {
        QElapsedTimer t;
        const double c0 = cpuMs(RUSAGE_SELF);
        t.start();
        refreshOnce();
        wall.append(t.nsecsElapsed() / 1e6);
        cpu.append(cpuMs(RUSAGE_SELF) - c0);
    }

    // The same, one kind of source at a time: where a refresh's time and CPU go.
    std::printf("per kind of source (%d runs each): median wall / CPU\n", refreshes);
    for (auto *poller : observer.activePollers()) {
        QList<double> w, c;
        for (int i = 0; i < refreshes; ++i) {
            QEventLoop loop;
            auto conn = QObject::connect(poller, &svc::EndpointPoller::roundFinished, &loop, &QEventLoop::quit);
            QElapsedTimer t;
            const double c0 = cpuMs(RUSAGE_SELF);
            t.start();
            poller->pollOnce();
            loop.exec();
            w.append(t.nsecsElapsed() / 1e6);
            c.append(cpuMs(RUSAGE_SELF) - c0);
            QObject::disconnect(conn);
        }
        const QString kind = poller->health().value(0).id.section(QLatin1Char(':'), 0, 0);
        std::printf("  %-10s %2lld endpoints: %7.2f ms / %6.2f ms\n", qPrintable(kind),
                    static_cast<long long>(poller->endpoints().size()), median(w), median(c));
    }

    const QString patronictl = QStandardPaths::findExecutable(QStringLiteral("patronictl"));
    QTemporaryDir dir;
    QFile cfg(dir.filePath(QStringLiteral("patronictl.yml")));
    cfg.open(QIODevice::WriteOnly);
    const auto &c = state.value().config;
    cfg.write(QStringLiteral("scope: %1\nnamespace: /service/\netcd3:\n  hosts: 127.0.0.1:%2,127.0.0.1:%3,127.0.0.1:%4\n")
                      .arg(c.scope).arg(c.ports.etcdClient[0]).arg(c.ports.etcdClient[1]).arg(c.ports.etcdClient[2]).toUtf8());
    cfg.close();
    QList<double> ctlWall, ctlCpu;
    for (int i = 0; i < ctlRuns && !patronictl.isEmpty(); ++i) {
        QProcess p;
        QElapsedTimer t;
        const double c0 = cpuMs(RUSAGE_CHILDREN);
        t.start();
        p.start(patronictl, {QStringLiteral("-c"), cfg.fileName(), QStringLiteral("list")});
        p.waitForFinished(60000);
        ctlWall.append(t.nsecsElapsed() / 1e6);
        ctlCpu.append(cpuMs(RUSAGE_CHILDREN) - c0);
        if (p.exitCode() != 0) {
            std::fprintf(stderr, "patronictl list failed: %s\n", p.readAllStandardError().constData());
            return 1;
        }
    }

    int endpoints = 0;
    for (auto *p : everySecond)
        endpoints += static_cast<int>(p->endpoints().size());
    std::printf("one 1 Hz round of every source but /metrics, %d endpoints (%d runs): median wall %.2f ms, median CPU %.2f ms\n",
                endpoints, refreshes, median(wall), median(cpu));
    if (!ctlWall.isEmpty()) {
        std::printf("one `patronictl list` (%d runs):              median wall %.1f ms, median CPU %.1f ms\n", ctlRuns,
                    median(ctlWall), median(ctlCpu));
        std::printf("ratio patronictl / console refresh: CPU %.0f×, wall %.0f×\n", median(ctlCpu) / std::max(median(cpu), 0.01),
                    median(ctlWall) / std::max(median(wall), 0.01));
    } else {
        std::printf("patronictl not installed: no peer measured\n");
    }

    // Idle: every source polled at 1 Hz for a while; CPU of this process over wall time.
    observer.setIntervalMs(1000);
    const double c0 = cpuMs(RUSAGE_SELF);
    QElapsedTimer t;
    t.start();
    observer.start();
    QEventLoop idle;
    QTimer::singleShot(idleSeconds * 1000, &idle, &QEventLoop::quit);
    idle.exec();
    observer.stop();
    const double used = cpuMs(RUSAGE_SELF) - c0;
    std::printf("idle, every source polled at 1 Hz for %d s: %.2f %% of one core (%.0f ms CPU)\n", idleSeconds,
                100.0 * used / t.elapsed(), used);
    return 0;
}
