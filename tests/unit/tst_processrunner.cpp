// The process runner (services/process/processrunner.*) against real programs: /bin/sh, true,
// false, sleep, cat, seq and a program that does not exist. Every ending reaches one done():
// exit status, crash by signal, failed start, timeout, cancel; no child outlives a timeout, a
// cancel or its runner; lines are split across chunk boundaries; kept output is bounded.
#include "process/processrunner.h"
#include "process/procutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QProcess>
#include <QSet>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace pgha::svc;
using proc::Channel;
using proc::ProcessResult;
using proc::RunSpec;

namespace {

constexpr int kWaitMs = 10000;

RunSpec shell(const QString &script)
{
    RunSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), script};
    return spec;
}

RunSpec sleeper()
{
    RunSpec spec;
    spec.program = QStringLiteral("sleep");
    spec.arguments = {QStringLiteral("30")};
    return spec;
}

// A process gone for good: not running, and (for our own children) reaped, so no /proc entry.
bool reaped(qint64 pid)
{
    return !QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid));
}

} // namespace

class TestProcessRunner : public QObject {
    Q_OBJECT

    // Runs `spec` to its end; the lines it printed in `lines`.
    std::optional<ProcessResult> runToEnd(const RunSpec &spec, QStringList *lines = nullptr)
    {
        std::optional<ProcessResult> result;
        QObject context;
        proc::run(spec, &context, [&](const ProcessResult &r) { result = r; },
                  [lines](const QString &line, Channel) {
                      if (lines)
                          lines->append(line);
                  });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs); }();
        return result;
    }

