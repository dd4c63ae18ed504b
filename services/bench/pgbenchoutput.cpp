#include "pgbenchoutput.h"

#include "textscan.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace pgha::svc {

using namespace textscan;

namespace {

// A progress line has at most eight ", "-separated parts; more means it is not one.
constexpr int kMaxProgressParts = 12;
// pgbench's scale tops out near 2^31 / 100000 × 100000 rows; nothing sane generates more.
constexpr qint64 kMaxInitRows = qint64(1) << 50;
// How much of an offending line an error message quotes.
constexpr qsizetype kQuotedChars = 80;

std::string_view view(QByteArrayView v) { return {v.data(), static_cast<size_t>(v.size())}; }

QString quoted(std::string_view s)
{
    const QByteArray bytes(s.data(), static_cast<qsizetype>(std::min<size_t>(s.size(), kQuotedChars)));
    return QString::fromUtf8(bytes) + (s.size() > kQuotedChars ? QStringLiteral("…") : QString());
}

QString text(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

Error progressError(const QString &what, std::string_view line)
{
    return makeError(QStringLiteral("pgbench progress line: %1 (got \"%2\")").arg(what, quoted(line)),
                     QStringLiteral("expected pgbench -P output such as \"progress: 5.0 s, 1234.5 tps, lat 1.234 ms stddev 0.456, 0 failed\""));
}

Error initError(const QString &what, std::string_view line)
{
    return makeError(QStringLiteral("pgbench -i progress line: %1 (got \"%2\")").arg(what, quoted(line)),
                     QStringLiteral("expected \"100000 of 200000 tuples (50%) done (elapsed 0.04 s, remaining 0.04 s)\""));
}

Error summaryError(const QString &what)
{
    return makeError(QStringLiteral("pgbench summary: ") + what,
                     QStringLiteral("read pgbench's standard output after it exited; if it printed no summary, its error output says why"));
}

// "<N> word" → N.
std::optional<qint64> countBefore(std::string_view part, std::string_view word)
{
    if (!consumeSuffix(part, word))
        return std::nullopt;
    return parseCount(part);
}

std::optional<double> parseStddev(std::string_view s)
{
    // sqrt of a variance that rounding made slightly negative: glibc prints "-nan".
    if (s == "nan" || s == "-nan")
        return std::numeric_limits<double>::quiet_NaN();
    return parseDecimal(s);
}

} // namespace

QList<QByteArrayView> splitPgbenchLines(QByteArrayView text)
{
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n' || text[i] == '\r') {
            if (i > start)
                lines.append(text.sliced(start, i - start));
            start = i + 1;
        }
    }
    return lines;
}

