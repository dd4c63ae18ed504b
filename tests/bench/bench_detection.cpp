// How fast the console sees what happens, on the running native lab (real Patroni, etcd,
// PostgreSQL), with the console's own ClusterObserver:
//
//  1. Leader key changes: N switchovers; each leader-key event's arrival in the model (the
//     etcd watch) against an independent `etcdctl watch` of the same prefix run beside it, by
//     revision. Every other key of the scope (member keys, /status …) is counted too.
//  2. A member killed (SIGKILL to Patroni, postmaster and children, as the chaos fault does):
//     from the kill to the model's "unreachable", against when the 1 Hz REST poll alone said it
//     (the poller's own "unreachable"), measured in the same run. Replicas, so no failover
//     stretches the run; each is started again and waited for before the next.
//
// Prints medians, ranges and every figure; asserts nothing. Both clocks are this process's
// monotonic clock; etcdctl's lines are timed when this process reads them (a pipe and one
// event loop away from etcdctl itself: a lower bound of its lead).
//
// Usage: bench_detection [SWITCHOVERS] [KILLS]   (PGHA_LAB_DIR: a running native lab)
#include "benchutil.h"
#include "chaos/nativefaults.h"
#include "clusterobserver.h"
#include "etcd/etcdwatcher.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "lab/labstate.h"
#include "clustermodel.h"
#include "profile/profile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace pgha;
using bench::median;

