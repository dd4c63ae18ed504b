#include "txlog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

namespace pgha::svc {

namespace {

constexpr qint64 kUsPerSecond = 1'000'000;
// Settling commits costs a look at every stream; doing it once per this many new commits (or
// when the pending set doubles) keeps it O(1) per line.
constexpr qsizetype kSettleBatch = 4096;
// Per-mille ranks of the reported percentiles: p50, p90, p95, p99, p99.9.
constexpr qint64 kPerMille[] = {500, 900, 950, 990, 999};

qint64 saturatingAdd(qint64 a, qint64 b)
{
    return a > std::numeric_limits<qint64>::max() - b ? std::numeric_limits<qint64>::max() : a + b;
}

// Fills `e` from one line; on failure returns why (a literal, so the hot path allocates nothing).
// One pass splits the fields and reads the numbers: this runs for every line of a log that can
// hold millions of them.
const char *parseLine(std::string_view s, TxLogColumns columns, TxLogEntry &e)
{
    // At most 18 digits per field, so a value cannot overflow (every bound below is far smaller).
    constexpr int kMaxDigits = 18;
    constexpr int kMaxFields = 8;
    if (s.size() > static_cast<size_t>(kMaxTxLogLineBytes))
        return "longer than a pgbench log line can be";
    if (!s.empty() && s.back() == '\r')
        s.remove_suffix(1);
    qint64 value[kMaxFields];       // -1: not a whole number
    std::string_view timeField;     // the one field that may be a word
    int n = 0;
    qint64 v = 0;
    int digits = 0;
    bool numeric = true;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == ' ') {
            if (n == kMaxFields)
                return "more than 8 fields";
            value[n] = numeric && digits > 0 && digits <= kMaxDigits ? v : -1;
            if (n == 2)
                timeField = s.substr(start, i - start);
            ++n;
            v = 0;
            digits = 0;
            numeric = true;
            start = i + 1;
            continue;
        }
        const auto d = static_cast<unsigned>(s[i]) - static_cast<unsigned>('0');
        if (d > 9)
            numeric = false;
        else if (++digits <= kMaxDigits)
            v = v * 10 + static_cast<qint64>(d);
    }
    if (n < 6)
        return "fewer than 6 fields (truncated?)";

    const qint64 client = value[0];
    const qint64 txNo = value[1];
    const qint64 script = value[3];
    const qint64 epoch = value[4];
    const qint64 us = value[5];
    if (client < 0 || !std::in_range<int>(client))
        return "client_id is not a whole number";
    if (txNo < 0)
        return "transaction_no is not a whole number";
    if (script < 0 || !std::in_range<int>(script))
        return "script_no is not a whole number";
    if (epoch < 0 || epoch > kMaxTxLogEpochSeconds)
        return "time_epoch is not a Unix time";
    if (us < 0 || us >= kUsPerSecond)
        return "time_us is not 0–999999";

    e = TxLogEntry();
    e.clientId = static_cast<int>(client);
    e.transactionNo = txNo;
    e.scriptNo = static_cast<int>(script);
    e.epochS = epoch;
    e.epochUs = static_cast<int>(us);
    if (const qint64 latency = value[2]; latency >= 0) {
        if (latency > kMaxTxLogLatencyUs)
            return "latency beyond any run";
        e.latencyUs = latency;
    } else if (timeField == "skipped") {
        e.outcome = TxLogEntry::Outcome::Skipped;
    } else if (timeField == "failed") {
        e.outcome = TxLogEntry::Outcome::Failed;
    } else if (timeField == "serialization") {
        e.outcome = TxLogEntry::Outcome::SerializationFailure;
    } else if (timeField == "deadlock") {
        e.outcome = TxLogEntry::Outcome::DeadlockFailure;
    } else {
        return "time is neither µs nor skipped/failed/serialization/deadlock";
    }

    const bool lag = n == 8 || (n == 7 && columns.scheduleLag);
    if (lag) {
        const qint64 lagUs = value[6];
        if (lagUs < 0 || lagUs > kMaxTxLogLatencyUs)
            return "schedule_lag is not a whole number of µs";
        e.scheduleLagUs = lagUs;
    }
    if (n == 8 || (n == 7 && !lag)) {
        const qint64 retries = value[n - 1];
        if (retries < 0 || retries > kMaxTxLogRetries)
            return "retries is not a whole number";
        e.retries = retries;
    }
    return nullptr;
}

} // namespace