Result<ProgressSample> parseProgressLine(QByteArrayView line)
{
    if (line.size() > kMaxPgbenchLineBytes)
        return progressError(QStringLiteral("longer than %1 bytes").arg(kMaxPgbenchLineBytes), view(line));
    const std::string_view whole = trimmed(view(line));
    std::string_view s = whole;
    if (!consumePrefix(s, "progress: "))
        return progressError(QStringLiteral("does not start with \"progress: \""), whole);

    std::vector<std::string_view> parts;
    while (!s.empty()) {
        if (parts.size() >= kMaxProgressParts)
            return progressError(QStringLiteral("more than %1 fields").arg(kMaxProgressParts), whole);
        parts.push_back(takeUntil(s, ", "));
    }
    if (parts.size() < 3)
        return progressError(QStringLiteral("truncated: needs time, tps and latency"), whole);

    ProgressSample p;
    std::string_view time = parts[0];
    std::optional<double> t;
    if (consumeSuffix(time, " s"))
        t = parseDecimal(time);
    if (!t)
        return progressError(QStringLiteral("the time is not \"<seconds> s\""), whole);
    p.t = *t;
    p.epochTime = fractionDigits(time) == 3 || p.t >= kEpochSecondsFloor;

    std::string_view tps = parts[1];
    std::optional<double> tpsValue;
    if (consumeSuffix(tps, " tps"))
        tpsValue = parseDecimal(tps);
    if (!tpsValue)
        return progressError(QStringLiteral("the rate is not \"<n> tps\""), whole);
    p.tps = *tpsValue;

    std::string_view lat = parts[2];
    std::optional<double> avg;
    std::optional<double> stddev;
    if (consumePrefix(lat, "lat ")) {
        avg = parseDecimal(takeUntil(lat, " ms stddev "));
        stddev = parseStddev(lat);
    }
    if (!avg || !stddev)
        return progressError(QStringLiteral("the latency is not \"lat <ms> ms stddev <ms>\""), whole);
    p.latAvgMs = *avg;
    p.latStddevMs = *stddev;

    // pgbench prints the optional fields in this order, each at most once; "skipped" only
    // under -R (after "lag"), and "retried" always with "retries".
    enum Stage { Start, Failed, Lag, Skipped, Retried, Retries };
    Stage stage = Start;
    for (size_t i = 3; i < parts.size(); ++i) {
        std::string_view part = parts[i];
        if (std::optional<qint64> n = countBefore(part, " failed"); n && stage < Failed) {
            p.failed = *n;
            p.failedReported = true;
            stage = Failed;
        } else if (consumePrefix(part, "lag ") && stage < Lag) {
            const std::optional<double> lag = consumeSuffix(part, " ms") ? parseDecimal(part) : std::nullopt;
            if (!lag)
                return progressError(QStringLiteral("the lag is not \"lag <ms> ms\""), whole);
            p.lagMs = *lag;
            stage = Lag;
        } else if (std::optional<qint64> sk = countBefore(parts[i], " skipped"); sk && stage == Lag) {
            p.skipped = *sk;
            stage = Skipped;
        } else if (std::optional<qint64> rd = countBefore(parts[i], " retried"); rd && stage < Retried) {
            p.retried = *rd;
            stage = Retried;
        } else if (std::optional<qint64> rs = countBefore(parts[i], " retries"); rs && stage == Retried) {
            p.retries = *rs;
            stage = Retries;
        } else {
            return progressError(QStringLiteral("unexpected field \"%1\"").arg(quoted(parts[i])), whole);
        }
    }
    if (stage == Retried)
        return progressError(QStringLiteral("truncated: \"retried\" without \"retries\""), whole);
    return p;
}

Result<InitProgress> parseInitProgress(QByteArrayView line)
{
    if (line.size() > kMaxPgbenchLineBytes)
        return initError(QStringLiteral("longer than %1 bytes").arg(kMaxPgbenchLineBytes), view(line));
    // A terminal run pads a shorter message with spaces to overwrite the longer one before it.
    const std::string_view whole = trimmed(view(line));
    std::string_view s = whole;
    InitProgress p;

    if (consumePrefix(s, "done in ")) {
        const std::optional<double> elapsed = parseDecimal(takeUntil(s, " s"));
        if (!elapsed || s.empty() || s.front() != ' ')
            return initError(QStringLiteral("the closing line is not \"done in <s> s (…).\""), whole);
        p.finished = true;
        p.fraction = 1.0;
        p.elapsedS = *elapsed;
        return p;
    }

    const std::optional<qint64> done = parseCount(takeUntil(s, " of "));
    const std::optional<qint64> total = parseCount(takeUntil(s, " tuples ("));
    const std::optional<qint64> percent = parseCount(takeUntil(s, "%) "));
    if (!done || !total || !percent)
        return initError(QStringLiteral("not \"<done> of <total> tuples (<p>%) …\""), whole);
    if (*total <= 0 || *total > kMaxInitRows || *done > *total)
        return initError(QStringLiteral("%1 of %2 rows is not a plausible count").arg(*done).arg(*total), whole);
    if (*percent != *done * 100 / *total)
        return initError(QStringLiteral("%1% does not match %2 of %3 rows").arg(*percent).arg(*done).arg(*total), whole);
    if (consumePrefix(s, "of ")) {
        const std::string_view table = takeUntil(s, " done (");
        if (table.empty() || s.empty())
            return initError(QStringLiteral("no table name before \"done\""), whole);
        p.table = text(table);
    } else if (!consumePrefix(s, "done (")) {
        return initError(QStringLiteral("no \"done (\" after the percentage"), whole);
    }
    std::optional<double> elapsed;
    std::optional<double> remaining;
    if (consumePrefix(s, "elapsed ")) {
        elapsed = parseDecimal(takeUntil(s, " s, remaining "));
        if (consumeSuffix(s, " s)"))
            remaining = parseDecimal(s);
    }
    if (!elapsed || !remaining)
        return initError(QStringLiteral("truncated or garbled \"(elapsed <s> s, remaining <s> s)\""), whole);

    p.done = *done;
    p.total = *total;
    p.fraction = static_cast<double>(*done) / static_cast<double>(*total);
    p.elapsedS = *elapsed;
    p.remainingS = *remaining;
    return p;
}