namespace {

constexpr int kSettleMs = 4000;          // after a switchover or a restart, before the next
constexpr int kWaitMs = 60000;

QElapsedTimer g_clock;
double nowMs() { return g_clock.nsecsElapsed() / 1e6; }

QString range(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? QStringLiteral("—") : QStringLiteral("%1 … %2").arg(v.first(), 0, 'f', 1).arg(v.last(), 0, 'f', 1);
}

// Runs the event loop until `done` or the deadline; false on the deadline.
bool waitUntil(const std::function<bool()> &done, int timeoutMs = kWaitMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();   // a benchmark process, not the GUI
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    g_clock.start();
    const int switchovers = argc > 1 ? atoi(argv[1]) : 5;
    const int kills = argc > 2 ? atoi(argv[2]) : 10;
    const QString labDir = svc::LabConfig::defaultLabDir();
    auto state = svc::LabState::load(labDir);
    if (!state || state.value().flavor != u"native") {
        std::fprintf(stderr, "bench_detection: needs a running native lab in %s\n", qPrintable(labDir));
        return 1;
    }
    const svc::LabConfig config = state.value().config;

    svc::HttpClient http;
    models::ClusterObserver observer(&http);
    const svc::Profile profile = svc::resolveProfile(QStringLiteral("lab"), labDir).value();
    observer.setProfile(profile);
    observer.setPasswords(svc::labPasswords(profile));
    observer.start();
    if (!waitUntil([&] { return observer.etcdWatcher()->isWatching() && observer.cluster()->leaderCount() == 1; })) {
        std::fprintf(stderr, "bench_detection: the etcd watch did not open (%s)\n", qPrintable(observer.etcdWatcher()->note()));
        return 1;
    }

    // --- 1. the etcd watch against etcdctl watch -------------------------------------------
    QHash<qint64, double> modelAt, ctlAt;   // by revision
    QHash<qint64, QString> keyOf;
    QObject::connect(observer.etcdWatcher(), &svc::EtcdWatcher::keysChanged, &app,
                     [&](const QList<svc::EtcdWatchEvent> &events, qint64, qint64) {
                         const double t = nowMs();   // the observer's slot ran first: the model has it
                         for (const auto &e : events) {
                             modelAt.insert(e.kv.modRevision, t);
                             keyOf.insert(e.kv.modRevision, e.kv.key);
                         }
                     });
    QProcess ctl;
    QByteArray carry;
    QObject::connect(&ctl, &QProcess::readyReadStandardOutput, &app, [&] {
        const double t = nowMs();
        carry += ctl.readAllStandardOutput();
        qsizetype nl;
        while ((nl = carry.indexOf('\n')) >= 0) {
            const QJsonObject o = QJsonDocument::fromJson(carry.left(nl)).object();
            carry.remove(0, nl + 1);
            for (const auto &e : o.value(u"Events").toArray())
                ctlAt.insert(e.toObject().value(u"kv").toObject().value(u"mod_revision").toInteger(), t);
        }
    });
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ETCDCTL_API"), QStringLiteral("3"));
    ctl.setProcessEnvironment(env);
    ctl.start(QStringLiteral("etcdctl"), {QStringLiteral("--endpoints=http://127.0.0.1:%1").arg(config.ports.etcdClient[0]),
                                          QStringLiteral("watch"), QStringLiteral("--prefix"), profile.dcsNamespace.isEmpty()
                                                  ? QStringLiteral("/service/") : profile.dcsNamespace,
                                          QStringLiteral("-w"), QStringLiteral("json")});
    if (!ctl.waitForStarted(5000)) {
        std::fprintf(stderr, "bench_detection: etcdctl did not start\n");
        return 1;
    }
    bench::waitMs(1000);
    for (int i = 0; i < switchovers; ++i) {
        const QString leader = observer.cluster()->snapshot().leader() ? observer.cluster()->snapshot().leader()->name : QString();
        const QUrl api = QUrl(observer.cluster()->snapshot().leader()->apiUrl).adjusted(QUrl::RemovePath);
        bool answered = false;
        http.postJson(QUrl(api.toString() + QStringLiteral("/switchover")), QJsonDocument(QJsonObject{{QStringLiteral("leader"), leader}}).toJson(), 10000,
                      &app, [&](const svc::HttpResult &r) {
                          answered = true;
                          if (!r.isSuccess())
                              std::fprintf(stderr, "switchover %d: %s\n", i + 1, qPrintable(svc::explainHttpFailure(r, leader)));
                      });
        waitUntil([&] { return answered; });
        if (!waitUntil([&] {
                const auto *l = observer.cluster()->snapshot().leader();
                return l && l->name != leader && observer.cluster()->leaderCount() == 1;
            }))
            std::fprintf(stderr, "switchover %d: no new leader within %d s\n", i + 1, kWaitMs / 1000);
        std::printf("switchover %d: %s → %s\n", i + 1, qPrintable(leader),
                    observer.cluster()->snapshot().leader() ? qPrintable(observer.cluster()->snapshot().leader()->name) : "?");
        std::fflush(stdout);
        bench::waitMs(kSettleMs);
    }
    bench::waitMs(1000);
    ctl.terminate();
    ctl.waitForFinished(3000);
    QList<double> leaderDelta, otherDelta;
    int missed = 0;
    for (auto it = ctlAt.cbegin(); it != ctlAt.cend(); ++it) {
        if (!modelAt.contains(it.key())) {
            ++missed;
            continue;
        }
        const double d = modelAt.value(it.key()) - it.value();
        (keyOf.value(it.key()).endsWith(u"/leader") ? leaderDelta : otherDelta).append(d);
    }
    std::printf("\netcd watch → model, minus etcdctl watch's arrival, by revision (ms; negative: the model first):\n");
    std::printf("  leader key: %lld events, median %+.1f ms, range %s\n", static_cast<long long>(leaderDelta.size()), median(leaderDelta),
                qPrintable(range(leaderDelta)));
    std::printf("  other keys: %lld events, median %+.1f ms, range %s\n", static_cast<long long>(otherDelta.size()), median(otherDelta),
                qPrintable(range(otherDelta)));
    std::printf("  events etcdctl saw that the model did not: %d\n", missed);

    // --- 2. SIGKILL → unreachable ---------------------------------------------------------
    QList<double> detect, pollAlone;
    QStringList firsts;
    for (int i = 0; i < kills; ++i) {
        const auto snap = observer.cluster()->snapshot();
        QString victim;
        for (const auto &m : snap.members)
            if (!m.isLeader() && m.isRunning())
                victim = m.name;
        auto fresh = svc::LabState::load(labDir);
        const svc::LabState::Process *p = fresh ? fresh.value().process(victim) : nullptr;
        if (!p) {
            std::fprintf(stderr, "kill %d: no running replica found\n", i + 1);
            break;
        }
        double pollAt = -1;
        auto conn = QObject::connect(&observer, &models::ClusterObserver::eventRecorded, &app, [&](const models::ClusterEvent &e) {
            if (pollAt < 0 && e.kind == u"source-unreachable" && e.source == QStringLiteral("patroni:") + victim)
                pollAt = nowMs();
        });
        const double killedAt = nowMs();
        svc::nativefaults::crash(*p);
        const bool seen = waitUntil([&] { return observer.reachability().isDown(victim); }, 20000);
        const double seenAt = nowMs();
        waitUntil([&] { return pollAt >= 0; }, 5000);
        QObject::disconnect(conn);
        if (seen) {
            detect.append(seenAt - killedAt);
            firsts.append(observer.reachability().down().value(victim).firstSource);
        }
        if (pollAt >= 0)
            pollAlone.append(pollAt - killedAt);
        std::printf("kill %d: %s unreachable after %.1f ms (first seen by %s); the REST poll alone: %.0f ms\n", i + 1, qPrintable(victim),
                    seenAt - killedAt, qPrintable(observer.reachability().down().value(victim).firstSource), pollAt - killedAt);
        std::fflush(stdout);
        bool ok = false;
        svc::nativefaults::restart(labDir, victim, &ok);
        waitUntil([&] {
            const auto *m = observer.cluster()->snapshot().member(victim);
            return !observer.reachability().isDown(victim) && m && m->isRunning();
        });
        bench::waitMs(kSettleMs);
    }
    std::printf("\nSIGKILL → \"unreachable\" in the model: %lld kills, median %.1f ms, range %s\n", static_cast<long long>(detect.size()),
                median(detect), qPrintable(range(detect)));
    std::printf("the 1 Hz REST poll alone, same kills: median %.0f ms, range %s\n", median(pollAlone), qPrintable(range(pollAlone)));
    std::printf("first seen by: %s\n", qPrintable(firsts.join(QStringLiteral(", "))));
    observer.stop();
    return 0;
}