Result<TxLogEntry> parseTxLogLine(QByteArrayView line, TxLogColumns columns)
{
    TxLogEntry e;
    const std::string_view s(line.data(), static_cast<size_t>(line.size()));
    if (const char *why = parseLine(s, columns, e)) {
        const QByteArray shown = line.first(std::min<qsizetype>(line.size(), 60)).toByteArray();
        return makeError(QStringLiteral("pgbench transaction log line: %1 (got \"%2\")").arg(QString::fromUtf8(why), QString::fromUtf8(shown)),
                         QStringLiteral("expected pgbench -l output: \"client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]\""));
    }
    return e;
}

// --- accumulator ------------------------------------------------------------------------------

void TxLogAccumulator::Gap::take(qint64 t)
{
    if (any && t - last > longestUs) {
        longestUs = t - last;
        startUs = last;
    }
    last = t;
    any = true;
}

int TxLogAccumulator::addStream()
{
    m_streams.emplace_back();
    ++m_openStreams;
    return static_cast<int>(m_streams.size()) - 1;
}

void TxLogAccumulator::add(int stream, const TxLogEntry &e)
{
    if (stream < 0 || stream >= static_cast<int>(m_streams.size()))
        return;
    using O = TxLogEntry::Outcome;
    switch (e.outcome) {
    case O::Committed:
        ++m_counts.committed;
        if (e.latencyUs < kExactLatencyBucketsUs) {
            const auto us = static_cast<size_t>(e.latencyUs);
            if (us >= m_buckets.size())
                m_buckets.resize(std::min(std::bit_ceil(us + 1), static_cast<size_t>(kExactLatencyBucketsUs)));
            ++m_buckets[us];
        } else {
            m_longLatencies.push_back(e.latencyUs);
        }
        m_latencySumUs += static_cast<double>(e.latencyUs);
        addCommitTime(stream, e.endUs());
        if (m_recent)
            m_recent->add(stream, e.endUs(), e.latencyUs);
        break;
    case O::Skipped:
        ++m_counts.skipped;
        break;
    case O::SerializationFailure:
        ++m_counts.serializationFailures;
        ++m_counts.failed;
        break;
    case O::DeadlockFailure:
        ++m_counts.deadlockFailures;
        ++m_counts.failed;
        break;
    case O::Failed:
        ++m_counts.failed;
        break;
    }
    if (e.retries) {
        m_counts.totalRetries = saturatingAdd(m_counts.totalRetries, *e.retries);
        if (*e.retries > 0)
            ++m_counts.retriedTransactions;
    }
    // A skipped transaction never started: its lag says nothing about the schedule kept.
    if (e.scheduleLagUs && e.outcome != O::Skipped) {
        m_counts.maxScheduleLagUs = std::max(m_counts.maxScheduleLagUs.value_or(0), *e.scheduleLagUs);
        m_lagSumUs += static_cast<double>(*e.scheduleLagUs);
        ++m_lagCount;
    }
    countSecond(e.epochS, e.outcome);
}

void TxLogAccumulator::countSecond(qint64 epochS, TxLogEntry::Outcome outcome)
{
    // Lines mostly come in time order, so the newest second is the usual hit.
    SecondCounts *c = nullptr;
    if (!m_seconds.empty() && m_seconds.rbegin()->first == epochS) {
        c = &m_seconds.rbegin()->second;
    } else if (auto it = m_seconds.find(epochS); it != m_seconds.end()) {
        c = &it->second;
    } else if (static_cast<qsizetype>(m_seconds.size()) < kMaxTxLogSeconds) {
        c = &m_seconds.emplace(epochS, SecondCounts{epochS, 0, 0, 0}).first->second;
    } else {
        m_counts.perSecondTruncated = true;
        return;
    }
    switch (outcome) {
    case TxLogEntry::Outcome::Committed: ++c->committed; break;
    case TxLogEntry::Outcome::Skipped: ++c->skipped; break;
    default: ++c->failed; break;
    }
}

void TxLogAccumulator::addCommitTime(int stream, qint64 t)
{
    if (m_counts.committed == 1) {
        m_counts.firstCommitUs = t;
        m_counts.lastCommitUs = t;
    }
    m_counts.firstCommitUs = std::min(m_counts.firstCommitUs, t);
    m_counts.lastCommitUs = std::max(m_counts.lastCommitUs, t);

    if (m_gap.any && t < m_gap.last) {
        // Earlier than a commit already settled: the file broke its own order, or was held back
        // past kMaxPendingCommits. The gap it falls into is no longer known exactly.
        m_gapExact = false;
        return;
    }
    Stream &s = m_streams[static_cast<size_t>(stream)];
    if (m_openStreams == 1 && !s.finished && m_pendingTotal == 0 && t >= s.lastSeen) {
        // The only file still open: nothing can come before this commit any more.
        s.lastSeen = t;
        s.any = true;
        m_gap.take(t);
        return;
    }
    if (s.any && t < s.lastSeen)
        s.pending.insert(std::upper_bound(s.pending.begin(), s.pending.end(), t), t);
    else
        s.pending.push_back(t);
    s.lastSeen = std::max(s.lastSeen, t);
    s.any = true;
    ++m_pendingTotal;
    if (m_pendingTotal > kMaxPendingCommits)
        settle(true);
    else if (m_pendingTotal >= m_settleAt)
        settle(false);
}

