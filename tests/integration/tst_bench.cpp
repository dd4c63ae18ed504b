// `pgha bench` on the shared native lab with the real pgbench: init, runs through the read-write
// and read-only entry points and straight to the primary (each answered by the right servers),
// Ctrl-C keeping the figures gathered so far, the run store, refusals that say why, a series
// (--repeat 3 over a clients sweep, with a warm-up) compared and exported, a cold-cache run,
// and a run through a switchover (pgbench restarted, the time without a commit reported). The
// suite runs its tests one after another, and every test of the shared lab is leader-agnostic.
#include "bench/benchmanifest.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {
constexpr int kCliTimeoutMs = 120000;   // a test may wait for the CLI; the app never waits

struct Cli {
    int code = -1;
    QString out;
    QString err;
};
} // namespace

class TestBench : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_store.isValid());
        qputenv("PGHA_BENCH_STORE", storePath().toLocal8Bit());
        const Cli init = cli({QStringLiteral("bench"), QStringLiteral("init"), QStringLiteral("--scale"), QStringLiteral("2")});
        QVERIFY2(init.code == 0, qPrintable(init.err));
        QVERIFY2(init.out.contains(u"initialised pgbench at scale 2 through rw"), qPrintable(init.out));
        // The standalone baseline is started on demand by the first command that names it.
        const Cli standalone = cli({QStringLiteral("bench"), QStringLiteral("init"), QStringLiteral("--scale"), QStringLiteral("2"),
                                    QStringLiteral("--target"), QStringLiteral("standalone")});
        QVERIFY2(standalone.code == 0, qPrintable(standalone.err));
        QVERIFY2(standalone.out.contains(u"through standalone"), qPrintable(standalone.out));
    }

    void runThroughEachEntryPoint_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("role");
        QTest::newRow("rw") << QStringLiteral("rw") << QStringLiteral("primary");
        QTest::newRow("ro") << QStringLiteral("ro") << QStringLiteral("replica");
        QTest::newRow("direct") << QStringLiteral("direct") << QStringLiteral("primary");
        QTest::newRow("standalone") << QStringLiteral("standalone") << QStringLiteral("primary");
    }
    void runThroughEachEntryPoint()
    {
        QFETCH(QString, target);
        QFETCH(QString, role);
        const Cli r = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("--target"), target, QStringLiteral("-c"),
                           QStringLiteral("2"), QStringLiteral("-j"), QStringLiteral("2"), QStringLiteral("-T"), QStringLiteral("5"),
                           QStringLiteral("--label"), QStringLiteral("tst_bench"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject run = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(run.value(u"tps").toDouble() > 0);
        QVERIFY(run.value(u"transactions").toDouble() > 0);
        QCOMPARE(run.value(u"failed").toDouble(), 0.0);
        const QJsonObject latency = run.value(u"latency").toObject();
        QVERIFY(latency.value(u"p50").toDouble() > 0);
        QVERIFY(latency.value(u"p50").toDouble() <= latency.value(u"p99").toDouble());
        QVERIFY(latency.value(u"p99").toDouble() <= latency.value(u"max").toDouble());
        QVERIFY2(run.value(u"samples").toArray().size() >= 3, qPrintable(r.out.left(2000)));   // one a second
        const QJsonArray answered = run.value(u"answeredBy").toArray();
        QVERIFY2(!answered.isEmpty(), qPrintable(r.out.left(2000)));
        for (const auto &a : answered)
            QVERIFY2(a.toString().contains(QStringLiteral("(") + role), qPrintable(a.toString()));
        if (target == u"standalone")   // the baseline, not a member: no Patroni behind it
            QVERIFY2(answered.size() == 1 && answered[0].toString().startsWith(u"standalone (primary, 127.0.0.1:"),
                     qPrintable(answered[0].toString()));
        // pgbench never saw a password on its command line.
        QVERIFY(!run.value(u"commandLine").toString().contains(u"password", Qt::CaseInsensitive));
        QVERIFY(run.value(u"commandLine").toString().startsWith(u"LC_ALL=C "));
    }

    void ctrlCKeepsTheFiguresSoFar()
    {
        QProcess p;
        p.start(QStringLiteral(PGHA_CLI), {QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("-T"), QStringLiteral("60"),
                                          QStringLiteral("--json")});
        QVERIFY(p.waitForStarted());
        // The first progress line says the load is on.
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains(" tps "), 20000);
        QTest::qWait(1500);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject run = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QVERIFY(run.value(u"stopped").toBool());
        QVERIFY(run.value(u"transactions").toDouble() > 0);
        QVERIFY(run.value(u"latency").toObject().value(u"p99").toDouble() > 0);
    }

    void storeKeepsEveryRunOwnerOnly()
    {
        QFile f(storePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 5);   // four entry points and the stopped run
        QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        const Cli runs = cli({QStringLiteral("bench"), QStringLiteral("runs"), QStringLiteral("--label"), QStringLiteral("tst_bench")});
        QCOMPARE(runs.code, 0);
        QCOMPARE(runs.out.trimmed().split(u'\n').size(), 4);
    }

    void repeatedSweepIsSummarisedComparedAndExported()
    {
        const Cli r = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("--target"), QStringLiteral("direct"),
                           QStringLiteral("-c"), QStringLiteral("1,2"), QStringLiteral("--repeat"), QStringLiteral("3"), QStringLiteral("-T"),
                           QStringLiteral("2"), QStringLiteral("--warmup"), QStringLiteral("1"), QStringLiteral("--label"),
                           QStringLiteral("tst_bench_series"), QStringLiteral("--report"), m_store.filePath(QStringLiteral("report.md")),
                           QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray runs = o.value(u"runs").toArray();
        QCOMPARE(runs.size(), 6);                                  // the warm-ups are not kept
        QVERIFY2(r.err.contains(u"warming up 1 s"), qPrintable(r.err));
        const QString series = o.value(u"series").toString();
        QVERIFY(!series.isEmpty());
        for (const auto &v : runs) {
            const QJsonObject run = v.toObject();
            QCOMPARE(run.value(u"series").toString(), series);
            QCOMPARE(run.value(u"warmupS").toInt(), 1);
            const QJsonObject m = run.value(u"manifest").toObject();
            QVERIFY2(m.value(u"versions").toObject().value(u"server").toString().contains(u'.'), qPrintable(QJsonDocument(m).toJson()));
            QVERIFY(m.value(u"versions").toObject().value(u"pgbench").toString().contains(u"pgbench"));
            QVERIFY(m.value(u"versions").toObject().value(u"patroni").toString().contains(u'.'));
            QVERIFY(m.value(u"cluster").toObject().contains(u"synchronousMode"));
            QVERIFY(m.value(u"machine").toObject().value(u"cores").toInt() >= 1);
            QVERIFY(m.value(u"cluster").toObject().value(u"scale").toInt() >= 2);
            QVERIFY(!run.value(u"latencyHistogram").toArray().isEmpty());
        }
        const QJsonArray configurations = o.value(u"configurations").toArray();
        QCOMPARE(configurations.size(), 2);
        for (const auto &v : configurations) {
            const QJsonObject c = v.toObject();
            QCOMPARE(c.value(u"runs").toInt(), 3);
            QVERIFY(c.value(u"tpsCiLow").toDouble() <= c.value(u"tpsMean").toDouble());
            QVERIFY(c.value(u"tpsMean").toDouble() <= c.value(u"tpsCiHigh").toDouble());
            QVERIFY(c.contains(u"cv"));
        }
        QFile report(m_store.filePath(QStringLiteral("report.md")));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QByteArray md = report.readAll();
        QVERIFY2(md.contains("| direct · select-only · c2 j1 · 2 s | 3 |") && md.contains("baseline"), md.constData());

        const Cli compare = cli({QStringLiteral("bench"), QStringLiteral("compare"), series, QStringLiteral("--json")});
        QVERIFY2(compare.code == 0, qPrintable(compare.err));
        const QJsonArray groups = QJsonDocument::fromJson(compare.out.toUtf8()).object().value(u"configurations").toArray();
        QCOMPARE(groups.size(), 2);
        QVERIFY(groups[1].toObject().contains(u"percentCiLow"));   // 3 runs each: Welch's interval
        const Cli unknown = cli({QStringLiteral("bench"), QStringLiteral("compare"), QStringLiteral("no-such-run")});
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(u"no kept run or series"), qPrintable(unknown.err));

        const QString csv = m_store.filePath(QStringLiteral("runs.csv"));
        const Cli exported = cli({QStringLiteral("bench"), QStringLiteral("runs"), QStringLiteral("--series"), series,
                                  QStringLiteral("--export"), csv});
        QVERIFY2(exported.code == 0, qPrintable(exported.err));
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = c.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 7);   // header and six runs
        QVERIFY(lines[0].startsWith("id,series,label"));
    }

    void coldCacheRestartsTheServersFirst()
    {
        const Cli r = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("--target"), QStringLiteral("ro"),
                           QStringLiteral("--cold"), QStringLiteral("-T"), QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(u"cold cache: restarting"), qPrintable(r.err));
        const QJsonObject run = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(run.value(u"cache").toString(), QStringLiteral("cold"));
        QVERIFY(run.value(u"transactions").toDouble() > 0);
        bool noted = false;
        for (const auto &w : run.value(u"warnings").toArray())
            noted = noted || w.toString().contains(u"servers restarted");
        QVERIFY2(noted, qPrintable(r.out.left(3000)));
    }

    void switchoverDuringARunRestartsPgbench()
    {
        QProcess bench;
        bench.start(QStringLiteral(PGHA_CLI), {QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("--builtin"),
                                              QStringLiteral("tpcb-like"), QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-T"),
                                              QStringLiteral("16"), QStringLiteral("--json")});
        QVERIFY(bench.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += bench.readAllStandardError()).contains(" tps "), 20000);
        QTest::qWait(2000);
        const Cli sw = cli({QStringLiteral("switchover"), QStringLiteral("--yes"), QStringLiteral("--no-probe")});
        QVERIFY2(sw.code == 0, qPrintable(sw.err + sw.out));
        QVERIFY(bench.waitForFinished(60000));
        QCOMPARE(bench.exitCode(), 0);
        const QJsonObject run = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
        QVERIFY2(run.value(u"restarts").toInt() >= 1, qPrintable(QJsonDocument(run).toJson().left(3000)));
        QVERIFY(run.value(u"abortedClients").toInt() >= 1);
        QVERIFY(run.value(u"transactions").toDouble() > 0);
        // The switchover left the clients without a server for a while: far longer than a
        // transaction takes here (milliseconds), and the figure says how long.
        QVERIFY2(run.value(u"longestGapMs").toDouble() > 200, qPrintable(QString::number(run.value(u"longestGapMs").toDouble())));
        QCOMPARE(run.value(u"tpsSource").toString(), QStringLiteral("log"));
    }

    void everyStoredRunMatchesTheSchema()
    {
        // Each line of the store (the runs of this test: all made by the session) against
        // docs/bench-run.schema.json, with python3-jsonschema; a run missing its manifest fails.
        QFile f(storePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonArray all;
        for (const QByteArray &line : f.readAll().trimmed().split('\n'))
            all.append(QJsonDocument::fromJson(line).object());
        QVERIFY(all.size() >= 10);
        QJsonObject broken = all.at(0).toObject();
        broken.remove(QStringLiteral("manifest"));
        auto validate = [this](const QJsonArray &runs) {
            const QString file = m_store.filePath(QStringLiteral("validate.json"));
            QFile out(file);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return std::pair{-1, QStringLiteral("cannot write %1").arg(file)};
            out.write(QJsonDocument(runs).toJson());
            out.close();
            QProcess py;
            py.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral("-c"), QStringLiteral("import json, sys, jsonschema\n"
                                                           "schema = json.load(open(sys.argv[2]))\n"
                                                           "for run in json.load(open(sys.argv[1])):\n"
                                                           "    try: jsonschema.validate(run, schema)\n"
                                                           "    except jsonschema.ValidationError as e: sys.exit(f'{list(e.path)}: {e.message}'[:800])"),
                      file, QStringLiteral(PGHA_SOURCE_DIR "/docs/bench-run.schema.json")});
            py.waitForFinished(60000);
            return std::pair{py.exitCode(), QString::fromUtf8(py.readAllStandardError()).right(1500)};
        };
        const auto [ok, okErr] = validate(all);
        QVERIFY2(ok == 0, qPrintable(okErr));
        const auto [notOk, why] = validate(QJsonArray{broken});
        QVERIFY(notOk != 0);
        QVERIFY2(why.contains(u"manifest"), qPrintable(why));
    }

    void refusalsSayWhy()
    {
        const Cli prepared = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("-M"), QStringLiteral("prepared"),
                                  QStringLiteral("-T"), QStringLiteral("2")});
        // PgBouncer 1.21 and later (Debian 13: 1.24) take protocol-level prepared statements in
        // transaction pooling, so there the run goes through; before (Debian 12: 1.18) pgha
        // refuses it and says why. The lab runs the installed PgBouncer.
        QProcess version;
        version.start(QStandardPaths::findExecutable(QStringLiteral("pgbouncer"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")}),
                      {QStringLiteral("--version")});
        QVERIFY(version.waitForFinished(10000));
        const QString pgbouncer = QString::fromUtf8(version.readAllStandardOutput()).section(QLatin1Char('\n'), 0, 0);
        if (pgha::svc::pgbouncerSupportsPrepared(pgbouncer)) {
            QVERIFY2(prepared.code == 0, qPrintable(pgbouncer + QStringLiteral(": ") + prepared.err));
        } else {
            QCOMPARE(prepared.code, 1);
            QVERIFY2(prepared.err.contains(u"1.21") && prepared.err.contains(u"PgBouncer"), qPrintable(prepared.err));
        }
        const Cli sweep = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("-c"), QStringLiteral("1,two")});
        QCOMPARE(sweep.code, 2);
        QVERIFY2(sweep.err.contains(u"\"two\""), qPrintable(sweep.err));
        const Cli member = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("--target"), QStringLiteral("member:nope")});
        QCOMPARE(member.code, 1);
        QVERIFY2(member.err.contains(u"no member named \"nope\"") && member.err.contains(u"pg1"), qPrintable(member.err));
        const Cli threads = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("-c"), QStringLiteral("2"),
                                 QStringLiteral("-j"), QStringLiteral("3")});
        QCOMPARE(threads.code, 2);
        QVERIFY2(threads.err.contains(u"threads must be"), qPrintable(threads.err));
        const Cli ro = cli({QStringLiteral("bench"), QStringLiteral("init"), QStringLiteral("--target"), QStringLiteral("ro")});
        QCOMPARE(ro.code, 2);
        QVERIFY2(ro.err.contains(u"replicas"), qPrintable(ro.err));

        // A custom script pgbench cannot parse: its own message, with the line.
        const QString script = m_store.filePath(QStringLiteral("bad.sql"));
        QFile s(script);
        QVERIFY(s.open(QIODevice::WriteOnly));
        s.write("\\set aid random(1, 10\nSELECT 1;\n");
        s.close();
        const Cli bad = cli({QStringLiteral("bench"), QStringLiteral("run"), QStringLiteral("--file"), script, QStringLiteral("-T"),
                             QStringLiteral("2")});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains(u"pgbench refused to run") && bad.err.contains(u"bad.sql"), qPrintable(bad.err));
    }

private:
    QString storePath() const { return m_store.filePath(QStringLiteral("bench-runs.jsonl")); }

    Cli cli(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(PGHA_CLI), args);
        if (!p.waitForFinished(kCliTimeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    QTemporaryDir m_store;
};

QTEST_GUILESS_MAIN(TestBench)
#include "tst_bench.moc"
