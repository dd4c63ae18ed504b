// The `pgha` CLI against the running shared lab, run as a separate process like a user would.
#include "labtestutil.h"

#include "lab/labstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

using namespace pgha::svc;

class TestCli : public QObject {
    Q_OBJECT

    struct Run {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run pgha(const QStringList &args, int timeoutMs = 60000)
    {
        QProcess p;
        p.start(QStringLiteral(PGHA_CLI), args);
        if (!p.waitForFinished(timeoutMs)) {   // a test process, not the GUI thread
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private slots:
    void initTestCase()
    {
        labtest::useTestLabDir();
        if (NativeLab::inspect(LabConfig::defaultLabDir()).status != NativeLab::Status::Running)
            QFAIL("the shared test lab is not running: run this through ctest, which starts it (fixture \"lab\")");
    }

    void secondStartSaysAlreadyRunning()
    {
        const Run r = pgha({QStringLiteral("lab"), QStringLiteral("start")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u"already running"), qPrintable(r.out));
        QVERIFY(r.err.contains(u"healthy"));
    }

    void labStatusJson()
    {
        const Run r = pgha({QStringLiteral("lab"), QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(u"status").toString(), QStringLiteral("running"));
        const QJsonArray components = o.value(u"components").toArray();
        QCOMPARE(components.size(), 14);   // etcd ×3, Patroni ×3, PgBouncer ×3, HAProxy, exporters ×3, Pgpool-II
        for (const auto &c : components) {
            QVERIFY(c.toObject().value(u"alive").toBool());
            QVERIFY(c.toObject().value(u"pid").toInteger() > 0);
        }
        // The lab records the ttl its Patroni runs, as /config says: demo-fast's 10 on Patroni 3.0,
        // 20 on 3.2 and later, which raise a lower ttl.
        const Run status = pgha({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(status.exitCode, 0);
        const int running = QJsonDocument::fromJson(status.out.toUtf8()).object().value(u"config").toObject().value(u"ttl").toInt();
        QVERIFY2(running == 10 || running == LabTimings::kPatroniMinTtl, qPrintable(QString::number(running)));
        QCOMPARE(o.value(u"timings").toObject().value(u"ttl").toInt(), running);
    }

    void statusShowsMembers()
    {
        const Run json = pgha({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QVERIFY(o.value(u"ok").toBool());
        const QJsonArray members = o.value(u"members").toArray();
        QCOMPARE(members.size(), 3);
        int leaders = 0;
        for (const auto &m : members)
            leaders += m.toObject().value(u"role").toString() == u"leader" ? 1 : 0;
        QCOMPARE(leaders, 1);
        QVERIFY(!o.value(u"leader").toString().isEmpty());

        const Run table = pgha({QStringLiteral("status")});
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.contains(u"MEMBER"));
        QCOMPARE(table.out.count(u"Leader"), 1);
        QCOMPARE(table.out.count(u"Replica"), 2);
    }

    void statusJsonHasEtcdAndHaproxy()
    {
        const Run r = pgha({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject etcd = o.value(u"etcd").toObject();
        QVERIFY(!etcd.value(u"leader").toString().isEmpty());
        QCOMPARE(etcd.value(u"members").toArray().size(), 3);
        QCOMPARE(etcd.value(u"patroniScopes").toArray().first().toObject().value(u"scope").toString(), QStringLiteral("pgha-lab"));
        QCOMPARE(etcd.value(u"patroniScopes").toArray().first().toObject().value(u"leader").toString(), o.value(u"leader").toString());
        QCOMPARE(o.value(u"haproxy").toObject().value(u"servers").toArray().size(), 6);   // 3 servers × read_write, read_only
        // 3 REST, 3 etcd, HAProxy, 3 PostgreSQL, 3 PgBouncer, Pgpool-II, 9 /metrics
        QCOMPARE(o.value(u"sources").toArray().size(), 23);
        QCOMPARE(o.value(u"patroniNodes").toObject().size(), 3);
        QVERIFY(o.value(u"config").toObject().contains(u"ttl"));
        QCOMPARE(o.value(u"config").toObject().value(u"pghaTimingPreset").toString(), QStringLiteral("demo-fast"));
        QCOMPARE(o.value(u"metrics").toObject().size(), 9);
        QCOMPARE(o.value(u"pgpools").toObject().value(u"pgpool").toObject().value(u"nodes").toArray().size(), 3);
        // Writes went through the leader's PgBouncer (the lab's health check), so it shows its target.
        const int leaderIndex = o.value(u"leader").toString().mid(2).toInt();
        QCOMPARE(o.value(u"pgbouncers").toObject().value(QStringLiteral("pgbouncer%1").arg(leaderIndex)).toObject().value(u"target").toString(),
                 QStringLiteral("127.0.0.1:%1").arg(5431 + leaderIndex));
        QCOMPARE(o.value(u"postgres").toObject().size(), 3);
    }

    void watchStreamsJsonLines()
    {
        const Run r = pgha({QStringLiteral("watch"), QStringLiteral("--json"), QStringLiteral("--duration"), QStringLiteral("3")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        bool sawLeader = false;
        for (const QString &line : lines) {
            const QJsonObject e = QJsonDocument::fromJson(line.toUtf8()).object();
            QVERIFY2(!e.isEmpty(), qPrintable(line));   // every line one JSON object
            QVERIFY(e.contains(u"at") && e.contains(u"kind") && e.contains(u"severity"));
            sawLeader |= e.value(u"kind").toString() == u"leader-changed";
        }
        QVERIFY(sawLeader);   // the baseline names the leader
    }

    void envLetsPsqlConnect()
    {
        const Run r = pgha({QStringLiteral("lab"), QStringLiteral("env")});
        QCOMPARE(r.exitCode, 0);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PGPASSWORD"));
        for (const QString &line : r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (!line.startsWith(u"export "))
                continue;
            const QString kv = line.mid(7);
            const qsizetype eq = kv.indexOf(QLatin1Char('='));
            QString value = kv.mid(eq + 1);
            if (value.startsWith(QLatin1Char('\'')))
                value = value.mid(1, value.size() - 2);
            env.insert(kv.left(eq), value);
        }
        QCOMPARE(env.value(QStringLiteral("PGPORT")), QStringLiteral("5000"));
        const QString passfile = env.value(QStringLiteral("PGPASSFILE"));
        QVERIFY(QFile::exists(passfile));
        QCOMPARE(QFile::permissions(passfile) & (QFile::ReadGroup | QFile::ReadOther), QFileDevice::Permissions());
        QVERIFY(!r.out.contains(LabState::load(LabConfig::defaultLabDir()).value().secrets.superuser));   // no secret on stdout

        const QString psql = QStandardPaths::findExecutable(QStringLiteral("psql"));
        if (psql.isEmpty())
            QSKIP("psql is not installed (Debian package postgresql-client); cannot check the environment end to end");
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(psql, {QStringLiteral("-Atc"), QStringLiteral("SELECT pg_is_in_recovery()")});
        QVERIFY(p.waitForFinished(20000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QCOMPARE(p.readAllStandardOutput().trimmed(), QByteArray("f"));   // the read-write entry point: the primary
    }

    void helpEverywhereAndUsageErrors()
    {
        for (const QStringList &args : QList<QStringList>{{QStringLiteral("--help")},
                                                          {QStringLiteral("lab"), QStringLiteral("--help")},
                                                          {QStringLiteral("lab"), QStringLiteral("start"), QStringLiteral("--help")},
                                                          {QStringLiteral("lab"), QStringLiteral("stop"), QStringLiteral("--help")},
                                                          {QStringLiteral("lab"), QStringLiteral("status"), QStringLiteral("--help")},
                                                          {QStringLiteral("lab"), QStringLiteral("env"), QStringLiteral("--help")},
                                                          {QStringLiteral("status"), QStringLiteral("--help")},
                                                          {QStringLiteral("watch"), QStringLiteral("--help")}}) {
            const Run r = pgha(args);
            QVERIFY2(r.exitCode == 0, qPrintable(args.join(u' ')));
            QVERIFY2(r.out.contains(u"Usage"), qPrintable(args.join(u' ') + r.out));
        }
        QCOMPARE(pgha({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(pgha({QStringLiteral("lab"), QStringLiteral("start"), QStringLiteral("--flavor"), QStringLiteral("kvm")}).exitCode, 2);
        QCOMPARE(pgha({QStringLiteral("lab"), QStringLiteral("start"), QStringLiteral("--reuse"), QStringLiteral("--wipe")}).exitCode, 2);
        const Run badProfile = pgha({QStringLiteral("status"), QStringLiteral("--profile"), QStringLiteral("/nonexistent.yaml")});
        QCOMPARE(badProfile.exitCode, 1);
        QVERIFY(badProfile.err.contains(u"nonexistent"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