void TxLogAccumulator::finishStream(int stream)
{
    if (stream < 0 || stream >= static_cast<int>(m_streams.size()))
        return;
    Stream &s = m_streams[static_cast<size_t>(stream)];
    if (m_recent)
        m_recent->finishStream(stream);
    if (!s.finished)
        --m_openStreams;
    s.finished = true;
    settle(false);
}

namespace {

// Sorts `v`, made of runs that are each in order and begin at the offsets in `starts`, by merging
// neighbouring runs pairwise: O(n log runs), where a full sort would redo the files' own order.
void mergeRuns(std::vector<qint64> &v, std::vector<size_t> starts)
{
    while (starts.size() > 1) {
        std::vector<size_t> merged;
        for (size_t r = 0; r < starts.size(); r += 2) {
            merged.push_back(starts[r]);
            if (r + 1 < starts.size()) {
                const size_t end = r + 2 < starts.size() ? starts[r + 2] : v.size();
                std::inplace_merge(v.begin() + static_cast<std::ptrdiff_t>(starts[r]),
                                   v.begin() + static_cast<std::ptrdiff_t>(starts[r + 1]),
                                   v.begin() + static_cast<std::ptrdiff_t>(end));
            }
        }
        starts = std::move(merged);
    }
}

} // namespace

void TxLogAccumulator::settle(bool everything)
{
    // Every open file will only bring commits at or after its newest one.
    qint64 watermark = std::numeric_limits<qint64>::max();
    if (!everything)
        for (const Stream &s : m_streams)
            if (!s.finished)
                watermark = std::min(watermark, s.any ? s.lastSeen : std::numeric_limits<qint64>::min());
    std::vector<qint64> batch;
    std::vector<size_t> starts;
    for (Stream &s : m_streams) {
        if (s.pending.empty() || s.pending.front() > watermark)
            continue;
        starts.push_back(batch.size());
        const auto end = std::upper_bound(s.pending.begin(), s.pending.end(), watermark);
        batch.insert(batch.end(), s.pending.begin(), end);
        s.pending.erase(s.pending.begin(), end);
    }
    mergeRuns(batch, std::move(starts));
    for (const qint64 t : batch)
        m_gap.take(t);
    m_pendingTotal -= static_cast<qsizetype>(batch.size());
    m_settleAt = m_pendingTotal + std::max(kSettleBatch, m_pendingTotal);
}

TxLogStats TxLogAccumulator::stats() const
{
    TxLogStats st = m_counts;
    st.gapExact = m_gapExact;
    if (m_lagCount > 0)
        st.meanScheduleLagUs = m_lagSumUs / static_cast<double>(m_lagCount);
    st.perSecondTruncated = m_counts.perSecondTruncated;
    st.perSecond.reserve(static_cast<qsizetype>(m_seconds.size()));
    for (const auto &[second, counts] : m_seconds)
        st.perSecond.append(counts);

    // What is still pending can only shorten gaps when more arrives: settle a copy.
    Gap gap = m_gap;
    std::vector<qint64> pending;
    std::vector<size_t> starts;
    pending.reserve(static_cast<size_t>(m_pendingTotal));
    for (const Stream &s : m_streams) {
        starts.push_back(pending.size());
        pending.insert(pending.end(), s.pending.begin(), s.pending.end());
    }
    mergeRuns(pending, std::move(starts));
    for (const qint64 t : pending)
        gap.take(t);
    st.longestGapMs = static_cast<double>(gap.longestUs) / 1000.0;
    st.longestGapStartUs = gap.startUs;

    if (m_counts.committed == 0)
        return st;
    LatencyPercentiles p;
    p.meanUs = m_latencySumUs / static_cast<double>(m_counts.committed);
    std::vector<qint64> longOnes = m_longLatencies;
    std::sort(longOnes.begin(), longOnes.end());

    // Nearest rank: the smallest latency with at least ceil(q × n) transactions at or below it.
    const qint64 n = m_counts.committed;
    qint64 *targets[] = {&p.p50Us, &p.p90Us, &p.p95Us, &p.p99Us, &p.p999Us};
    qint64 ranks[std::size(kPerMille)];
    for (size_t i = 0; i < std::size(kPerMille); ++i)
        ranks[i] = std::max<qint64>(1, n / 1000 * kPerMille[i] + (n % 1000 * kPerMille[i] + 999) / 1000);
    size_t next = 0;
    qint64 seen = 0;
    bool haveMin = false;
    for (size_t us = 0; us < m_buckets.size() && next < std::size(ranks); ++us) {
        if (m_buckets[us] == 0)
            continue;
        if (!haveMin) {
            p.minUs = static_cast<qint64>(us);
            haveMin = true;
        }
        seen += static_cast<qint64>(m_buckets[us]);
        while (next < std::size(ranks) && ranks[next] <= seen)
            *targets[next++] = static_cast<qint64>(us);
    }
    for (; next < std::size(ranks); ++next)
        *targets[next] = longOnes[static_cast<size_t>(ranks[next] - (n - static_cast<qint64>(longOnes.size())) - 1)];
    if (!haveMin)
        p.minUs = longOnes.front();
    if (!longOnes.empty()) {
        p.maxUs = longOnes.back();
    } else {
        for (size_t us = m_buckets.size(); us-- > 0;)
            if (m_buckets[us] != 0) {
                p.maxUs = static_cast<qint64>(us);
                break;
            }
    }
    st.latency = p;
    return st;
}

