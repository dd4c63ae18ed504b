// The pgbench module's pure core on output recorded from pgbench 15 (tests/fixtures/pgbench,
// README there), on hand-written 13/14/17 variants, and on hostile input: progress, init and
// summary parsing, the per-transaction log reader and accumulator, and the run statistics.
#include "bench/benchstats.h"
#include "bench/pgbenchoutput.h"
#include "bench/txlog.h"
#include "fixture.h"

#include <QTest>

#include <cmath>

using namespace pgha::svc;

namespace {

QByteArray fx(const char *name) { return readFixture(QStringLiteral("pgbench/") + QLatin1String(name)); }

QList<ProgressSample> progressOf(const QByteArray &stderrText)
{
    QList<ProgressSample> out;
    for (const QByteArrayView l : splitPgbenchLines(stderrText))
        if (l.startsWith("progress: ")) {
            const auto r = parseProgressLine(l);
            if (!r.ok())
                qFatal("%s", qPrintable(r.error().toString()));
            out.append(r.value());
        }
    return out;
}

TxLogStats readWhole(const QByteArray &log, TxLogColumns cols, qint64 *malformed = nullptr)
{
    TxLogAccumulator acc;
    TxLogReader reader(acc, cols);
    reader.feed(log);
    reader.finish();
    if (malformed)
        *malformed = reader.malformedLines();
    return acc.stats();
}

TxLogEntry committed(qint64 latencyUs, qint64 endUs)
{
    TxLogEntry e;
    e.latencyUs = latencyUs;
    e.epochS = endUs / 1000000;
    e.epochUs = static_cast<int>(endUs % 1000000);
    return e;
}

} // namespace

class TestBenchParsers : public QObject {
    Q_OBJECT

private slots:
    // --- -P progress lines ---------------------------------------------------------------------
    void progressRecorded()
    {
        const auto p = progressOf(fx("select-P1.err"));
        QCOMPARE(p.size(), 4);   // a 5 s run printed 4 lines: the run ended before the 5th
        QCOMPARE(p[0].t, 1.0);
        QCOMPARE(p[0].tps, 10017.7);
        QCOMPARE(p[0].latAvgMs, 0.197);
        QCOMPARE(p[0].latStddevMs, 0.506);
        QVERIFY(p[0].failedReported);
        QCOMPARE(p[0].failed, 0);
        QVERIFY(!p[0].lagMs);
        QVERIFY(!p[0].epochTime);
        QCOMPARE(p[3].t, 4.0);
        QCOMPARE(p[3].tps, 9044.0);
    }

    void progressTimestamp()
    {
        const auto p = progressOf(fx("select-P1-timestamp.err"));
        QCOMPARE(p.size(), 4);
        QVERIFY(p[0].epochTime);
        QCOMPARE(p[0].t, 1796231904.254);
        QCOMPARE(p[1].t - p[0].t, 1.0);
    }

    void progressOptionalFields()
    {
        const auto rate = progressOf(fx("select-R200-L5.err"));
        QCOMPARE(rate[0].lagMs.value_or(-1), 0.134);
        QCOMPARE(rate[0].skipped, 1);
        QCOMPARE(rate[1].skipped, 0);
        const auto retries = progressOf(fx("tpcb-retries-P1.err"));
        QCOMPARE(retries.size(), 5);
        QCOMPARE(retries[0].failed, 9);
        QCOMPARE(retries[0].retried, 204);
        QCOMPARE(retries[0].retries, 487);
        QVERIFY(!retries[0].lagMs);
        QCOMPARE(progressOf(fx("tpcb-failed-P1.err"))[0].failed, 603);
        const auto stall = progressOf(fx("select-stall-P1.err"));
        QCOMPARE(stall[3].tps, 0.0);   // the table was locked: pgbench prints zeros, not NaN
        QCOMPARE(stall[3].latAvgMs, 0.0);
        QCOMPARE(stall[5].latStddevMs, 36.719);
    }

    void progressWrittenVariants()
    {
        const auto pg13 = progressOf(fx("written-pg13-progress.txt"));
        QCOMPARE(pg13.size(), 4);
        QVERIFY(!pg13[0].failedReported);
        QCOMPARE(pg13[3].latStddevMs, 41.870);
        const auto pg13ts = progressOf(fx("written-pg13-progress-timestamp.txt"));
        QVERIFY(pg13ts[0].epochTime);
        QCOMPARE(pg13ts[0].lagMs.value_or(-1), 0.203);
        QVERIFY(!pg13ts[0].failedReported);
        const auto pg14 = progressOf(fx("written-pg14-progress-rate.txt"));
        QCOMPARE(pg14[2].skipped, 2);
        QCOMPARE(pg14[2].lagMs.value_or(-1), 0.160);
        const auto pg17 = progressOf(fx("written-pg17-progress.txt"));
        QCOMPARE(pg17[2].failed, 3);
        QCOMPARE(pg17[2].retries, 911);
        QCOMPARE(pg17[3].skipped, 1);      // every optional field at once
        QCOMPARE(pg17[3].lagMs.value_or(-1), 0.131);
        QCOMPARE(pg17[3].retried, 0);
    }

