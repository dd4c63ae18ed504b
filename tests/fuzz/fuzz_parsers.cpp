// Mutation fuzzing of every parser: each recorded payload in tests/fixtures is mutated
// (bit flips, byte changes, truncation, duplication, splicing with another payload, deletion
// of ranges, insertion of interesting tokens) and fed to every parser. A finding is a crash, a
// sanitizer report or a hang; an error value is the expected outcome for most mutants.
// Readers of files this project writes itself (the lab state, the operator journal, the chaos
// run store) get seeds written by the project's own writers at start-up, beside the fixtures.
//
// Usage: fuzz_parsers [EXECUTIONS] [SEED] [--only NAME[,NAME…]]
//        fuzz_parsers --replay FILE [--replay FILE…] [--only NAME…]   (a saved finding, timed)
//   EXECUTIONS mutated inputs, each fed to every parser (or to those whose name contains one
//   of the NAMEs); prints executions, rate and findings, in total and per parser.
#include "actions/actionrunner.h"
#include "actions/journal.h"
#include "chaos/chaosreport.h"
#include "docker/containerlist.h"
#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"
#include "http/httpframing.h"
#include "http/httpclient.h"
#include "lab/labfiles.h"
#include "lab/labstate.h"
#include "metrics/prometheustext.h"
#include "metrics/metricsdigest.h"
#include "patroni/patroniparser.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgobservation.h"
#include "pg/pgpoolobservation.h"
#include "profile/profile.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

using namespace pgha::svc;