namespace {

// One statement line of -r: "   %11.3f  %s" (13/14), "   %11.3f  %10lld %s" (15+, failures),
// "   %11.3f  %10lld %10lld %s" (15+ with retries).
std::optional<StatementLatency> parseStatementLine(std::string_view line, int numbers)
{
    auto token = [](std::string_view &s) {
        while (!s.empty() && s.front() == ' ')
            s.remove_prefix(1);
        const auto end = s.find(' ');
        const std::string_view t = s.substr(0, end);
        s = end == std::string_view::npos ? std::string_view() : s.substr(end);
        return t;
    };
    if (line.empty() || line.front() != ' ')
        return std::nullopt;
    StatementLatency st;
    const std::optional<double> latency = parseDecimal(token(line));
    if (!latency)
        return std::nullopt;
    st.latencyMs = *latency;
    if (numbers >= 2) {
        st.failures = parseCount(token(line));
        if (!st.failures)
            return std::nullopt;
    }
    if (numbers >= 3) {
        st.retries = parseCount(token(line));
        if (!st.retries)
            return std::nullopt;
    }
    const std::string_view command = trimmed(line);
    if (command.empty())
        return std::nullopt;
    st.command = text(command);
    return st;
}

// "<n> (<p>%)" → n.
std::optional<qint64> countWithPercent(std::string_view s)
{
    return parseCount(takeUntil(s, " ("));
}

std::optional<double> millis(std::string_view s)
{
    return consumeSuffix(s, " ms") ? parseDecimal(s) : std::nullopt;
}

std::optional<int> smallCount(std::string_view s)
{
    const std::optional<qint64> n = parseCount(s);
    return n && std::in_range<int>(*n) ? std::optional<int>(static_cast<int>(*n)) : std::nullopt;
}

// A line inside a "SQL script N:" block, after its " - " prefix.
bool parseScriptLine(std::string_view s, ScriptSummary &script)
{
    if (consumePrefix(s, "weight: ")) {
        const std::optional<int> w = smallCount(takeUntil(s, " ("));
        if (!w)
            return false;
        script.weight = *w;
        return true;
    }
    if (consumePrefix(s, "number of failed transactions: ")) {
        script.failed = countWithPercent(s);
        return script.failed.has_value();
    }
    if (consumePrefix(s, "latency average = ")) {
        script.latencyAvgMs = millis(s);
        return script.latencyAvgMs.has_value();
    }
    if (consumePrefix(s, "latency stddev = ")) {
        script.latencyStddevMs = millis(s);
        return script.latencyStddevMs.has_value();
    }
    // " - 13051 transactions (83.0% of total, tps = 4366.902818)" (13-17) or, in newer
    // sources, " - number of transactions actually processed: 13051 (tps = 4366.902818)".
    const bool newer = consumePrefix(s, "number of transactions actually processed: ");
    const std::optional<qint64> n = parseCount(takeUntil(s, newer ? " (" : " transactions ("));
    if (n && !s.empty()) {
        takeUntil(s, "tps = ");
        std::optional<double> tps;
        if (consumeSuffix(s, ")"))
            tps = parseDecimal(s);
        if (!tps)
            return false;
        script.transactions = *n;
        script.tps = *tps;
        return true;
    }
    return true; // another per-script figure this parser does not keep
}

} // namespace

