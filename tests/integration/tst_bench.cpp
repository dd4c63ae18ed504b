// `pgha bench` on the shared native lab with the real pgbench: init, runs through the read-write
// and read-only entry points and straight to the primary (each answered by the right servers),
// Ctrl-C keeping the figures gathered so far, the run store, and refusals that say why. A run
// through a switchover (pgbench restarted, the commit gap reported) is in docs/bench.md: it
// changes the leader, which the other users of the shared lab must not see.
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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
    }

    void runThroughEachEntryPoint_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("role");
        QTest::newRow("rw") << QStringLiteral("rw") << QStringLiteral("primary");
        QTest::newRow("ro") << QStringLiteral("ro") << QStringLiteral("replica");
        QTest::newRow("direct") << QStringLiteral("direct") << QStringLiteral("primary");
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
        QCOMPARE(lines.size(), 4);   // three entry points and the stopped run
        QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        const Cli runs = cli({QStringLiteral("bench"), QStringLiteral("runs"), QStringLiteral("--label"), QStringLiteral("tst_bench")});
        QCOMPARE(runs.code, 0);
        QCOMPARE(runs.out.trimmed().split(u'\n').size(), 3);
    }

    void refusalsSayWhy()
    {
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
