// Parse cost of each recorded payload, in microseconds per parse (median of batches), so the
// console's steady-state CPU can be traced to its parts. Prints figures; asserts nothing.
// Usage: bench_parsers [BATCHES]
#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"
#include "metrics/metricsdigest.h"
#include "metrics/prometheustext.h"
#include "patroni/patroniparser.h"

#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace pgha::svc;

namespace {
QByteArray fixture(const char *path)
{
    QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/") + QString::fromLatin1(path));
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}
} // namespace

int main(int argc, char *argv[])
{
    const int batches = argc > 1 ? std::max(1, atoi(argv[1])) : 15;
    constexpr int kPerBatch = 20;
    const QList<std::tuple<const char *, const char *, std::function<bool(const QByteArray &)>>> cases = {
        {"Patroni /cluster", "patroni/cluster-normal.json", [](const QByteArray &b) { return parsePatroniCluster(b).ok(); }},
        {"Patroni /patroni", "patroni/patroni-leader.json", [](const QByteArray &b) { return parsePatroniStatus(b).ok(); }},
        {"HAProxy CSV", "haproxy/stats-with-addr.csv", [](const QByteArray &b) { return parseHaproxyCsv(b).ok(); }},
        {"etcd range (Patroni keys)", "etcd/range-service.json", [](const QByteArray &b) { return parseEtcdRange(b).ok(); }},
        {"Patroni /metrics", "prometheus/patroni-metrics.txt", [](const QByteArray &b) { return parsePrometheusText(b).ok(); }},
        {"etcd /metrics", "prometheus/etcd-metrics.txt", [](const QByteArray &b) { return parsePrometheusText(b).ok(); }},
        {"etcd /metrics + digest", "prometheus/etcd-metrics.txt",
         [](const QByteArray &b) { return digestMetrics(parsePrometheusText(b).value()).families > 0; }},
        {"etcd /metrics, digest's families", "prometheus/etcd-metrics.txt",
         [](const QByteArray &b) { return digestMetrics(parsePrometheusText(b, &digestFamilies()).value()).families > 0; }},
        {"postgres_exporter /metrics", "prometheus/postgres-exporter-metrics.txt",
         [](const QByteArray &b) { return parsePrometheusText(b).ok(); }},
        {"postgres_exporter, digest's", "prometheus/postgres-exporter-metrics.txt",
         [](const QByteArray &b) { return digestMetrics(parsePrometheusText(b, &digestFamilies()).value()).families > 0; }},
    };
    std::printf("%-34s %9s %12s\n", "payload", "bytes", "µs/parse");
    for (const auto &[name, path, parse] : cases) {
        const QByteArray payload = fixture(path);
        QList<double> perParse;
        for (int b = 0; b < batches; ++b) {
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < kPerBatch; ++i)
                if (!parse(payload))
                    return std::fprintf(stderr, "%s did not parse\n", name), 1;
            perParse.append(t.nsecsElapsed() / 1e3 / kPerBatch);
        }
        std::sort(perParse.begin(), perParse.end());
        std::printf("%-34s %9lld %12.1f\n", name, static_cast<long long>(payload.size()), perParse[perParse.size() / 2]);
    }
    return 0;
}