Result<PgbenchSummary> parsePgbenchSummary(QByteArrayView stdoutText, QByteArrayView stderrText)
{
    if (stdoutText.size() > kMaxSummaryBytes || stderrText.size() > kMaxSummaryBytes)
        return summaryError(QStringLiteral("output over the %1 MiB limit").arg(kMaxSummaryBytes >> 20));

    PgbenchSummary sum;
    for (const QByteArrayView l : splitPgbenchLines(stderrText)) {
        std::string_view s = view(l);
        if (s.find("Run was aborted") != std::string_view::npos)
            sum.aborted = true;
        if ((consumePrefix(s, "pgbench: error: ") || consumePrefix(s, "pgbench: fatal: "))
            && sum.errors.size() < kMaxCollectedErrors)
            sum.errors.append(text(s));
    }

    bool sawProcessed = false;
    int statementColumns = 0;      // inside a "statement latencies" block: numbers per line
    int script = -1;               // inside a "SQL script N:" block
    int lineNo = 0;
    for (const QByteArrayView l : splitPgbenchLines(stdoutText)) {
        ++lineNo;
        const std::string_view raw = view(l);
        auto bad = [&](const char *what) {
            return summaryError(QStringLiteral("line %1: %2 (got \"%3\")").arg(lineNo).arg(QLatin1String(what), quoted(raw)));
        };
        if (raw.find("Run was aborted") != std::string_view::npos) {
            sum.aborted = true;
            continue;
        }
        if (statementColumns > 0) {
            if (std::optional<StatementLatency> st = parseStatementLine(raw, statementColumns)) {
                if (sum.statements.size() >= kMaxSummaryStatements)
                    return bad("more statements than the parser keeps");
                st->script = std::max(script, 0);
                sum.statements.append(*st);
                continue;
            }
            statementColumns = 0;
        }
        std::string_view s = trimmed(raw);
        const bool inScript = consumePrefix(s, "- ");
        if (consumePrefix(s, "statement latencies in milliseconds")) {
            statementColumns = s.starts_with(", failures and retries") ? 3 : s.starts_with(" and failures") ? 2 : 1;
            continue;
        }
        if (inScript) {
            if (script < 0 || !parseScriptLine(s, sum.scripts[script]))
                return bad("unreadable per-script line");
            continue;
        }
        if (consumePrefix(s, "SQL script ")) {
            if (sum.scripts.size() >= kMaxSummaryScripts)
                return bad("more scripts than pgbench allows");
            takeUntil(s, ": ");
            ScriptSummary sc;
            sc.name = text(s);
            sum.scripts.append(sc);
            script = static_cast<int>(sum.scripts.size()) - 1;
            continue;
        }
        if (consumePrefix(s, "pgbench (")) {
            if (!consumeSuffix(s, ")"))
                return bad("unterminated version banner");
            const auto server = s.find(", server ");
            sum.pgbenchVersion = text(s.substr(0, server));
            if (server != std::string_view::npos)
                sum.serverVersion = text(s.substr(server + 9));
        } else if (consumePrefix(s, "transaction type: ")) {
            sum.transactionType = text(s);
        } else if (consumePrefix(s, "scaling factor: ")) {
            const std::optional<int> n = smallCount(s);
            if (!n)
                return bad("scaling factor is not a whole number");
            sum.scalingFactor = *n;
        } else if (consumePrefix(s, "query mode: ")) {
            sum.queryMode = text(s);
        } else if (consumePrefix(s, "number of clients: ")) {
            const std::optional<int> n = smallCount(s);
            if (!n)
                return bad("number of clients is not a whole number");
            sum.clients = *n;
        } else if (consumePrefix(s, "number of threads: ")) {
            const std::optional<int> n = smallCount(s);
            if (!n)
                return bad("number of threads is not a whole number");
            sum.threads = *n;
        } else if (consumePrefix(s, "maximum number of tries: ")) {
            sum.maxTries = smallCount(s);
            if (!sum.maxTries)
                return bad("maximum number of tries is not a whole number");
        } else if (consumePrefix(s, "duration: ")) {
            sum.durationS = consumeSuffix(s, " s") ? smallCount(s) : std::nullopt;
            if (!sum.durationS)
                return bad("duration is not \"<n> s\"");
        } else if (consumePrefix(s, "number of transactions per client: ")) {
            sum.transactionsPerClient = parseCount(s);
            if (!sum.transactionsPerClient)
                return bad("transactions per client is not a whole number");
        } else if (consumePrefix(s, "number of transactions actually processed: ")) {
            const std::optional<qint64> n = parseCount(takeUntil(s, "/"));
            if (!n)
                return bad("transactions processed is not a whole number");
            sum.processed = *n;
            if (!s.empty()) {
                sum.intended = parseCount(s);
                if (!sum.intended)
                    return bad("transactions intended is not a whole number");
            }
            sawProcessed = true;
        } else if (consumePrefix(s, "number of failed transactions: ")) {
            if (!(sum.failed = countWithPercent(s)))
                return bad("failed transactions is not \"<n> (<p>%)\"");
        } else if (consumePrefix(s, "number of serialization failures: ")) {
            if (!(sum.serializationFailures = countWithPercent(s)))
                return bad("serialization failures is not \"<n> (<p>%)\"");
        } else if (consumePrefix(s, "number of deadlock failures: ")) {
            if (!(sum.deadlockFailures = countWithPercent(s)))
                return bad("deadlock failures is not \"<n> (<p>%)\"");
        } else if (consumePrefix(s, "number of transactions retried: ")) {
            if (!(sum.retried = countWithPercent(s)))
                return bad("transactions retried is not \"<n> (<p>%)\"");
        } else if (consumePrefix(s, "total number of retries: ")) {
            if (!(sum.totalRetries = parseCount(s)))
                return bad("total number of retries is not a whole number");
        } else if (consumePrefix(s, "number of transactions skipped: ")) {
            if (!(sum.skipped = countWithPercent(s)))
                return bad("transactions skipped is not \"<n> (<p>%)\"");
        } else if (consumePrefix(s, "number of transactions above the ")) {
            sum.latencyLimitMs = parseDecimal(takeUntil(s, " ms latency limit: "));
            sum.late = parseCount(takeUntil(s, "/"));
            if (!sum.latencyLimitMs || !sum.late)
                return bad("latency limit line is not \"… the <ms> ms latency limit: <n>/<m> (<p>%)\"");
        } else if (consumePrefix(s, "latency average = ")) {
            sum.latencyIncludesFailures = consumeSuffix(s, " (including failures)");
            if (!(sum.latencyAvgMs = millis(s)))
                return bad("latency average is not \"<ms> ms\"");
        } else if (consumePrefix(s, "latency stddev = ")) {
            if (!(sum.latencyStddevMs = millis(s)))
                return bad("latency stddev is not \"<ms> ms\"");
        } else if (consumePrefix(s, "rate limit schedule lag: avg ")) {
            sum.lagAvgMs = parseDecimal(takeUntil(s, " (max "));
            sum.lagMaxMs = consumeSuffix(s, ") ms") ? parseDecimal(s) : std::nullopt;
            if (!sum.lagAvgMs || !sum.lagMaxMs)
                return bad("schedule lag is not \"avg <ms> (max <ms>) ms\"");
        } else if (consumePrefix(s, "initial connection time = ")) {
            if (!(sum.initialConnectionMs = millis(s)))
                return bad("initial connection time is not \"<ms> ms\"");
        } else if (consumePrefix(s, "average connection time = ")) {
            if (!(sum.averageConnectionMs = millis(s)))
                return bad("average connection time is not \"<ms> ms\"");
        } else if (consumePrefix(s, "tps = ")) {
            const std::optional<double> tps = parseDecimal(takeUntil(s, " ("));
            if (!tps || !consumeSuffix(s, ")"))
                return bad("tps is not \"<n> (…)\" (truncated?)");
            if (s == "including connections establishing") {
                sum.tpsIncludingConnections = tps;
            } else if (s == "including reconnection times") {
                // -C: every transaction pays a connection, so this is the run's only rate.
                sum.tpsIncludingConnections = tps;
                sum.tps = tps;
            } else {
                sum.tps = tps;     // "without initial connection time", 13's "excluding …"
            }
        }
        // Anything else (partition lines, newer additions) is not needed and not an error.
    }

    if (sum.transactionType.isEmpty())
        return summaryError(sum.errors.isEmpty() ? QStringLiteral("no \"transaction type:\" line: this is not a pgbench summary")
                                                 : QStringLiteral("none printed; pgbench said: ") + sum.errors.front());
    if (!sawProcessed)
        return summaryError(QStringLiteral("truncated: no \"number of transactions actually processed\" line"));
    // pgbench stops after the processed count when no transaction ran; otherwise a missing
    // rate means the text was cut short.
    if (!sum.tps && !sum.aborted && sum.processed > 0)
        return summaryError(QStringLiteral("truncated: no \"tps = \" line"));
    return sum;
}

