// Cost of merging a pgbench -l log into exact percentiles, against the obvious peer: keeping
// every latency and sorting them. 2,000,000 synthetic lines (one file, end times in order,
// latencies ~200 µs with a tail, 0.1 % of them past one second) are measured three ways, each
// ROUNDS times in the same process, and the median, min and max of each are printed:
//   reader   text → TxLogReader (64 KiB chunks) → stats(): what the console pays per run
//   merge    parsed entries → TxLogAccumulator::add → stats(): the percentile machinery alone
//   merge×2  the same entries as two files (threads) read in turns of 4096 lines, as a live
//            reader would: what ordering the files' commits for the longest gap adds
//   sort     the raw latencies → std::sort → the same six order statistics (the peer)
// Prints figures; asserts only that both ways agree. Usage: bench_txlog [LINES] [ROUNDS]
#include "bench/txlog.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using namespace pgha::svc;

namespace {

constexpr qsizetype kDefaultLines = 2'000'000;
constexpr int kDefaultRounds = 7;
constexpr qsizetype kChunkBytes = 64 * 1024;      // what a file watcher typically hands over
constexpr size_t kTurnLines = 4096;                // lines read from one file before the other
constexpr qint64 kRunStartUs = 1'796'231'922'000'000;

struct Figures {
    std::vector<double> ms;
    void add(double v) { ms.push_back(v); }
    double median() const
    {
        std::vector<double> s = ms;
        std::sort(s.begin(), s.end());
        return s[s.size() / 2];
    }
    double min() const { return *std::min_element(ms.begin(), ms.end()); }
    double max() const { return *std::max_element(ms.begin(), ms.end()); }
};

std::vector<qint64> nearestRanks(std::vector<qint64> sorted)
{
    const auto n = static_cast<qint64>(sorted.size());
    std::vector<qint64> out;
    for (const qint64 q : {500, 900, 950, 990, 999})
        out.push_back(sorted[static_cast<size_t>(std::max<qint64>(1, (n * q + 999) / 1000) - 1)]);
    out.push_back(sorted.back());
    return out;
}

} // namespace

int main(int argc, char *argv[])
{
    const qsizetype lines = argc > 1 ? std::max<qsizetype>(1000, std::atoll(argv[1])) : kDefaultLines;
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : kDefaultRounds;

    std::mt19937_64 rng(20261202);
    std::lognormal_distribution<double> body(std::log(200.0), 0.6);
    std::uniform_int_distribution<qint64> tail(1'100'000, 3'000'000);
    std::uniform_int_distribution<int> tailPick(0, 999);
    std::vector<TxLogEntry> entries;
    std::vector<qint64> raw;
    entries.reserve(static_cast<size_t>(lines));
    raw.reserve(static_cast<size_t>(lines));
    QByteArray text;
    text.reserve(lines * 40);
    qint64 endUs = kRunStartUs;
    char buf[96];
    for (qsizetype i = 0; i < lines; ++i) {
        const qint64 latency = tailPick(rng) == 0 ? tail(rng) : std::llround(body(rng));
        endUs += 50;                                   // 20,000 tps
        TxLogEntry e;
        e.clientId = static_cast<int>(i % 8);
        e.transactionNo = i / 8 + 1;
        e.latencyUs = latency;
        e.epochS = endUs / 1'000'000;
        e.epochUs = static_cast<int>(endUs % 1'000'000);
        entries.push_back(e);
        raw.push_back(latency);
        const int n = std::snprintf(buf, sizeof buf, "%d %lld %lld 0 %lld %d\n", e.clientId,
                                    static_cast<long long>(e.transactionNo), static_cast<long long>(latency),
                                    static_cast<long long>(e.epochS), e.epochUs);
        text.append(buf, n);
    }

    Figures reader, merge, merge2, sort;
    std::vector<qint64> ours, peer;
    for (int r = 0; r < rounds; ++r) {
        {
            QElapsedTimer t;
            t.start();
            TxLogAccumulator acc;
            TxLogReader rd(acc);
            for (qsizetype at = 0; at < text.size(); at += kChunkBytes)
                rd.feed(QByteArrayView(text).sliced(at, std::min(kChunkBytes, text.size() - at)));
            rd.finish();
            const TxLogStats s = acc.stats();
            reader.add(t.nsecsElapsed() / 1e6);
            if (s.committed != lines || rd.malformedLines() != 0)
                return std::fprintf(stderr, "reader lost lines\n"), 1;
        }
        {
            QElapsedTimer t;
            t.start();
            TxLogAccumulator acc;
            const int stream = acc.addStream();
            for (const TxLogEntry &e : entries)
                acc.add(stream, e);
            acc.finishStream(stream);
            const LatencyPercentiles p = *acc.stats().latency;
            merge.add(t.nsecsElapsed() / 1e6);
            ours = {p.p50Us, p.p90Us, p.p95Us, p.p99Us, p.p999Us, p.maxUs};
        }
        {
            QElapsedTimer t;
            t.start();
            TxLogAccumulator acc;
            const int streams[2] = {acc.addStream(), acc.addStream()};
            // Even transactions are thread 0's, odd ones thread 1's; each file in its own order.
            for (size_t turn = 0; turn * 2 * kTurnLines < entries.size(); ++turn)
                for (size_t s = 0; s < 2; ++s)
                    for (size_t i = turn * 2 * kTurnLines + s; i < std::min(entries.size(), (turn + 1) * 2 * kTurnLines); i += 2)
                        acc.add(streams[s], entries[i]);
            acc.finishStream(streams[0]);
            acc.finishStream(streams[1]);
            const TxLogStats st = acc.stats();
            merge2.add(t.nsecsElapsed() / 1e6);
            if (st.latency->p99Us != ours[3] || !st.gapExact)
                return std::fprintf(stderr, "two files disagree with one\n"), 1;
        }
        {
            std::vector<qint64> copy = raw;            // the copy is not timed: sorting is
            QElapsedTimer t;
            t.start();
            std::sort(copy.begin(), copy.end());
            peer = nearestRanks(std::move(copy));
            sort.add(t.nsecsElapsed() / 1e6);
        }
        if (ours != peer)
            return std::fprintf(stderr, "percentiles differ from the sorted peer\n"), 1;
    }

    std::printf("%lld lines (%.1f MiB of log text), %d rounds; p50 %lld µs, p99 %lld µs, p99.9 %lld µs, max %lld µs\n",
                static_cast<long long>(lines), text.size() / 1048576.0, rounds, static_cast<long long>(ours[0]),
                static_cast<long long>(ours[3]), static_cast<long long>(ours[4]), static_cast<long long>(ours[5]));
    std::printf("%-9s %10s %10s %10s %8s\n", "", "median ms", "min ms", "max ms", "spread");
    for (const auto &[name, f] : {std::pair{"reader", &reader}, std::pair{"merge", &merge}, std::pair{"merge×2", &merge2},
                                  std::pair{"sort", &sort}})
        std::printf("%-9s %10.1f %10.1f %10.1f %7.0f%%\n", name, f->median(), f->min(), f->max(),
                    100.0 * (f->max() - f->min()) / f->median());
    std::printf("merge / sort = %.2f   merge×2 / sort = %.2f   reader / sort = %.2f\n", merge.median() / sort.median(),
                merge2.median() / sort.median(), reader.median() / sort.median());
    return 0;
}