private slots:
    // The kernel's list of listening sockets (sock_diag on Linux): a port we listen on is in it,
    // and leaves it when closed; the same set `ss -ltn` prints.
    void listeningPorts()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const int port = server.serverPort();
        const auto open = pgha::svc::proc::listeningTcpPorts();
        QVERIFY(open.has_value());
        QVERIFY2(open->contains(port), qPrintable(QString::number(port)));
        QTcpServer v6;
        if (v6.listen(QHostAddress::LocalHostIPv6, 0)) {   // a machine without IPv6 skips this part
            const auto both = pgha::svc::proc::listeningTcpPorts();
            QVERIFY(both && both->contains(v6.serverPort()));
        }
        server.close();
        QVERIFY(!pgha::svc::proc::listeningTcpPorts()->contains(port));
        QTcpServer still;
        QVERIFY(still.listen(QHostAddress::LocalHost, 0));
        QProcess ss;
        ss.start(QStringLiteral("ss"), {QStringLiteral("-ltnH")});
        if (!ss.waitForFinished(5000) || ss.exitCode() != 0)
            QSKIP("ss (iproute2) is not here to compare with");
        QSet<int> fromSs;
        for (const QByteArray &line : ss.readAllStandardOutput().split('\n')) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() >= 4)
                fromSs.insert(fields[3].mid(fields[3].lastIndexOf(':') + 1).toInt());
        }
        const QSet<int> ours = pgha::svc::proc::listeningTcpPorts().value_or(QSet<int>());
        QVERIFY(fromSs.contains(still.serverPort()) && ours.contains(still.serverPort()));
        // Other programs may open or close a listener between the two reads: at most a few differ.
        const QSet<int> differ = (fromSs - ours) + (ours - fromSs);
        QVERIFY2(differ.size() <= 2, qPrintable(QStringLiteral("%1 ports differ from ss").arg(differ.size())));
        QVERIFY(!ours.contains(port));
    }

    void exitStatus()
    {
        QStringList lines;
        const auto r = runToEnd(shell(QStringLiteral("echo out; echo err >&2; exit 3")), &lines);
        QVERIFY(r);
        QVERIFY(r->started);
        QVERIFY(!r->ok());
        QVERIFY(!r->crashed);
        QCOMPARE(r->exitCode, 3);
        QCOMPARE(r->out, QByteArray("out\n"));
        QCOMPARE(r->err, QByteArray("err\n"));
        QCOMPARE(r->kind(), ErrorKind::ProcessFailed);
        lines.sort();
        QCOMPARE(lines, (QStringList{QStringLiteral("err"), QStringLiteral("out")}));
        const Error e = r->error(QStringLiteral("testing"));
        QCOMPARE(e.kind, ErrorKind::ProcessFailed);
        QVERIFY2(e.message.contains(u"exit 3") && e.message.contains(u"err") && e.message.contains(u"/bin/sh"),
                 qPrintable(e.message));

        const auto good = runToEnd(shell(QStringLiteral("true")));
        QVERIFY(good && good->ok());
        QCOMPARE(good->exitCode, 0);
        QCOMPARE(good->kind(), ErrorKind::Other);

        RunSpec falseSpec;
        falseSpec.program = QStringLiteral("false");
        const auto bad = runToEnd(falseSpec);
        QVERIFY(bad && bad->started);
        QCOMPARE(bad->exitCode, 1);
        QCOMPARE(bad->kind(), ErrorKind::ProcessFailed);
    }

    void crashBySignal()
    {
        const auto r = runToEnd(shell(QStringLiteral("echo dying >&2; kill -SEGV $$")));
        QVERIFY(r);
        QVERIFY(r->started);
        QVERIFY(r->crashed);
        QCOMPARE(r->exitCode, -1);
        QCOMPARE(r->crashSignal, int(SIGSEGV));
        QCOMPARE(r->kind(), ErrorKind::ProcessFailed);
        const Error e = r->error(QStringLiteral("testing"));
        QVERIFY2(e.message.contains(QStringLiteral("crashed (signal %1)").arg(SIGSEGV)) && e.message.contains(u"dying"), qPrintable(e.message));
    }

    void missingBinary()
    {
        RunSpec spec;
        spec.program = QStringLiteral("pgha-no-such-program");
        spec.missingHint = QStringLiteral("install the pgha-no-such package");
        std::optional<ProcessResult> result;
        QObject context;
        proc::run(spec, &context, [&](const ProcessResult &r) { result = r; });
        QVERIFY(!result);   // never from inside start()
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs);
        QVERIFY(!result->started);
        QCOMPARE(result->kind(), ErrorKind::NotFound);
        const Error e = result->error(QStringLiteral("testing"));
        QCOMPARE(e.kind, ErrorKind::NotFound);
        QVERIFY2(e.message.contains(u"pgha-no-such-program"), qPrintable(e.message));
        QCOMPARE(e.hint, spec.missingHint);

        spec.program = QStringLiteral("/nonexistent/pgha-prog");
        spec.missingHint.clear();
        const auto byPath = runToEnd(spec);
        QVERIFY(byPath && !byPath->started);
        QCOMPARE(byPath->kind(), ErrorKind::NotFound);
        QVERIFY(byPath->error(QStringLiteral("testing")).hint.contains(u"install pgha-prog"));

        // There, but not executable.
        QTemporaryDir dir;
        const QString plain = dir.filePath(QStringLiteral("plain"));
        QFile f(plain);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write("#!/bin/sh\n") > 0);
        f.close();
        spec.program = plain;
        const auto denied = runToEnd(spec);
        QVERIFY(denied && !denied->started);
        QCOMPARE(denied->kind(), ErrorKind::Permission);
    }

    void timeoutKillsTheChildAndItsGroup()
    {
        // The shell starts a background sleep (same group) and waits: a timeout must end both.
        RunSpec spec = shell(QStringLiteral("sleep 30 & echo $!; wait"));
        spec.timeoutMs = 500;
        spec.ownProcessGroup = true;
        std::optional<ProcessResult> result;
        qint64 background = 0;
        QObject context;
        auto *runner = proc::run(spec, &context, [&](const ProcessResult &r) { result = r; },
                                 [&](const QString &line, Channel) { background = line.toLongLong(); });
        QTRY_VERIFY_WITH_TIMEOUT(runner->processId() > 0, kWaitMs);
        const qint64 pid = runner->processId();
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs);
        QVERIFY(result->timedOut);
        QCOMPARE(result->kind(), ErrorKind::Timeout);
        QCOMPARE(result->error(QStringLiteral("testing")).kind, ErrorKind::Timeout);
        QVERIFY(background > 0);
        QVERIFY(reaped(pid));
        QTRY_VERIFY_WITH_TIMEOUT(!proc::isAlive(background), kWaitMs);   // no orphan left behind

        // Without a group of its own, the child itself.
        RunSpec plain = sleeper();
        plain.timeoutMs = 300;
        QElapsedTimer clock;
        clock.start();
        const auto r = runToEnd(plain);
        QVERIFY(r && r->timedOut && !r->ok());
        QVERIFY(clock.elapsed() < kWaitMs);
    }

    void cancel()
    {
        std::optional<ProcessResult> result;
        QObject context;
        auto *runner = proc::run(sleeper(), &context, [&](const ProcessResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(runner->processId() > 0, kWaitMs);
        const qint64 pid = runner->processId();
        QVERIFY(runner->isRunning());
        runner->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs);
        QVERIFY(result->cancelled);
        QCOMPARE(result->kind(), ErrorKind::Cancelled);
        QVERIFY(reaped(pid));

        // A child that ignores SIGTERM is killed after the grace period.
        RunSpec stubborn = shell(QStringLiteral("trap '' TERM; echo ready; while :; do sleep 0.1; done"));
        stubborn.timeoutMs = 0;
        result.reset();
        bool ready = false;
        auto *second = proc::run(stubborn, &context, [&](const ProcessResult &r) { result = r; },
                                 [&](const QString &line, Channel) { ready = ready || line == u"ready"; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, kWaitMs);
        const qint64 shellPid = second->processId();
        second->cancel(SIGTERM, 300);
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs);
        QVERIFY(result->cancelled);
        QVERIFY(result->crashed);
        QCOMPARE(result->crashSignal, int(SIGKILL));
        QVERIFY(reaped(shellPid));
    }

    void destructionKillsAndReaps()
    {
        auto *runner = new proc::ProcessRunner;
        QSignalSpy done(runner, &proc::ProcessRunner::done);
        runner->start(sleeper());
        QTRY_VERIFY_WITH_TIMEOUT(runner->processId() > 0 && proc::isAlive(runner->processId()), kWaitMs);
        const qint64 pid = runner->processId();
        QElapsedTimer clock;
        clock.start();
        delete runner;
        QVERIFY2(clock.elapsed() < 500, "deleting a runner must not wait for its child");
        QVERIFY(done.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!proc::isAlive(pid), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(reaped(pid), kWaitMs);   // the event loop reaps it
    }

    void linesAcrossChunks()
    {
        QStringList got;
        const proc::LineSplitter::Sink sink = [&](QByteArrayView line) { got.append(QString::fromUtf8(line)); };
        proc::LineSplitter plain;
        for (const char *chunk : {"ab", "c\nde", "f\r", "\ng\n", "tail"})
            plain.feed(chunk, sink);
        QCOMPARE(got, (QStringList{QStringLiteral("abc"), QStringLiteral("def"), QStringLiteral("g")}));
        plain.finish(sink);
        QCOMPARE(got.last(), QStringLiteral("tail"));

        got.clear();
        proc::LineSplitter progress(true);
        for (const char *chunk : {"one\rtw", "o\r", "\nthree\r\nfour\n\n"})
            progress.feed(chunk, sink);
        progress.finish(sink);
        QCOMPARE(got, (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three"),
                                   QStringLiteral("four"), QString()}));

        got.clear();
        proc::LineSplitter bounded(false, 4);
        bounded.feed("abcdefghij", sink);
        QCOMPARE(got, (QStringList{QStringLiteral("abcd"), QStringLiteral("efgh")}));
        bounded.finish(sink);
        QCOMPARE(got.last(), QStringLiteral("ij"));

        // A real program writing a line in pieces, with pauses between them.
        QStringList lines;
        const auto r = runToEnd(shell(QStringLiteral("printf a; sleep 0.2; printf 'b\\nc'; sleep 0.2; printf 'd\\n'; printf e")),
                                &lines);
        QVERIFY(r && r->ok());
        QCOMPARE(lines, (QStringList{QStringLiteral("ab"), QStringLiteral("cd"), QStringLiteral("e")}));
    }

    void outputIsBoundedAndSaysSo()
    {
        constexpr int kLines = 100000;
        constexpr qsizetype kKept = 1000;
        RunSpec spec;
        spec.program = QStringLiteral("seq");
        spec.arguments = {QStringLiteral("1"), QString::number(kLines)};
        spec.keptOutBytes = kKept;
        int lines = 0;
        qint64 bytes = 0;
        std::optional<ProcessResult> result;
        QObject context;
        proc::run(spec, &context, [&](const ProcessResult &r) { result = r; }, [&](const QString &line, Channel) {
            ++lines;
            bytes += line.size() + 1;
        });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs);
        QVERIFY(result->ok());
        QCOMPARE(lines, kLines);   // every line reached the follower
        QVERIFY(result->cut());
        QVERIFY(result->out.size() <= kKept);
        QVERIFY(result->out.endsWith(QByteArray::number(kLines) + '\n'));
        QVERIFY(result->out.front() != '\n');
        QCOMPARE(result->droppedBytes + result->out.size(), bytes);

        // A failure quotes the end of what was said, and says that the rest was left out.
        RunSpec noisy = shell(QStringLiteral("seq 1 %1 >&2; echo the-reason >&2; exit 4").arg(kLines));
        noisy.keptErrBytes = kKept;
        const auto failed = runToEnd(noisy);
        QVERIFY(failed && failed->cut());
        const Error e = failed->error(QStringLiteral("testing"));
        QVERIFY2(e.message.contains(u"the-reason") && e.message.contains(u"earlier output left out"), qPrintable(e.message));
        QVERIFY(e.message.size() < proc::kMessageTailChars + 400);
    }

    void inputEnvironmentAndDirectory()
    {
        RunSpec cat;
        cat.program = QStringLiteral("cat");
        cat.input = QByteArray("hello\nworld\n");
        const auto echoed = runToEnd(cat);
        QVERIFY(echoed && echoed->ok());
        QCOMPARE(echoed->out, QByteArray("hello\nworld\n"));

        // Without input, stdin is /dev/null: a reader ends at once instead of waiting.
        RunSpec reader;
        reader.program = QStringLiteral("cat");
        reader.timeoutMs = 5000;
        const auto empty = runToEnd(reader);
        QVERIFY(empty && empty->ok() && empty->out.isEmpty());

        QTemporaryDir dir;
        RunSpec where = shell(QStringLiteral("echo \"$PGHA_RUNNER_TEST\"; pwd -P; echo on-stderr >&2"));
        where.environment.insert(QStringLiteral("PGHA_RUNNER_TEST"), QStringLiteral("set here"));
        where.workDir = dir.path();
        where.mergeChannels = true;
        QStringList lines;
        const auto r = runToEnd(where, &lines);
        QVERIFY(r && r->ok());
        QCOMPARE(lines, (QStringList{QStringLiteral("set here"), QFileInfo(dir.path()).canonicalFilePath(),
                                     QStringLiteral("on-stderr")}));
        QVERIFY(r->err.isEmpty());
    }

    void runnerOfItsProcess()
    {
        std::optional<ProcessResult> result;
        QObject context;
        auto *runner = proc::run(sleeper(), &context, [&](const ProcessResult &r) { result = r; });
        QVERIFY(runner->process());
        QCOMPARE(proc::ProcessRunner::of(runner->process()), runner);
        QCOMPARE(proc::ProcessRunner::of(&context), nullptr);
        proc::ProcessRunner::of(runner->process())->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), kWaitMs);
        QVERIFY(result->cancelled);
    }
};

QTEST_GUILESS_MAIN(TestProcessRunner)
#include "tst_processrunner.moc"