// --- reader -----------------------------------------------------------------------------------

TxLogReader::TxLogReader(TxLogAccumulator &accumulator, TxLogColumns columns)
    : m_accumulator(accumulator), m_stream(accumulator.addStream()), m_columns(columns)
{
}

void TxLogReader::feed(QByteArrayView bytes)
{
    if (m_finished)
        return;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        const void *hit = std::memchr(bytes.data() + pos, '\n', static_cast<size_t>(bytes.size() - pos));
        if (!hit) {
            if (!m_discarding) {
                m_partial.append(bytes.sliced(pos));
                if (m_partial.size() > kMaxTxLogLineBytes) {
                    // Counted now, like a whole over-long line would be; its rest is skipped.
                    line(m_partial);
                    m_partial.clear();
                    m_discarding = true;
                }
            }
            return;
        }
        const qsizetype nl = static_cast<const char *>(hit) - bytes.data();
        if (m_discarding) {
            m_discarding = false;
        } else if (m_partial.isEmpty()) {
            line(bytes.sliced(pos, nl - pos));
        } else {
            m_partial.append(bytes.sliced(pos, nl - pos));
            line(m_partial.size() > kMaxTxLogLineBytes ? QByteArrayView(m_partial).first(kMaxTxLogLineBytes + 1) : QByteArrayView(m_partial));
            m_partial.clear();
        }
        pos = nl + 1;
    }
}

void TxLogReader::finish()
{
    if (m_finished)
        return;
    // pgbench ends every line with a newline: text after the last one was cut off mid-write.
    if (!m_partial.isEmpty() && !m_discarding) {
        ++m_lines;
        ++m_malformed;
        if (m_firstError.isEmpty())
            m_firstError = QStringLiteral("line %1: unterminated last line (the file was cut off)").arg(m_lines);
    }
    m_partial.clear();
    m_finished = true;
    m_accumulator.finishStream(m_stream);
}

void TxLogReader::line(QByteArrayView text)
{
    if (text.isEmpty())
        return;
    ++m_lines;
    TxLogEntry e;
    // Over-long lines are cut to one byte past the limit, so either way they read alike.
    const std::string_view s(text.data(), static_cast<size_t>(std::min(text.size(), kMaxTxLogLineBytes + 1)));
    if (const char *why = parseLine(s, m_columns, e)) {
        ++m_malformed;
        if (m_firstError.isEmpty())
            m_firstError = QStringLiteral("line %1: %2").arg(m_lines).arg(QString::fromUtf8(why));
        return;
    }
    m_accumulator.add(m_stream, e);
}

} // namespace pgha::svc