    void progressNanStddev()
    {
        const auto r = parseProgressLine("progress: 7.0 s, 1.0 tps, lat 0.412 ms stddev -nan, 0 failed\r");
        QVERIFY(r.ok());
        QVERIFY(std::isnan(r.value().latStddevMs));
    }

    void progressHostile_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("other stderr") << QByteArray("starting vacuum...end.");
        QTest::newRow("no space") << QByteArray("progress:1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed");
        QTest::newRow("negative time") << QByteArray("progress: -1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed");
        QTest::newRow("exponent") << QByteArray("progress: 1e5 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed");
        QTest::newRow("nan tps") << QByteArray("progress: 1.0 s, nan tps, lat 1.000 ms stddev 0.100, 0 failed");
        QTest::newRow("huge tps") << QByteArray("progress: 1.0 s, 1" + QByteArray(400, '0') + " tps, lat 1.000 ms stddev 0.100");
        QTest::newRow("count overflow") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 99999999999999999999 failed");
        QTest::newRow("negative count") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, -1 failed");
        QTest::newRow("twice failed") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed, 0 failed");
        QTest::newRow("lag before failed") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, lag 0.1 ms, 0 failed");
        QTest::newRow("skipped without lag") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed, 3 skipped");
        QTest::newRow("retried alone") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed, 4 retried");
        QTest::newRow("retries before retried") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed, 4 retries, 4 retried");
        QTest::newRow("unknown field") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed, 2 aborted");
        QTest::newRow("tabs") << QByteArray("progress: 1.0 s,\t1.0 tps, lat 1.000 ms stddev 0.100");
        QTest::newRow("binary") << QByteArray("progress: \xff\xfe\x00\x01 s", 16);
        QTest::newRow("too long") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100, 0 failed" + QByteArray(kMaxPgbenchLineBytes, ' '));
        QTest::newRow("many fields") << QByteArray("progress: 1.0 s, 1.0 tps, lat 1.000 ms stddev 0.100" + QByteArray(", 0 failed").repeated(20));
    }

    void progressHostile()
    {
        QFETCH(QByteArray, line);
        const auto r = parseProgressLine(line);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.startsWith(u"pgbench progress line: "), qPrintable(r.error().message));
    }

    void progressTruncatedEverywhere()
    {
        // A cut inside a word or right after a separator is refused; a cut between a number's
        // digits can look like a whole line, and then every field read so far must be right.
        const QByteArray full = "progress: 4.0 s, 188.0 tps, lat 0.702 ms stddev 0.251, 0 failed, lag 0.131 ms, 1 skipped, 0 retried, 0 retries";
        const ProgressSample whole = parseProgressLine(full).value();
        int accepted = 0;
        for (qsizetype n = 0; n < full.size(); ++n) {
            const auto r = parseProgressLine(QByteArrayView(full).first(n));
            if (!r.ok())
                continue;
            ++accepted;
            QCOMPARE(r.value().t, whole.t);
            QCOMPARE(r.value().tps, whole.tps);
            QCOMPARE(r.value().latAvgMs, whole.latAvgMs);
            QVERIFY(!full.mid(n).startsWith(" retries"));  // "retried" alone never passes
        }
        QVERIFY(accepted < 12);
    }

    // --- pgbench -i --------------------------------------------------------------------------
    void initRecorded()
    {
        QList<InitProgress> got;
        const QByteArray err = fx("init-s2.err");
        for (const QByteArrayView l : splitPgbenchLines(err))
            if (const auto r = parseInitProgress(l); r.ok())
                got.append(r.value());
        QCOMPARE(got.size(), 3);
        QCOMPARE(got[0].done, 100000);
        QCOMPARE(got[0].total, 200000);
        QCOMPARE(got[0].fraction, 0.5);
        QCOMPARE(got[0].elapsedS, 0.04);
        QVERIFY(got[0].table.isEmpty());
        QCOMPARE(got[1].fraction, 1.0);
        QVERIFY(got[2].finished);
        QCOMPARE(got[2].elapsedS, 0.58);
    }

    void initTerminal()
    {
        // On a terminal pgbench redraws in place with '\r'; the recording went through a pty.
        int progress = 0;
        const QByteArray tty = fx("init-s2-tty.txt");
        for (const QByteArrayView l : splitPgbenchLines(tty))
            if (const auto r = parseInitProgress(l); r.ok() && !r.value().finished)
                ++progress;
        QCOMPARE(progress, 2);
        // Newer sources name the table and pad a shorter message with spaces.
        const auto r = parseInitProgress("1000000 of 1000000 tuples (100%) of pgbench_accounts done (elapsed 1.01 s, remaining 0.00 s)      \r");
        QVERIFY(r.ok());
        QCOMPARE(r.value().table, QStringLiteral("pgbench_accounts"));
        QCOMPARE(r.value().fraction, 1.0);
    }

    void initHostile_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("step") << QByteArray("creating tables...");
        QTest::newRow("percent mismatch") << QByteArray("100000 of 200000 tuples (70%) done (elapsed 0.04 s, remaining 0.04 s)");
        QTest::newRow("done > total") << QByteArray("300000 of 200000 tuples (150%) done (elapsed 0.04 s, remaining 0.04 s)");
        QTest::newRow("zero total") << QByteArray("0 of 0 tuples (0%) done (elapsed 0.04 s, remaining 0.04 s)");
        QTest::newRow("overflow") << QByteArray("1 of 99999999999999999999 tuples (0%) done (elapsed 0.04 s, remaining 0.04 s)");
        QTest::newRow("truncated") << QByteArray("100000 of 200000 tuples (50%) done (elapsed 0.04 s, remai");
        QTest::newRow("no table") << QByteArray("100000 of 200000 tuples (50%) of  done (elapsed 0.04 s, remaining 0.04 s)");
        QTest::newRow("done in garbage") << QByteArray("done in soon");
    }

    void initHostile()
    {
        QFETCH(QByteArray, line);
        QVERIFY(!parseInitProgress(line).ok());
    }

    // --- summary -----------------------------------------------------------------------------
    void summarySelect()
    {
        const auto r = parsePgbenchSummary(fx("select-P1.out"), fx("select-P1.err"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const PgbenchSummary &s = r.value();
        QCOMPARE(s.pgbenchVersion, QStringLiteral("15.20 (Debian 15.20-0+deb12u1)"));
        QVERIFY(s.serverVersion.isEmpty());
        QCOMPARE(s.transactionType, QStringLiteral("<builtin: select only>"));
        QCOMPARE(s.scalingFactor, 2);
        QCOMPARE(s.queryMode, QStringLiteral("simple"));
        QCOMPARE(s.clients, 2);
        QCOMPARE(s.threads, 2);
        QCOMPARE(s.maxTries.value_or(-1), 1);
        QCOMPARE(s.durationS.value_or(-1), 5);
        QCOMPARE(s.processed, 49665);
        QVERIFY(!s.intended);
        QCOMPARE(s.failed.value_or(-1), 0);
        QCOMPARE(s.latencyAvgMs.value_or(-1), 0.201);
        QCOMPARE(s.latencyStddevMs.value_or(-1), 0.510);
        QCOMPARE(s.initialConnectionMs.value_or(-1), 9.851);
        QCOMPARE(s.tps.value_or(-1), 9937.505665);
        QVERIFY(!s.aborted);
        QVERIFY(s.errors.isEmpty());
        QVERIFY(parsePgbenchSummary(fx("select-prepared-P1.out")).value().queryMode == u"prepared");
    }

    void summaryOptionalFields()
    {
        const PgbenchSummary rate = parsePgbenchSummary(fx("select-R200-L5.out")).value();
        QCOMPARE(rate.skipped.value_or(-1), 1);
        QCOMPARE(rate.latencyLimitMs.value_or(-1), 5.0);
        QCOMPARE(rate.late.value_or(-1), 3);
        QCOMPARE(rate.lagAvgMs.value_or(-1), 0.154);
        QCOMPARE(rate.lagMaxMs.value_or(-1), 4.403);

        const PgbenchSummary t = parsePgbenchSummary(fx("select-t500.out")).value();
        QCOMPARE(t.transactionsPerClient.value_or(-1), 500);
        QCOMPARE(t.processed, 1000);
        QCOMPARE(t.intended.value_or(-1), 1000);
        QVERIFY(!t.durationS);
        QVERIFY(!t.latencyStddevMs);       // without -P/-R/-L pgbench prints no stddev

        const PgbenchSummary retries = parsePgbenchSummary(fx("tpcb-retries-P1.out")).value();
        QCOMPARE(retries.transactionType, QStringLiteral("<builtin: TPC-B (sort of)>"));
        QCOMPARE(retries.maxTries.value_or(-1), 10);
        QCOMPARE(retries.failed.value_or(-1), 39);
        QCOMPARE(retries.serializationFailures.value_or(-1), 39);
        QCOMPARE(retries.deadlockFailures.value_or(-1), 0);
        QCOMPARE(retries.retried.value_or(-1), 1040);
        QCOMPARE(retries.totalRetries.value_or(-1), 2847);
    }

    void summaryStatements()
    {
        const PgbenchSummary r = parsePgbenchSummary(fx("tpcb-r.out")).value();
        QCOMPARE(r.statements.size(), 11);
        QCOMPARE(r.statements[0].command, QStringLiteral("\\set aid random(1, 100000 * :scale)"));
        QCOMPARE(r.statements[5].latencyMs, 0.203);
        QCOMPARE(r.statements[5].failures.value_or(-1), 0);
        QVERIFY(!r.statements[5].retries);

        const PgbenchSummary rr = parsePgbenchSummary(fx("tpcb-r-retries.out")).value();
        QVERIFY(rr.latencyIncludesFailures);
        QCOMPARE(rr.latencyAvgMs.value_or(-1), 4.868);
        QCOMPARE(rr.statements.size(), 11);
        QCOMPARE(rr.statements[8].latencyMs, 0.289);
        QCOMPARE(rr.statements[8].failures.value_or(-1), 238);
        QCOMPARE(rr.statements[8].retries.value_or(-1), 2475);
        QVERIFY(rr.statements[8].command.startsWith(u"UPDATE pgbench_branches"));

        const PgbenchSummary pg13 = parsePgbenchSummary(fx("written-pg13-summary.out")).value();
        QVERIFY(pg13.pgbenchVersion.isEmpty());
        QCOMPARE(pg13.tps.value_or(-1), 622.977698);
        QCOMPARE(pg13.tpsIncludingConnections.value_or(-1), 618.764555);
        QVERIFY(!pg13.failed && !pg13.maxTries);
        QCOMPARE(pg13.statements.size(), 11);
        QCOMPARE(pg13.statements[8].latencyMs, 7.335);
        QVERIFY(!pg13.statements[8].failures);
    }

    void summaryScripts()
    {
        const PgbenchSummary m = parsePgbenchSummary(fx("multi-scripts.out")).value();
        QCOMPARE(m.transactionType, QStringLiteral("multiple scripts"));
        QCOMPARE(m.scripts.size(), 2);
        QCOMPARE(m.scripts[0].name, QStringLiteral("<builtin: select only>"));
        QCOMPARE(m.scripts[0].weight, 5);
        QCOMPARE(m.scripts[0].transactions, 13051);
        QCOMPARE(m.scripts[0].tps, 4366.902818);
        QCOMPARE(m.scripts[0].failed.value_or(-1), 0);
        QCOMPARE(m.scripts[0].latencyAvgMs.value_or(-1), 0.206);
        QCOMPARE(m.scripts[1].latencyStddevMs.value_or(-1), 0.709);
        QCOMPARE(m.tps.value_or(-1), 5260.292637);
    }

    void summaryWrittenVersions()
    {
        const PgbenchSummary pg14 = parsePgbenchSummary(fx("written-pg14-summary.out")).value();
        QCOMPARE(pg14.pgbenchVersion, QStringLiteral("14.15"));
        QVERIFY(!pg14.maxTries && !pg14.failed);
        QCOMPARE(pg14.tps.value_or(-1), 21203.377180);
        const PgbenchSummary pg17 = parsePgbenchSummary(fx("written-pg17-summary.out")).value();
        QCOMPARE(pg17.pgbenchVersion, QStringLiteral("17.2"));
        QCOMPARE(pg17.serverVersion, QStringLiteral("15.20 (Debian 15.20-0+deb12u1)"));
        QCOMPARE(pg17.totalRetries.value_or(-1), 2690);
    }

    void summaryAborted()
    {
        const auto r = parsePgbenchSummary(fx("aborted-T20.out"), fx("aborted-T20.err"));
        QVERIFY(r.ok());
        QVERIFY(r.value().aborted);  // said on stderr only; the exit status was 2
        QCOMPARE(r.value().processed, 3790);
        QCOMPARE(r.value().errors.size(), 3);
        QCOMPARE(r.value().errors[0], QStringLiteral("client 0 aborted in command 6 (SQL) of script 0; perhaps the backend died while processing"));
        QVERIFY(!parsePgbenchSummary(fx("aborted-T20.out")).value().aborted);
        const auto pg14 = parsePgbenchSummary(fx("written-pg14-aborted.out"), fx("written-pg14-aborted.err"));
        QVERIFY(pg14.ok() && pg14.value().aborted);
        QCOMPARE(pg14.value().errors.size(), 3);   // "fatal:" before 15
        // Aborted before any transaction: pgbench stops after the processed count.
        const auto none = parsePgbenchSummary("transaction type: <builtin: TPC-B (sort of)>\nnumber of transactions actually processed: 0\n");
        QVERIFY(none.ok() && !none.value().tps);
    }

    void summaryTruncatedEverywhere()
    {
        const QByteArray full = fx("select-R200-L5.out");
        const qsizetype tpsEnd = full.indexOf("time)") + 5;
        for (qsizetype n = 0; n < full.size(); ++n) {
            const auto r = parsePgbenchSummary(QByteArrayView(full).first(n));
            QCOMPARE(r.ok(), n >= tpsEnd);
        }
    }

    void summaryHostile_data()
    {
        QTest::addColumn<QByteArray>("out");
        QTest::addColumn<QByteArray>("err");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QByteArray() << QByteArray() << "not a pgbench summary";
        QTest::newRow("refused") << QByteArray() << fx("badscript.err") << "syntax error";
        QTest::newRow("garbage") << QByteArray("\x01\x02\xff garbage\n\n") << QByteArray() << "not a pgbench summary";
        QTest::newRow("clients overflow") << QByteArray("transaction type: x\nnumber of clients: 99999999999\n") << QByteArray() << "clients";
        QTest::newRow("bad tps") << fx("select-P1.out").replace("tps = 9937", "tps = x9937") << QByteArray() << "tps";
        QTest::newRow("bad banner") << QByteArray("pgbench (15.2\ntransaction type: x\n") << QByteArray() << "banner";
        QTest::newRow("too big") << QByteArray(kMaxSummaryBytes + 1, '\n') << QByteArray() << "limit";
        QTest::newRow("orphan script line") << QByteArray("transaction type: x\n - weight: 1\n") << QByteArray() << "per-script";
    }

    void summaryHostile()
    {
        QFETCH(QByteArray, out);
        QFETCH(QByteArray, err);
        QFETCH(QString, mentions);
        const auto r = parsePgbenchSummary(out, err);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
    }

    // --- refusals (exit status 1) ------------------------------------------------------------
    void errors()
    {
        const PgbenchError c0 = parsePgbenchError(fx("badopt-c0.err")).value();
        QCOMPARE(c0.message, QStringLiteral("-c/--client must be in range 1..2147483647"));
        QCOMPARE(c0.scriptLine, 0);
        QCOMPARE(parsePgbenchError(fx("badopt-T-t.err")).value().message,
                 QStringLiteral("specify either a number of transactions (-t) or a duration (-T), not both"));
        const PgbenchError unknown = parsePgbenchError(fx("badopt-unknown.err")).value();
        QCOMPARE(unknown.message, QStringLiteral("unrecognized option '--no-such-option'"));
        QCOMPARE(unknown.hint, QStringLiteral("Try \"pgbench --help\" for more information."));

        const PgbenchError script = parsePgbenchError(fx("badscript.err")).value();
        QCOMPARE(script.scriptFile, QStringLiteral("/tmp/benchrec/bad.sql"));
        QCOMPARE(script.scriptLine, 3);
        QVERIFY(script.message.contains(u"syntax error in command \"set\""));
        QCOMPARE(script.sourceLine, QStringLiteral("\\set bad 1 +* 2"));
        QCOMPARE(script.column, 12);
        QCOMPARE(script.sourceLine.mid(script.column, 1), QStringLiteral("*"));
        const PgbenchError unit = parsePgbenchError(fx("badscript2.err")).value();
        QCOMPARE(unit.scriptLine, 2);
        QCOMPARE(unit.sourceLine.mid(unit.column), QStringLiteral("parsecs"));

        const PgbenchError down = parsePgbenchError(fx("noserver.err")).value();
        QVERIFY(down.message.startsWith(u"connection to server at \"127.0.0.1\", port 7433 failed"));
        QVERIFY(down.hint.startsWith(u"Is the server running"));
        QVERIFY(down.scriptFile.isEmpty());

        QVERIFY(!parsePgbenchError("").ok());
        QVERIFY(!parsePgbenchError("starting vacuum...end.\nprogress: 1.0 s, 1.0 tps\n").ok());
    }

    // --- -l transaction log ------------------------------------------------------------------
    void txLogLines()
    {
        const auto plain = parseTxLogLine("0 1 1328 0 1796231922 142281");
        QVERIFY(plain.ok());
        QCOMPARE(plain.value().transactionNo, 1);
        QCOMPARE(plain.value().latencyUs, 1328);
        QCOMPARE(plain.value().endUs(), 1796231922142281);
        QVERIFY(!plain.value().scheduleLagUs && !plain.value().retries);
        const auto lag = parseTxLogLine("0 49 skipped 0 1796231928 521550 0");
        QCOMPARE(lag.value().outcome, TxLogEntry::Outcome::Skipped);
        QCOMPARE(lag.value().scheduleLagUs.value_or(-1), 0);
        const auto retry = parseTxLogLine("1 24 serialization 0 1796231939 572097 9", TxLogColumns{false, true});
        QCOMPARE(retry.value().outcome, TxLogEntry::Outcome::SerializationFailure);
        QCOMPARE(retry.value().retries.value_or(-1), 9);
        QVERIFY(!retry.value().scheduleLagUs);
        const auto both = parseTxLogLine("3 7 812 1 1796231939 1 120 2", TxLogColumns{false, false});
        QCOMPARE(both.value().scheduleLagUs.value_or(-1), 120);
        QCOMPARE(both.value().retries.value_or(-1), 2);
        QCOMPARE(parseTxLogLine("2 1 failed 0 1796231958 219798").value().outcome, TxLogEntry::Outcome::Failed);
        QCOMPARE(parseTxLogLine("2 1 deadlock 0 1796231958 219798").value().outcome, TxLogEntry::Outcome::DeadlockFailure);
    }

    void txLogHostile_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("five fields") << QByteArray("0 1 1328 0 1796231922");
        QTest::newRow("nine fields") << QByteArray("0 1 1328 0 1796231922 142281 1 2 3");
        QTest::newRow("double space") << QByteArray("0 1  1328 0 1796231922 142281");
        QTest::newRow("tab") << QByteArray("0\t1 1328 0 1796231922 142281");
        QTest::newRow("negative latency") << QByteArray("0 1 -1328 0 1796231922 142281");
        QTest::newRow("time_us 10^6") << QByteArray("0 1 1328 0 1796231922 1000000");
        QTest::newRow("epoch overflow") << QByteArray("0 1 1328 0 99999999999999999999 1");
        QTest::newRow("epoch far") << QByteArray("0 1 1328 0 9000000000000000 1");
        QTest::newRow("latency far") << QByteArray("0 1 9000000000000000000 0 1796231922 1");
        QTest::newRow("client overflow") << QByteArray("99999999999 1 1328 0 1796231922 1");
        QTest::newRow("unknown word") << QByteArray("0 1 aborted 0 1796231922 1");
        QTest::newRow("aggregate line") << QByteArray("1796231922 1234 5678.0 91011 1 9 0");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("too long") << QByteArray("0 1 1328 0 1796231922 142281 " + QByteArray(300, '1'));
    }

    void txLogHostile()
    {
        QFETCH(QByteArray, line);
        const auto r = parseTxLogLine(line);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.startsWith(u"pgbench transaction log line: "));
    }

    void txLogRecorded()
    {
        qint64 malformed = -1;
        const TxLogStats plain = readWhole(fx("txlog-plain.log"), {}, &malformed);
        QCOMPARE(malformed, 0);
        QCOMPARE(plain.committed, 200);
        QVERIFY(plain.latency);
        const LatencyPercentiles &p = *plain.latency;
        // Expected values: nearest rank over the file's `time` column, worked out by hand-written
        // awk/python on the same file (see the README).
        QCOMPARE(p.minUs, 117);
        QCOMPARE(p.p50Us, 176);
        QCOMPARE(p.p90Us, 403);
        QCOMPARE(p.p95Us, 1382);
        QCOMPARE(p.p99Us, 4109);
        QCOMPARE(p.p999Us, 7394);
        QCOMPARE(p.maxUs, 7394);
        QCOMPARE(p.meanUs, 361.515);
        QCOMPARE(plain.longestGapMs, 7.4);
        QCOMPARE(plain.longestGapStartUs, 1796231922160637);
        QCOMPARE(plain.perSecond.size(), 1);
        QCOMPARE(plain.perSecond[0], (SecondCounts{1796231922, 200, 0, 0}));

        const TxLogStats rate = readWhole(fx("txlog-ratelimited.log"), {});
        QCOMPARE(rate.committed, 443);
        QCOMPARE(rate.skipped, 6);
        QCOMPARE(rate.latency->p99Us, 5291);
        QCOMPARE(rate.maxScheduleLagUs.value_or(-1), 7096);
        QCOMPARE(rate.perSecond.size(), 4);
        QCOMPARE(rate.perSecond[0], (SecondCounts{1796231928, 130, 0, 3}));
        QCOMPARE(rate.perSecond[3], (SecondCounts{1796231931, 24, 0, 0}));
        QCOMPARE(rate.longestGapMs, 36.361);

        const TxLogStats retries = readWhole(fx("txlog-retries.log"), TxLogColumns{false, true});
        QCOMPARE(retries.committed, 198);
        QCOMPARE(retries.serializationFailures, 2);
        QCOMPARE(retries.failed, 2);
        QCOMPARE(retries.totalRetries, 213);
        QCOMPARE(retries.retriedTransactions, 102);
        QCOMPARE(retries.latency->p95Us, 26401);

        const TxLogStats detailed = readWhole(fx("txlog-failed-detailed.log"), {});
        QCOMPARE(detailed.serializationFailures, 97);
        QCOMPARE(detailed.perSecond[0], (SecondCounts{1796231944, 103, 97, 0}));
        const TxLogStats failed = readWhole(fx("txlog-failed.log"), {});
        QCOMPARE(failed.failed, 33);
        QCOMPARE(failed.serializationFailures, 0);
        QCOMPARE(failed.latency->p50Us, 2310);
        QCOMPARE(readWhole(fx("txlog-sampled.log"), {}).latency->p99Us, 3622);
    }

    void txLogStall()
    {
        // The table was locked for 3 s: one transaction waited it out (3012326 µs, beyond the
        // exact buckets), and nothing committed in between.
        const TxLogStats s = readWhole(fx("txlog-stall-excerpt.log"), {});
        QCOMPARE(s.latency->maxUs, 3012326);
        QCOMPARE(s.latency->p999Us, 3012326);
        QCOMPARE(s.latency->p99Us, 2628);
        QCOMPARE(s.longestGapMs, 3012.332);
        QCOMPARE(s.longestGapStartUs, 1796232006544603);
        QVERIFY(s.gapExact);
    }

    void txLogSplitAtEveryByte_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("retries");
        QTest::newRow("plain") << "txlog-plain.log" << false;
        QTest::newRow("ratelimited") << "txlog-ratelimited.log" << false;
        QTest::newRow("retries") << "txlog-retries.log" << true;
        QTest::newRow("stall") << "txlog-stall-excerpt.log" << false;
    }

    void txLogSplitAtEveryByte()
    {
        QFETCH(QString, file);
        QFETCH(bool, retries);
        const TxLogColumns cols{!retries, retries};
        const QByteArray log = readFixture(QStringLiteral("pgbench/") + file) + "0 1 garbage line\n0 9 12";
        qint64 wholeMalformed = 0;
        const TxLogStats whole = readWhole(log, cols, &wholeMalformed);
        QCOMPARE(wholeMalformed, 2);   // the garbage line and the unterminated last one
        for (qsizetype cut = 0; cut <= log.size(); ++cut) {
            TxLogAccumulator acc;
            TxLogReader reader(acc, cols);
            reader.feed(QByteArrayView(log).first(cut));
            reader.feed(QByteArrayView(log).sliced(cut));
            reader.finish();
            QCOMPARE(reader.malformedLines(), wholeMalformed);
            if (!(acc.stats() == whole))
                QFAIL(qPrintable(QStringLiteral("split at byte %1 differs").arg(cut)));
        }
        TxLogAccumulator acc;
        TxLogReader reader(acc, cols);
        for (qsizetype i = 0; i < log.size(); ++i)
            reader.feed(QByteArrayView(log).sliced(i, 1));
        reader.finish();
        QVERIFY(acc.stats() == whole);
    }

    void txLogOverlongLine()
    {
        const QByteArray log = "0 1 100 0 1796231922 1\n" + QByteArray(1000, '7') + "\n0 2 200 0 1796231922 2\n";
        qint64 malformed = 0;
        const TxLogStats s = readWhole(log, {}, &malformed);
        QCOMPARE(malformed, 1);
        QCOMPARE(s.committed, 2);
        for (qsizetype cut : {10, 30, 300, 1020, 1030}) {
            TxLogAccumulator acc;
            TxLogReader reader(acc);
            reader.feed(QByteArrayView(log).first(cut));
            reader.feed(QByteArrayView(log).sliced(cut));
            reader.finish();
            QCOMPARE(reader.malformedLines(), 1);
            QVERIFY(acc.stats() == s);
        }
    }

    void percentilesKnown()
    {
        TxLogAccumulator acc;
        const int st = acc.addStream();
        for (int us = 1000; us >= 1; --us)   // 1..1000 µs, out of order on purpose
            acc.add(st, committed(us, 1796231922000000 + us));
        const LatencyPercentiles p = *acc.stats().latency;
        QCOMPARE(p.minUs, 1);
        QCOMPARE(p.p50Us, 500);
        QCOMPARE(p.p90Us, 900);
        QCOMPARE(p.p95Us, 950);
        QCOMPARE(p.p99Us, 990);
        QCOMPARE(p.p999Us, 999);
        QCOMPARE(p.maxUs, 1000);
        QCOMPARE(p.meanUs, 500.5);

        // n = 10 with two latencies past the exact buckets: ranks 5, 9, 10, 10, 10.
        TxLogAccumulator mixed;
        const int m = mixed.addStream();
        for (qint64 us : {800, 100, 5000000, 300, 2000000, 400, 700, 200, 600, 500})
            mixed.add(m, committed(us, 1796231922000000));
        const LatencyPercentiles q = *mixed.stats().latency;
        QCOMPARE(q.p50Us, 500);
        QCOMPARE(q.p90Us, 2000000);
        QCOMPARE(q.p95Us, 5000000);
        QCOMPARE(q.p999Us, 5000000);
        QCOMPARE(q.minUs, 100);
        QCOMPARE(q.maxUs, 5000000);

        TxLogAccumulator one;
        one.add(one.addStream(), committed(kExactLatencyBucketsUs, 1796231922000000));
        QCOMPARE(one.stats().latency->p50Us, kExactLatencyBucketsUs);
        QCOMPARE(one.stats().latency->minUs, kExactLatencyBucketsUs);
        QVERIFY(!TxLogAccumulator().stats().latency);
    }

    void gapAcrossFiles()
    {
        // Thread A commits every 10 ms over 0–1 s and 3–4 s, thread B over 0–2 s and 2.5–4 s:
        // the run's only real gap is 2.0 s → 2.5 s, whatever order the files are read in.
        const qint64 t0 = 1796231922000000;
        QList<qint64> a, b;
        for (qint64 ms = 0; ms <= 4000; ms += 10) {
            if (ms <= 1000 || ms >= 3000)
                a.append(t0 + ms * 1000);
            if (ms <= 2000 || ms >= 2500)
                b.append(t0 + ms * 1000 + 3);
        }
        for (int order = 0; order < 3; ++order) {
            TxLogAccumulator acc;
            const int sa = acc.addStream();
            const int sb = acc.addStream();
            auto feed = [&](int s, const QList<qint64> &ts, qsizetype from, qsizetype to) {
                for (qsizetype i = from; i < std::min(to, ts.size()); ++i)
                    acc.add(s, committed(100, ts[i]));
            };
            if (order == 0) {           // A whole, then B
                feed(sa, a, 0, a.size());
                feed(sb, b, 0, b.size());
            } else if (order == 1) {    // B whole, then A
                feed(sb, b, 0, b.size());
                feed(sa, a, 0, a.size());
            } else {                    // round-robin in chunks, as a live reader would
                for (qsizetype i = 0; i < std::max(a.size(), b.size()); i += 7) {
                    feed(sa, a, i, i + 7);
                    feed(sb, b, i, i + 7);
                }
            }
            acc.finishStream(sa);
            acc.finishStream(sb);
            const TxLogStats s = acc.stats();
            QCOMPARE(s.longestGapMs, 500.0);
            QCOMPARE(s.longestGapStartUs, t0 + 2000 * 1000 + 3);
            QVERIFY(s.gapExact);
        }
    }

    void gapOutOfOrder()
    {
        const qint64 t0 = 1796231922000000;
        // Two files: a commit older than its file's newest one, not yet settled, is put in
        // its place, and the gap stays exact.
        TxLogAccumulator two;
        const int a = two.addStream();
        const int b = two.addStream();
        two.add(a, committed(100, t0 + 100000));
        two.add(a, committed(100, t0 + 50000));
        two.add(b, committed(100, t0 + 400000));
        two.finishStream(a);
        two.finishStream(b);
        QCOMPARE(two.stats().longestGapMs, 300.0);
        QVERIFY(two.stats().gapExact);
        // One file: every commit settles at once, so a late one can only be flagged.
        TxLogAccumulator one;
        const int s = one.addStream();
        one.add(s, committed(100, t0 + 100000));
        one.add(s, committed(100, t0 + 400000));
        one.add(s, committed(100, t0 + 50000));
        QVERIFY(!one.stats().gapExact);
        QCOMPARE(one.stats().longestGapMs, 300.0);
        QCOMPARE(one.stats().firstCommitUs, t0 + 50000);
    }

    // --- run statistics ----------------------------------------------------------------------
    void statsKnown()
    {
        const SampleSummary s = summarize({10, 12, 14, 16, 18}).value();
        QCOMPARE(s.n, 5);
        QCOMPARE(s.mean, 14.0);
        QCOMPARE(s.median, 14.0);
        QVERIFY(qFuzzyCompare(s.stddev, std::sqrt(10.0)));          // Σ(x − 14)² / 4 = 10
        QVERIFY(qFuzzyCompare(*s.cv, std::sqrt(10.0) / 14.0));
        QVERIFY(qFuzzyCompare(*s.ciHalfWidth, 2.776 * std::sqrt(2.0))); // t(4) · √10 / √5
        QCOMPARE(median({4, 1, 3, 2}).value(), 2.5);
        QCOMPARE(mean({1, 2}).value(), 1.5);
        QVERIFY(!summarize({7}).value().ciHalfWidth);
        QCOMPARE(summarize({7}).value().stddev, 0.0);
        QCOMPARE(studentT975(0), 12.706);
        QCOMPARE(studentT975(1), 12.706);
        QCOMPARE(studentT975(8), 2.306);
        QCOMPARE(studentT975(30), 2.042);
        QCOMPARE(studentT975(31), 1.96);

        QList<double> many;                // 40 values, ±1 around 100: s = √(40/39), t = 1.96
        for (int i = 0; i < 40; ++i)
            many.append(i % 2 ? 101 : 99);
        const SampleSummary big = summarize(many).value();
        QVERIFY(qFuzzyCompare(*big.ciHalfWidth, 1.96 * std::sqrt(40.0 / 39.0) / std::sqrt(40.0)));
    }

    void statsDifference()
    {
        // Equal variances 2.5, n 5: squared standard errors 0.5 each, se 1, Welch df 8, t 2.306.
        const PercentDifference d = percentDifference({100, 102, 98, 101, 99}, {110, 112, 108, 111, 109}).value();
        QCOMPARE(d.percent, 10.0);
        QVERIFY(qFuzzyCompare(d.welchDf, 8.0));
        QVERIFY(qFuzzyCompare(d.ciLowPercent, 10.0 - 2.306));
        QVERIFY(qFuzzyCompare(d.ciHighPercent, 10.0 + 2.306));
        QVERIFY(d.significant);

        // Unequal: var 50/n 2 against var 20/3 / n 4 → df 1.136 → t(1) 12.706.
        const PercentDifference u = percentDifference({10, 20}, {12, 14, 16, 18}).value();
        QCOMPARE(u.percent, 0.0);
        QVERIFY(qFuzzyCompare(u.welchDf, (25.0 + 5.0 / 3) * (25.0 + 5.0 / 3) / (625.0 + 25.0 / 27)));
        QVERIFY(qFuzzyCompare(u.ciHighPercent, 12.706 * std::sqrt(25.0 + 5.0 / 3) / 15.0 * 100.0));
        QVERIFY(!u.significant);

        const PercentDifference slower = percentDifference({200, 200.5}, {150, 151}).value();
        QVERIFY(slower.percent < 0 && slower.significant);
    }

    void statsRefusals()
    {
        QVERIFY(!summarize({}).ok());
        QVERIFY(!median({}).ok());
        QVERIFY(!sampleStddev({3}).ok());
        QVERIFY(!summarize({1, std::nan(""), 3}).ok());
        QVERIFY(!summarize({1, HUGE_VAL}).ok());
        QVERIFY(!percentDifference({1}, {1, 2}).ok());
        const auto zero = percentDifference({-1, 1}, {1, 2});
        QVERIFY(!zero.ok());
        QVERIFY(zero.error().message.contains(u"mean is 0"));
        QVERIFY(!summarize({0, 0}).value().cv);
    }
};

QTEST_GUILESS_MAIN(TestBenchParsers)
#include "tst_benchparsers.moc"