namespace {

// One parse using more CPU than this is a finding. CPU time of this thread, not wall time: on a
// loaded machine a parse may wait seconds for a core without being slow itself.
constexpr qint64 kHangMs = 2000;
// A parse still running after this long is taken as one that never returns: the watchdog saves
// the input and ends the run (waiting for it would only turn the finding into a ctest timeout).
constexpr qint64 kStuckMs = 30000;
constexpr int kWatchdogTickMs = 100;

qint64 threadCpuNs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000000000 + t.tv_nsec;
}

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

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Seeds for the readers of the project's own files, written by the project's own writers (a
// real lab's state.json holds its passwords: none is committed as a fixture).
QList<QByteArray> writtenSeeds(const QList<QByteArray> &chaosRuns)
{
    QList<QByteArray> seeds;
    QTemporaryDir dir;
    if (!dir.isValid())
        return seeds;

    // The lab state as the native lab records it after a start, and as the Docker lab does.
    for (const bool docker : {false, true}) {
        LabState state;
        state.flavor = docker ? QStringLiteral("docker") : QStringLiteral("native");
        state.phase = LabState::Phase::Running;
        state.config.labDir = dir.path();
        state.config.withPgpool = !docker;
        state.config.restTls = !docker;
        state.config.restAuth = !docker;
        state.secrets = generateSecrets();
        const LabLayout layout(dir.path());
        qint64 pid = QCoreApplication::applicationPid();
        for (const LabComponent &c : state.config.components()) {
            LabState::Process p{c.name, c.kind, 0, 0, 0, layout.logFile(c.name), QString(), QString()};
            if (docker) {
                p.container = QStringLiteral("%1-%2-1").arg(state.config.dockerProject, c.name);
            } else {
                p.pid = p.pgid = ++pid;
                p.startTicks = 4200 + pid;
                if (c.kind == LabComponentKind::Patroni)
                    p.dataDir = layout.dataDir(c);
            }
            state.processes.append(p);
        }
        state.updatedAtMs = QDateTime::currentMSecsSinceEpoch();
        seeds.append(state.toJson());   // what save() writes
    }

    // The operator journal: an action refused before sending, as the runner records it.
    const Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    HttpClient http;
    ActionRunner refused(&http, ActionTarget{});
    refused.execute();
    const JournalContext context{QStringLiteral("lab"), QStringLiteral("lab"), QStringLiteral("pgha-lab"),
                                 QStringLiteral("pgha"), QString()};
    if (journal.append(journalEntry(refused, context)) && journal.append(journalEntry(refused, context)))
        seeds.append(readFile(journal.path()));

    // The chaos run store holding the recorded runs (tests/fixtures/chaos), appended one by one.
    const QString store = dir.filePath(QStringLiteral("chaos-runs.jsonl"));
    for (const QByteArray &recorded : chaosRuns)
        if (auto run = ChaosReport::fromJson(QJsonDocument::fromJson(recorded).object()))
            appendChaosRun(store, run.value());
    if (QFile::exists(store))
        seeds.append(readFile(store));
    return seeds;
}

// Notices a parse that never returns. The main loop says what it parses; the watchdog checks
// every kWatchdogTickMs and, past kStuckMs, saves the input, says so and ends the process.
class Watchdog {
public:
    Watchdog() : m_thread([this] { watch(); }) {}
    ~Watchdog()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_quit = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    void begin(const char *parser, const QByteArray *input, qint64 n)
    {
        const std::lock_guard lock(m_mutex);
        m_parser = parser;
        m_input = input;
        m_n = n;
        m_since = std::chrono::steady_clock::now();
    }
    void end()
    {
        const std::lock_guard lock(m_mutex);
        m_parser = nullptr;
    }

private:
    void watch()
    {
        std::unique_lock lock(m_mutex);
        while (!m_wake.wait_for(lock, std::chrono::milliseconds(kWatchdogTickMs), [this] { return m_quit; })) {
            if (!m_parser || std::chrono::steady_clock::now() - m_since < std::chrono::milliseconds(kStuckMs))
                continue;
            // The main thread is inside the parser, reading (never changing) the input: safe to read.
            const QString name = QStringLiteral("fuzz-stuck-%1.bin").arg(m_n);
            QFile dump(name);
            if (dump.open(QIODevice::WriteOnly))
                dump.write(*m_input);
            std::fprintf(stderr, "finding: %s has not returned after %lld ms (input saved to %s)\n", m_parser,
                         static_cast<long long>(kStuckMs), qPrintable(name));
            std::fflush(stderr);
            std::_Exit(2);
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_quit = false;
    const char *m_parser = nullptr;
    const QByteArray *m_input = nullptr;
    qint64 m_n = 0;
    std::chrono::steady_clock::time_point m_since;
    std::thread m_thread;   // last: started once the members above exist
};

struct ParserFigures {
    qint64 executions = 0;
    qint64 accepted = 0;
    qint64 nanoseconds = 0;
    qint64 slowestNs = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList positional, only, replay;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--only" && i + 1 < args.size())
            only = args[++i].split(QLatin1Char(','), Qt::SkipEmptyParts);
        else if (args[i] == u"--replay" && i + 1 < args.size())
            replay.append(args[++i]);
        else
            positional.append(args[i]);
    }
    const qint64 executions = positional.size() > 0 ? positional[0].toLongLong() : 20000;
    const quint64 seed = positional.size() > 1 ? positional[1].toULongLong() : 20261122;

    QList<QByteArray> corpus;
    QList<QByteArray> chaosRuns;
    QDirIterator it(QStringLiteral(PGHA_FIXTURES_DIR), {QStringLiteral("*.json"), QStringLiteral("*.csv"), QStringLiteral("*.txt"), QStringLiteral("*.yaml"), QStringLiteral("*.jsonl")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        corpus.append(readFile(path));
        if (path.contains(u"/chaos/"))
            chaosRuns.append(corpus.last());
    }
    const QList<QByteArray> written = writtenSeeds(chaosRuns);
    corpus += written;
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
        {"etcd watch + scopes", [](const QByteArray &b) {
             // One line of a watch stream; the whole recorded stream is one seed, so lines too.
             bool any = false;
             for (const QByteArray &line : b.split('\n')) {
                 auto m = parseEtcdWatchMessage(line);
                 if (!m)
                     continue;
                 any = true;
                 QList<EtcdKeyValue> kvs;
                 for (const auto &e : m.value().events)
                     kvs.append(e.kv);
                 patroniScopesFromKeys(kvs, QStringLiteral("/service/"));
             }
             return any;
         }},
        {"etcd lease ttl", [](const QByteArray &b) { return parseEtcdLeaseTimeToLive(b).ok(); }},
        {"etcd v2 + scopes", [](const QByteArray &b) {
             auto r = parseEtcdV2Keys(b);
             if (r)
                 patroniScopesFromKeys(r.value(), QStringLiteral("/pgha-test/"));
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
        {"docker ps", [](const QByteArray &b) { return docker::parseContainerList(b).ok(); }},
        {"docker stats", [](const QByteArray &b) { return docker::parseContainerStats(b).ok(); }},
        {"lab state", [](const QByteArray &b) { return LabState::fromJson(b, QStringLiteral("/fuzz/lab")).ok(); }},
        {"operator journal", [](const QByteArray &b) {
             int damaged = 0;
             return !Journal::parse(b, &damaged).isEmpty() && damaged == 0;
         }},
        {"chaos run store", [](const QByteArray &b) {
             int skipped = 0;
             const auto runs = parseChaosRuns(b, &skipped);
             qsizetype shown = 0;
             for (const auto &r : runs)   // what the CLI and the Chaos tab make of every stored run
                 shown += reportCardText(r).size() + r.csvRow().size();
             return shown > 0 && summarizeRuns(runs).runs == runs.size() && skipped == 0;
         }},
    };

    QList<int> chosen;
    for (int p = 0; p < parsers.size(); ++p)
        if (only.isEmpty() || std::any_of(only.begin(), only.end(), [&](const QString &o) { return QLatin1String(parsers[p].first).contains(o); }))
            chosen.append(p);
    if (chosen.isEmpty()) {
        std::fprintf(stderr, "fuzz_parsers: no parser's name contains any of: %s\n", qPrintable(only.join(u", ")));
        return 2;
    }

    // --replay FILE…: each saved input through the chosen parsers once, with the CPU time it took.
    if (!replay.isEmpty()) {
        for (const QString &path : std::as_const(replay)) {
            const QByteArray input = readFile(path);
            for (const int p : std::as_const(chosen)) {
                const qint64 cpuBefore = threadCpuNs();
                const bool accepted = parsers[p].second(input);
                std::printf("%s: %-20s %s in %.1f ms of CPU\n", qPrintable(path), parsers[p].first, accepted ? "accepted" : "refused",
                            static_cast<double>(threadCpuNs() - cpuBefore) / 1e6);
            }
        }
        return 0;
    }

    std::mt19937_64 rng(seed);
    QList<ParserFigures> figures(parsers.size());
    qint64 findings = 0;
    Watchdog watchdog;
    QElapsedTimer total;
    total.start();
    for (qint64 n = 0; n < executions; ++n) {
        const QByteArray input = mutate(corpus.at(static_cast<qsizetype>(rng() % corpus.size())), corpus, rng);
        for (const int p : std::as_const(chosen)) {
            const qint64 cpuBefore = threadCpuNs();
            watchdog.begin(parsers[p].first, &input, n);
            const bool accepted = parsers[p].second(input);   // a crash or sanitizer report ends the run
            watchdog.end();
            const qint64 ns = threadCpuNs() - cpuBefore;
            ParserFigures &f = figures[p];
            ++f.executions;
            f.accepted += accepted ? 1 : 0;
            f.nanoseconds += ns;
            f.slowestNs = std::max(f.slowestNs, ns);
            if (ns / 1000000 > kHangMs) {
                ++findings;
                QFile dump(QStringLiteral("fuzz-hang-%1.bin").arg(n));
                if (dump.open(QIODevice::WriteOnly))
                    dump.write(input);
                std::fprintf(stderr, "finding: %s took %lld ms (input saved to %s)\n", parsers[p].first,
                             static_cast<long long>(ns / 1000000), qPrintable(dump.fileName()));
            }
        }
    }
    const double seconds = static_cast<double>(total.elapsed()) / 1000.0;
    const qint64 all = executions * chosen.size();
    std::printf("fuzz_parsers: seed %llu, %zd fixtures + %zd written seeds, %lld mutated inputs × %zd parsers = %lld executions in %.1f s "
                "(%.0f executions/s)\n",
                static_cast<unsigned long long>(seed), static_cast<ssize_t>(corpus.size() - written.size()),
                static_cast<ssize_t>(written.size()), static_cast<long long>(executions), static_cast<ssize_t>(chosen.size()),
                static_cast<long long>(all), seconds, static_cast<double>(all) / std::max(seconds, 0.001));
    std::printf("  %-20s %12s %10s %12s %12s\n", "parser", "executions", "accepted", "mean us", "slowest ms");
    for (const int p : std::as_const(chosen)) {
        const ParserFigures &f = figures[p];
        std::printf("  %-20s %12lld %10lld %12.1f %12.1f\n", parsers[p].first, static_cast<long long>(f.executions),
                    static_cast<long long>(f.accepted),
                    static_cast<double>(f.nanoseconds) / 1000.0 / static_cast<double>(std::max<qint64>(f.executions, 1)),
                    static_cast<double>(f.slowestNs) / 1e6);
    }
    std::printf("findings (crash, sanitizer report or a parse using > %lld ms of CPU): %lld\n", static_cast<long long>(kHangMs),
                static_cast<long long>(findings));
    return findings == 0 ? 0 : 1;
}
