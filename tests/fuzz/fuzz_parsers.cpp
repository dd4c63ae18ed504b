// Mutation fuzzing of every parser: each recorded payload in tests/fixtures is mutated
// (bit flips, byte changes, truncation, duplication, splicing with another payload, deletion
// of ranges, insertion of interesting tokens) and fed to every parser. A finding is a crash, a
// sanitizer report or a hang; an error value is the expected outcome for most mutants.
//
// Usage: fuzz_parsers [EXECUTIONS] [SEED]   (prints executions, rate and findings)
#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"
#include "http/httpframing.h"
#include "metrics/prometheustext.h"
#include "metrics/metricsdigest.h"
#include "patroni/patroniparser.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgobservation.h"
#include "pg/pgpoolobservation.h"
#include "profile/profile.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>

#include <cstdio>
#include <functional>
#include <random>

using namespace pgha::svc;

namespace {

constexpr qint64 kHangMs = 2000;   // one parse taking longer than this is a finding

const QList<QByteArray> kTokens = {"{", "}", "[", "]", "\"", ",", ":", "null", "true", "-1", "1e308", "NaN",
                                   "+Inf", "\\u0000", "\\", "\n", "# TYPE x histogram\n", "x_bucket{le=\"", "{\"",
                                   "\xff", "\xc3", "18446744073709551616", "0/FFFFFFFF", "unknown"};

QByteArray mutate(const QByteArray &in, const QList<QByteArray> &corpus, std::mt19937_64 &rng)
{
    QByteArray out = in;
    const int rounds = 1 + static_cast<int>(rng() % 4);
    for (int r = 0; r < rounds; ++r) {
        const auto size = static_cast<quint64>(out.size());
        const auto pos = [&] { return size ? static_cast<qsizetype>(rng() % size) : 0; };
        switch (rng() % 8) {
        case 0: if (size) out[pos()] = static_cast<char>(out[pos()] ^ (1 << (rng() % 8))); break;
        case 1: if (size) out[pos()] = static_cast<char>(rng() % 256); break;
        case 2: out.truncate(pos()); break;
        case 3: { const auto p = pos(); out.remove(p, static_cast<qsizetype>(rng() % 64)); break; }
        case 4: out.insert(pos(), kTokens.at(static_cast<qsizetype>(rng() % kTokens.size()))); break;
        case 5: { const auto p = pos(); out.insert(p, out.mid(p, static_cast<qsizetype>(rng() % 128))); break; }
        case 6: { const QByteArray &other = corpus.at(static_cast<qsizetype>(rng() % corpus.size()));
                  out = out.left(pos()) + other.mid(other.isEmpty() ? 0 : static_cast<qsizetype>(rng() % other.size())); break; }
        default: { const auto p = pos(); out.replace(p, 1, QByteArray(static_cast<qsizetype>(rng() % 8), p < out.size() ? out.at(p) : 'x')); break; }
        }
    }
    return out;
}

// The libpq parsers take result sets, not bytes: read bytes as the recorded result sets are
// written (psql --csv, NULL for a null, one set per blank-line-separated block), and repeat the
// sets up to `count`, so a single mutated set reaches every position a parser reads.
QList<PgResultSet> resultSets(const QByteArray &bytes, qsizetype count)
{
    QList<PgResultSet> sets;
    bool startSet = true;
    for (const QByteArray &line : bytes.split('\n')) {
        if (line.isEmpty()) {
            startSet = true;
            continue;
        }
        const QStringList fields = QString::fromUtf8(line).split(QLatin1Char(','));
        if (startSet) {
            sets.append({fields, {}, {}});
            startSet = false;
            continue;
        }
        QList<bool> nulls;
        QStringList row;
        for (const QString &f : fields) {
            nulls.append(f == u"NULL");
            row.append(f == u"NULL" ? QString() : f);
        }
        sets.last().rows.append(row);
        sets.last().nulls.append(nulls);
    }
    for (qsizetype i = 0; !sets.isEmpty() && sets.size() < count; ++i)
        sets.append(sets.at(i));
    return sets;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 executions = argc > 1 ? QByteArray(argv[1]).toLongLong() : 20000;
    const quint64 seed = argc > 2 ? QByteArray(argv[2]).toULongLong() : 20261122;

    QList<QByteArray> corpus;
    QDirIterator it(QStringLiteral(PGHA_FIXTURES_DIR), {QStringLiteral("*.json"), QStringLiteral("*.csv"), QStringLiteral("*.txt"), QStringLiteral("*.yaml")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            corpus.append(f.readAll());
    }
    if (corpus.isEmpty()) {
        std::fprintf(stderr, "fuzz_parsers: no fixtures found in %s\n", PGHA_FIXTURES_DIR);
        return 1;
    }

    const QList<std::pair<const char *, std::function<bool(const QByteArray &)>>> parsers = {
        {"patroni /cluster", [](const QByteArray &b) { return parsePatroniCluster(b).ok(); }},
        {"patroni /patroni", [](const QByteArray &b) { return parsePatroniStatus(b).ok(); }},
        {"patroni /history", [](const QByteArray &b) { return parsePatroniHistory(b).ok(); }},
        {"patroni /config", [](const QByteArray &b) { return parsePatroniConfig(b).ok(); }},
        {"haproxy csv", [](const QByteArray &b) { return parseHaproxyCsv(b).ok(); }},
        {"etcd member list", [](const QByteArray &b) { return parseEtcdMemberList(b).ok(); }},
        {"etcd status", [](const QByteArray &b) { return parseEtcdStatus(b).ok(); }},
        {"etcd range + scopes", [](const QByteArray &b) {
             auto r = parseEtcdRange(b);
             if (r)
                 patroniScopesFromKeys(r.value(), QStringLiteral("/service/"));
             return r.ok();
         }},
        {"prometheus + digest", [](const QByteArray &b) {
             auto r = parsePrometheusText(b);
             return r.ok() && digestMetrics(r.value()).families >= 0;   // quantiles over mutated buckets too
         }},
        {"profile yaml", [](const QByteArray &b) { return parseProfile(b, QStringLiteral("fuzz.yaml")).ok(); }},
        {"postgres observation", [](const QByteArray &b) { return parsePgObservation(resultSets(b, 3)).ok(); }},
        {"pgbouncer admin", [](const QByteArray &b) { return parsePgBouncer(resultSets(b, 4)).ok(); }},
        {"pgpool pool_nodes", [](const QByteArray &b) { return parsePgpoolNodes(resultSets(b, 1).value(0)).ok(); }},
        {"http framing", [](const QByteArray &b) {
             // Each input as an answer, and as the body of a chunked one; decoded whole and in
             // three reads split where the input says. A verdict that depends on the reads is a finding.
             constexpr qint64 kBodyLimit = 1024 * 1024;
             bool accepted = false;
             const QByteArray answers[] = {b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b};
             for (const QByteArray &answer : answers) {
                 HttpResponseDecoder whole(kBodyLimit), pieces(kBodyLimit);
                 whole.feed(answer);
                 whole.finish();
                 const qsizetype first = answer.isEmpty() ? 0 : static_cast<unsigned char>(answer.back()) % (answer.size() + 1);
                 const qsizetype second = first + (answer.size() - first) / 2;
                 pieces.feed(QByteArrayView(answer).first(first));
                 pieces.feed(QByteArrayView(answer).sliced(first, second - first));
                 pieces.feed(QByteArrayView(answer).sliced(second));
                 pieces.finish();
                 if (whole.state() != pieces.state() || whole.error() != pieces.error() || whole.body() != pieces.body()
                     || whole.status() != pieces.status() || whole.body().size() > kBodyLimit) {
                     QFile dump(QStringLiteral("fuzz-http-split-%1.bin").arg(qHash(answer)));
                     if (dump.open(QIODevice::WriteOnly))
                         dump.write(answer);
                     qFatal("http framing: reads split at %lld and %lld change the verdict (\"%s\" vs \"%s\"); input saved to %s",
                            static_cast<long long>(first), static_cast<long long>(second), qPrintable(whole.error()),
                            qPrintable(pieces.error()), qPrintable(dump.fileName()));
                 }
                 accepted = accepted || (&answer == &answers[0] && whole.state() == HttpResponseDecoder::State::Done);
             }
             return accepted;
         }},
    };

    std::mt19937_64 rng(seed);
    QList<qint64> accepted(parsers.size(), 0);
    qint64 findings = 0;
    QElapsedTimer total;
    total.start();
    for (qint64 n = 0; n < executions; ++n) {
        const QByteArray input = mutate(corpus.at(static_cast<qsizetype>(rng() % corpus.size())), corpus, rng);
        for (int p = 0; p < parsers.size(); ++p) {
            QElapsedTimer one;
            one.start();
            accepted[p] += parsers[p].second(input) ? 1 : 0;   // a crash or sanitizer report ends the run
            if (one.elapsed() > kHangMs) {
                ++findings;
                QFile dump(QStringLiteral("fuzz-hang-%1.bin").arg(n));
                if (dump.open(QIODevice::WriteOnly))
                    dump.write(input);
                std::fprintf(stderr, "finding: %s took %lld ms (input saved to %s)\n", parsers[p].first,
                             static_cast<long long>(one.elapsed()), qPrintable(dump.fileName()));
            }
        }
    }
    const double seconds = total.elapsed() / 1000.0;
    std::printf("fuzz_parsers: seed %llu, %zd fixtures, %lld mutated inputs × %zd parsers = %lld executions in %.1f s "
                "(%.0f executions/s)\n",
                static_cast<unsigned long long>(seed), static_cast<ssize_t>(corpus.size()), static_cast<long long>(executions),
                static_cast<ssize_t>(parsers.size()), static_cast<long long>(executions * parsers.size()), seconds,
                executions * parsers.size() / std::max(seconds, 0.001));
    for (int p = 0; p < parsers.size(); ++p)
        std::printf("  %-20s accepted %lld mutants\n", parsers[p].first, static_cast<long long>(accepted[p]));
    std::printf("findings (crash, sanitizer report or hang > %lld ms): %lld\n", static_cast<long long>(kHangMs),
                static_cast<long long>(findings));
    return findings == 0 ? 0 : 1;
}