Result<PgbenchError> parsePgbenchError(QByteArrayView stderrText)
{
    if (stderrText.size() > kMaxSummaryBytes)
        return makeError(QStringLiteral("pgbench error output over the %1 MiB limit").arg(kMaxSummaryBytes >> 20));
    const QList<QByteArrayView> lines = splitPgbenchLines(stderrText);
    PgbenchError e;
    qsizetype at = -1;
    for (qsizetype i = 0; i < lines.size() && at < 0; ++i) {
        std::string_view s = view(lines[i]);
        // pgbench names itself by the base name of argv[0]; getopt (glibc) by the whole argv[0].
        const auto colon = s.find(": ");
        if (colon == std::string_view::npos)
            continue;
        std::string_view prog = s.substr(0, colon);
        std::string_view rest = s.substr(colon + 2);
        if (const auto slash = prog.rfind('/'); slash != std::string_view::npos)
            prog.remove_prefix(slash + 1);
        if (prog != "pgbench")
            continue;
        if (consumePrefix(rest, "error: ") || consumePrefix(rest, "fatal: ")
            || rest.starts_with("unrecognized option") || rest.starts_with("invalid option")
            || rest.starts_with("option requires an argument") || rest.starts_with("option '")) {
            e.message = text(rest);
            at = i;
        }
    }
    if (at < 0)
        return makeError(QStringLiteral("pgbench's error output holds no error message"),
                         QStringLiteral("look at the whole output of pgbench"));

    // "<file>:<line>: <message>" for a script it could not parse.
    const QByteArray msg = e.message.toUtf8();
    const std::string_view m(msg.constData(), static_cast<size_t>(msg.size()));
    for (size_t c = m.find(':'); c != std::string_view::npos; c = m.find(':', c + 1)) {
        std::string_view after = m.substr(c + 1);
        const std::string_view digits = takeUntil(after, ": ");
        const std::optional<int> lineNo = smallCount(digits);
        if (lineNo && *lineNo > 0 && !after.empty() && c > 0) {
            e.scriptFile = text(m.substr(0, c));
            e.scriptLine = *lineNo;
            break;
        }
    }

    for (qsizetype i = at + 1; i < lines.size(); ++i) {
        std::string_view s = view(lines[i]);
        if (consumePrefix(s, "pgbench: hint: ") || consumePrefix(s, "pgbench: detail: ") || s.starts_with("Try \"pgbench --help\"")) {
            e.hint = e.hint.isEmpty() ? text(s) : e.hint + QLatin1Char(' ') + text(s);
        } else if (s.starts_with("pgbench: ")) {
            break;                            // the next message of its own
        } else if (!e.scriptFile.isEmpty() && e.sourceLine.isEmpty()) {
            e.sourceLine = text(s);
        } else if (!e.scriptFile.isEmpty() && e.column < 0 && s.find("^ error found here") != std::string_view::npos) {
            e.column = static_cast<int>(std::min<size_t>(s.find('^'), kMaxPgbenchLineBytes));
        } else if (!s.empty() && s.front() == '\t') {
            // libpq's continuation ("\tIs the server running on that host…")
            e.hint = e.hint.isEmpty() ? text(trimmed(s)) : e.hint + QLatin1Char(' ') + text(trimmed(s));
        }
    }
    return e;
}

} // namespace pgha::svc
