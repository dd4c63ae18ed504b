// CPU per poll round of the HTTP client: the requests one 1 Hz round of the console sends
// over plain http (Patroni /cluster and /patroni ×3, etcd /health ×3, HAProxy's CSV, one
// exporter's /metrics), all at once as the pollers send them, through HttpClient (HttpExchange:
// one connection per request on the calling thread) and through Qt's QNetworkAccessManager (its
// own HTTP thread, connections kept alive where the server allows) — the client the console
// used before — alternating round by round in one process. CPU is the whole process's
// (getrusage, every thread). Prints medians and the ratio; asserts nothing.
//
// Usage: bench_http [ROUNDS]   (the lab must be running; PGHA_LAB_DIR picks which)
#include "benchutil.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace pgha;
using bench::cpuMs;
using bench::median;

namespace {

constexpr int kTimeoutMs = 2000;
constexpr int kPauseMs = 100;   // between rounds: the servers' sockets settle

struct Round {
    double cpuMs = 0;
    double wallMs = 0;
    int failed = 0;
    qint64 bytes = 0;
};

// Sends every URL at once through `send` (which calls done(ok, bytes) once per URL) and runs the
// event loop until all answered.
template <typename Send>
Round runRound(const QList<QUrl> &urls, Send send)
{
    Round r;
    int pending = int(urls.size());
    QEventLoop loop;
    const double cpu0 = cpuMs();
    QElapsedTimer wall;
    wall.start();
    for (const QUrl &url : urls)
        send(url, [&](bool ok, qint64 bytes) {
            r.failed += ok ? 0 : 1;
            r.bytes += bytes;
            if (--pending == 0)
                loop.quit();
        });
    if (pending > 0)
        loop.exec();
    r.wallMs = double(wall.nsecsElapsed()) / 1e6;
    r.cpuMs = cpuMs() - cpu0;
    return r;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(1, atoi(argv[1])) : 200;
    auto state = svc::LabState::load(svc::LabConfig::defaultLabDir());
    if (!state) {
        std::fprintf(stderr, "bench_http: %s\n", qPrintable(state.error().toString()));
        return 1;
    }
    const svc::LabPorts &ports = state.value().config.ports;
    auto at = [](int port, const char *path) { return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(QLatin1String(path))); };
    QList<QUrl> urls;
    for (int i = 0; i < svc::kLabMembers; ++i) {
        urls << at(ports.rest[i], "/cluster") << at(ports.rest[i], "/patroni") << at(ports.etcdClient[i], "/health");
    }
    urls << at(ports.haproxyStats, "/stats;csv") << at(ports.exporter[0], "/metrics");

    svc::HttpClient client;
    auto viaClient = [&client](const QUrl &url, auto done) {
        client.get(url, kTimeoutMs, nullptr, [done](const svc::HttpResult &r) { done(r.isSuccess(), r.body.size()); });
    };
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    auto viaNam = [&nam](const QUrl &url, auto done) {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setRawHeader("Accept", "application/json, text/plain, */*");
        request.setTransferTimeout(kTimeoutMs);
        QNetworkReply *reply = nam.get(request);
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            done(reply->error() == QNetworkReply::NoError && status >= 200 && status < 300, reply->readAll().size());
        });
    };

    // Warm-up: TLS backends, DNS-free connects, the managers' first allocations.
    for (int i = 0; i < 5; ++i) {
        runRound(urls, viaClient);
        runRound(urls, viaNam);
    }
    QList<double> cpuClient, cpuNam, wallClient, wallNam, ratios;
    int failedClient = 0, failedNam = 0;
    qint64 bytes = 0;
    for (int i = 0; i < rounds; ++i) {
        // Alternate which goes first: neither always meets the servers right after the other.
        Round a, b;
        if (i % 2 == 0) {
            a = runRound(urls, viaClient);
            bench::waitMs(kPauseMs);
            b = runRound(urls, viaNam);
        } else {
            b = runRound(urls, viaNam);
            bench::waitMs(kPauseMs);
            a = runRound(urls, viaClient);
        }
        bench::waitMs(kPauseMs);
        cpuClient << a.cpuMs;
        cpuNam << b.cpuMs;
        wallClient << a.wallMs;
        wallNam << b.wallMs;
        if (b.cpuMs > 0)
            ratios << a.cpuMs / b.cpuMs;
        failedClient += a.failed;
        failedNam += b.failed;
        bytes = a.bytes;
    }
    std::printf("%lld requests per round (%lld bytes), %d rounds each, alternating\n",
                static_cast<long long>(urls.size()), static_cast<long long>(bytes), rounds);
    std::printf("HttpClient (HttpExchange): CPU %.2f ms/round (median), wall %.1f ms, %d failed\n", median(cpuClient),
                median(wallClient), failedClient);
    std::printf("QNetworkAccessManager:     CPU %.2f ms/round (median), wall %.1f ms, %d failed\n", median(cpuNam),
                median(wallNam), failedNam);
    std::sort(ratios.begin(), ratios.end());
    std::printf("paired ratio HttpClient/QNAM: median %.2f (quartiles %.2f–%.2f)\n", median(ratios),
                ratios.isEmpty() ? 0.0 : ratios[ratios.size() / 4], ratios.isEmpty() ? 0.0 : ratios[ratios.size() * 3 / 4]);
    return failedClient || failedNam ? 1 : 0;
}