namespace pgha::svc {

QList<QPair<qint64, qint64>> TxLogAccumulator::histogram(int bins) const
{
    QList<QPair<qint64, qint64>> out;
    if (m_counts.committed == 0 || bins < 1)
        return out;
    qint64 lo = -1, hi = 0;
    for (size_t us = 0; us < m_buckets.size(); ++us)
        if (m_buckets[us] != 0) {
            if (lo < 0)
                lo = static_cast<qint64>(us);
            hi = static_cast<qint64>(us);
        }
    for (const qint64 l : m_longLatencies) {
        lo = lo < 0 ? l : std::min(lo, l);
        hi = std::max(hi, l);
    }
    lo = std::max<qint64>(1, lo);
    hi = std::max(hi, lo);
    // Upper bounds grow by one ratio from the fastest to the slowest latency; the last is the max.
    const double ratio = std::pow(double(hi) / double(lo), 1.0 / bins);
    QList<qint64> bounds;
    for (int i = 1; i <= bins; ++i) {
        const qint64 b = i == bins ? hi : static_cast<qint64>(std::ceil(double(lo) * std::pow(ratio, i)));
        if (bounds.isEmpty() || b > bounds.last())
            bounds.append(b);
    }
    if (bounds.isEmpty() || bounds.last() < hi)
        bounds.append(hi);
    QList<qint64> counts(bounds.size(), 0);
    qsizetype bin = 0;
    for (size_t us = 0; us < m_buckets.size(); ++us) {
        if (m_buckets[us] == 0)
            continue;
        while (static_cast<qint64>(us) > bounds[bin])
            ++bin;
        counts[bin] += static_cast<qint64>(m_buckets[us]);
    }
    for (const qint64 l : m_longLatencies) {
        const auto it = std::lower_bound(bounds.cbegin(), bounds.cend(), l);
        counts[it - bounds.cbegin()] += 1;
    }
    for (qsizetype i = 0; i < bounds.size(); ++i)
        out.append({bounds[i], counts[i]});
    return out;
}

} // namespace pgha::svc

namespace pgha::svc {

void RecentLatencies::add(int stream, qint64 endUs, qint64 latencyUs)
{
    if (stream < 0)
        return;
    // Floor division: a transaction that ended before the origin belongs to second −1.
    const qint64 rel = endUs - m_originUs;
    const qint64 epochS = rel >= 0 ? rel / 1'000'000 : -((-rel + 999'999) / 1'000'000);
    const auto i = static_cast<size_t>(stream);
    if (i >= m_streamLastS.size()) {
        m_streamLastS.resize(i + 1, -1);
        m_streamFinished.resize(i + 1, false);
    }
    m_streamLastS[i] = std::max(m_streamLastS[i], epochS);
    m_seconds[epochS].push_back(latencyUs);
    ++m_held;
}

void RecentLatencies::finishStream(int stream)
{
    if (stream >= 0 && static_cast<size_t>(stream) < m_streamFinished.size())
        m_streamFinished[static_cast<size_t>(stream)] = true;
}

RecentLatencies::Second RecentLatencies::summarize(qint64 index, std::vector<qint64> &l) const
{
    Second s;
    s.index = index;
    s.count = static_cast<qint64>(l.size());
    // Nearest rank, as the run's own percentiles: the smallest value with ⌈q·n⌉ at or below it.
    auto rank = [&l](int perMille) {
        const size_t k = std::max<size_t>(1, (l.size() * static_cast<size_t>(perMille) + 999) / 1000) - 1;
        std::nth_element(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(k), l.end());
        return l[k];
    };
    s.p50Us = rank(500);
    s.p95Us = rank(950);
    s.p99Us = rank(990);
    return s;
}

QList<RecentLatencies::Second> RecentLatencies::takeBefore(qint64 index)
{
    QList<Second> out;
    auto it = m_seconds.begin();
    for (; it != m_seconds.end() && it->first < index; ++it) {
        m_held -= static_cast<qsizetype>(it->second.size());
        if (!it->second.empty())
            out.append(summarize(it->first, it->second));
    }
    m_seconds.erase(m_seconds.begin(), it);
    return out;
}

QList<RecentLatencies::Second> RecentLatencies::takeCompleted()
{
    // Each file is in end-time order: a second is complete once every open file is past it.
    qint64 watermark = std::numeric_limits<qint64>::max();
    for (size_t i = 0; i < m_streamLastS.size(); ++i)
        if (!m_streamFinished[i] && m_streamLastS[i] >= 0)
            watermark = std::min(watermark, m_streamLastS[i]);
    QList<Second> out = takeBefore(watermark);
    // Bounded: beyond kMaxHeld the oldest seconds go out as they are.
    while (m_held > kMaxHeld && !m_seconds.empty())
        out += takeBefore(m_seconds.begin()->first + 1);
    return out;
}

QList<RecentLatencies::Second> RecentLatencies::takeAll()
{
    return takeBefore(std::numeric_limits<qint64>::max());
}

} // namespace pgha::svc
