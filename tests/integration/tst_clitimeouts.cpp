// `pgha status` against a cluster the console did not start — a staging profile with every
// kind of source, no lab_dir — on a native lab of this test's own (port offset 2200), run as a
// separate process as an operator would: it returns within its deadline with the right picture;
// and when a source is a black hole (a TCP listener that accepts and never answers: an HTTP
// source, a PostgreSQL source, the only Patroni REST API, an operator action's fresh read), the
// command exits non-zero within --timeout plus a margin and names that source.
//
// The lab is stopped in cleanupTestCase, and again by the ctest fixture clitimeouts_lab when
// this process dies before it could.
#include "labtestutil.h"

#include "http/httpclient.h"
#include "lab/labfiles.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace pgha::svc;

namespace {

// Accepts every connection and never answers, never closes.
class BlackHole : public QObject {
    Q_OBJECT
public:
    BlackHole()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                m_held.append(s);   // owned by the server; read nothing, write nothing
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    int accepted() const { return static_cast<int>(m_held.size()); }

private:
    QTcpServer m_server;
    QList<QTcpSocket *> m_held;
};

} // namespace

class TestCliTimeouts : public QObject {
    Q_OBJECT

    static constexpr int kOffset = 2200;
    static constexpr int kStartTimeoutMs = NativeLab::kStartTimeoutMs + 30000;
    static constexpr int kDefaultDeadlineS = 10;       // pgha's --timeout default
    static constexpr int kBlackHoleDeadlineS = 3;      // the --timeout the black-hole rows pass
    static constexpr int kMarginMs = 3000;             // process start, output, a loaded machine
    QString m_dir = QStringLiteral(PGHA_TEST_LAB_DIR "-clitimeouts");
    HttpClient m_labHttp;
    QTemporaryDir m_work;
    bool m_started = false;

    LabConfig config() const
    {
        LabConfig c;
        c.labDir = m_dir;
        c.ports = LabPorts().withOffset(kOffset);
        return c;
    }

    // The binary under test; PGHA_TEST_CLI runs these tests against another build (e.g. the
    // code before a fix, to see them fail).
    static QString cli() { return qEnvironmentVariable("PGHA_TEST_CLI", QStringLiteral(PGHA_CLI)); }

    struct Run {
        bool finished = false;
        int exitCode = -1;
        qint64 elapsedMs = 0;
        QString out;
        QString err;
    };

    // Runs pgha; the event loop spins meanwhile, so the black holes accept its connections.
    Run pgha(const QStringList &args, int waitMs) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSFILE"), m_work.filePath(QStringLiteral("pgpass")));
        env.insert(QStringLiteral("PGHA_LAB_DIR"), m_work.filePath(QStringLiteral("no-lab-here")));   // nothing borrowed from a lab
        env.remove(QStringLiteral("PGPASSWORD"));
        p.setProcessEnvironment(env);
        p.setStandardInputFile(QProcess::nullDevice());
        QSignalSpy done(&p, &QProcess::finished);
        QElapsedTimer clock;
        clock.start();
        p.start(cli(), args);
        Run r;
        r.finished = done.wait(waitMs);
        r.elapsedMs = clock.elapsed();
        if (!r.finished) {
            p.kill();
            done.wait(5000);
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        qInfo("pgha %s: exit %d after %lld ms", qPrintable(args.first()), r.exitCode, static_cast<long long>(r.elapsedMs));
        return r;
    }

    struct Sources {
        QString patroni;         // YAML list
        QString haproxyStats;
        QString extraPostgres;   // one more entry of the postgres: list
    };

    // A profile of kind staging for this lab, written as an operator would for a cluster of
    // their own: one Patroni URL (discovery finds the others), PostgreSQL by host name.
    QString writeProfile(const QString &name, const Sources &s = {}) const
    {
        const LabPorts p = config().ports;
        QString yaml = QStringLiteral("name: %1\nkind: staging\n").arg(name);
        yaml += QStringLiteral("patroni: %1\n")
                        .arg(s.patroni.isEmpty() ? QStringLiteral("[\"http://127.0.0.1:%1\"]").arg(p.rest[0]) : s.patroni);
        yaml += QStringLiteral("etcd: [\"http://127.0.0.1:%1\", \"http://127.0.0.1:%2\", \"http://127.0.0.1:%3\"]\n")
                        .arg(p.etcdClient[0]).arg(p.etcdClient[1]).arg(p.etcdClient[2]);
        yaml += QStringLiteral("haproxy_stats: \"%1\"\n")
                        .arg(s.haproxyStats.isEmpty() ? QStringLiteral("http://127.0.0.1:%1/stats").arg(p.haproxyStats) : s.haproxyStats);
        yaml += QStringLiteral("pgbouncers: [\"postgresql://127.0.0.1:%1\", \"postgresql://127.0.0.1:%2\", \"postgresql://127.0.0.1:%3\"]\n")
                        .arg(p.pgbouncer[0]).arg(p.pgbouncer[1]).arg(p.pgbouncer[2]);
        yaml += QStringLiteral("metrics: [\"http://127.0.0.1:%1/metrics\"]\n").arg(p.exporter[0]);
        yaml += QStringLiteral("postgres:\n");
        for (int i = 0; i < kLabMembers; ++i)
            yaml += QStringLiteral("  - {name: pg%1, url: \"postgresql://localhost:%2\"}\n").arg(i + 1).arg(p.postgres[i]);
        if (!s.extraPostgres.isEmpty())
            yaml += QStringLiteral("  - %1\n").arg(s.extraPostgres);
        const QString path = m_work.filePath(name + QStringLiteral(".yaml"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(yaml.toUtf8()) != yaml.toUtf8().size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        const LabOutcome outcome = labtest::startFreshLab(config(), &m_labHttp);
        m_started = true;
        QVERIFY2(outcome.ok, qPrintable(outcome.error.toString()));
        // An operator's ~/.pgpass for this cluster: the lab's client file, and its entries for
        // "localhost" too (libpq matches ~/.pgpass by the host name it was given).
        QFile labPass(LabLayout(m_dir).clientPgpass());
        QVERIFY2(labPass.open(QIODevice::ReadOnly), qPrintable(labPass.fileName()));
        QByteArray pass = labPass.readAll();
        QByteArray byName = pass;
        byName.replace("127.0.0.1:", "localhost:");
        QFile own(m_work.filePath(QStringLiteral("pgpass")));
        QVERIFY(own.open(QIODevice::WriteOnly));
        QVERIFY(own.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(own.write(pass + byName) == pass.size() + byName.size());
    }

    void cleanupTestCase()
    {
        if (m_started)   // whatever happened above: no process of this lab outlives the test
            labtest::stopAndRemoveLab(config(), &m_labHttp);
    }

    // The bug: a round of one poller never finished (discovery replaced the /metrics list under
    // it), and `pgha status` waited forever. Now it answers well within its deadline.
    void statusOnAStagingProfileAnswersInTime_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("table") << false;
        QTest::newRow("json") << true;
    }

    void statusOnAStagingProfileAnswersInTime()
    {
        QFETCH(bool, json);
        const QString profile = writeProfile(QStringLiteral("staging-cli"));
        QStringList args{QStringLiteral("status"), QStringLiteral("--profile"), profile};
        if (json)
            args << QStringLiteral("--json");
        const Run r = pgha(args, kDefaultDeadlineS * 1000 + kMarginMs);
        QVERIFY2(r.finished, qPrintable(QStringLiteral("pgha status did not return within %1 s; stderr: %2")
                                                .arg(kDefaultDeadlineS + kMarginMs / 1000).arg(r.err)));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.elapsedMs < kDefaultDeadlineS * 1000, qPrintable(QString::number(r.elapsedMs)));
        if (!json) {
            QVERIFY2(r.out.contains(u"MEMBER"), qPrintable(r.out));
            QCOMPARE(r.out.count(u"Leader"), 1);
            QCOMPARE(r.out.count(u"Replica"), 2);
            QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("PostgreSQL: .*pg\\d primary"))), qPrintable(r.out));
            QCOMPARE(r.out.count(u"in recovery"), 2);
            QVERIFY(!r.err.contains(u"did not answer"));
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY2(o.value(u"ok").toBool(), qPrintable(r.out.left(3000)));
        QVERIFY(o.value(u"complete").toBool());
        QCOMPARE(o.value(u"unanswered").toArray().size(), 0);
        QCOMPARE(o.value(u"members").toArray().size(), kLabMembers);
        const QString leader = o.value(u"leader").toString();
        QVERIFY(!leader.isEmpty());
        // Every PostgreSQL answered (by host name, with the password ~/.pgpass holds for that
        // name), and the one not in recovery is Patroni's leader.
        const QJsonObject pg = o.value(u"postgres").toObject();
        QCOMPARE(pg.size(), kLabMembers);
        for (auto it = pg.begin(); it != pg.end(); ++it)
            QCOMPARE(it.value().toObject().value(u"inRecovery").toBool(), it.key() != leader);
        QCOMPARE(o.value(u"pgbouncers").toObject().size(), kLabMembers);
        QCOMPARE(o.value(u"etcd").toObject().value(u"members").toArray().size(), kLabMembers);
        QCOMPARE(o.value(u"primaryBySource").toObject().value(u"PostgreSQL not in recovery").toString(), leader);
    }

    void aBlackHoleIsNamedWithinTheTimeout_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("mentions");   // in the report, beside the URL
        QTest::newRow("HAProxy stats (http)") << "haproxy" << "haproxy";
        QTest::newRow("PostgreSQL") << "postgres" << "no answer to the TLS request";
        QTest::newRow("the only Patroni REST API") << "patroni" << "no Patroni REST API";
    }

    void aBlackHoleIsNamedWithinTheTimeout()
    {
        QFETCH(QString, kind);
        QFETCH(QString, mentions);
        BlackHole hole;
        QVERIFY(hole.port() > 0);
        const QString url = QStringLiteral("127.0.0.1:%1").arg(hole.port());
        Sources s;
        if (kind == u"haproxy")
            s.haproxyStats = QStringLiteral("http://%1/stats").arg(url);
        else if (kind == u"postgres")
            s.extraPostgres = QStringLiteral("{name: blackhole, url: \"postgresql://%1\"}").arg(url);
        else
            s.patroni = QStringLiteral("[{name: blackhole, url: \"http://%1\"}]").arg(url);
        const QString profile = writeProfile(QStringLiteral("hole-") + kind, s);
        const Run r = pgha({QStringLiteral("status"), QStringLiteral("--profile"), profile, QStringLiteral("--timeout"),
                            QString::number(kBlackHoleDeadlineS)},
                           kBlackHoleDeadlineS * 1000 + kMarginMs);
        QVERIFY2(r.finished, qPrintable(QStringLiteral("still running after %1 ms").arg(r.elapsedMs)));
        QVERIFY2(hole.accepted() > 0, "pgha never connected to the black hole");
        QVERIFY2(r.exitCode == 1, qPrintable(QStringLiteral("exit %1; stderr: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.elapsedMs < kBlackHoleDeadlineS * 1000 + kMarginMs, qPrintable(QString::number(r.elapsedMs)));
        QVERIFY2(r.err.contains(url), qPrintable(r.err));
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
        if (kind == u"postgres")
            QVERIFY2(r.err.contains(u"blackhole SQL"), qPrintable(r.err));
        if (kind != u"patroni")   // the rest of the picture is still printed
            QVERIFY2(r.out.contains(u"Leader"), qPrintable(r.out));
    }

    // An operator action reads the cluster fresh before anything is sent: from a black hole it
    // gives up at --timeout, names the REST API it asked, and sends nothing.
    void anActionsFreshReadFromABlackHoleGivesUpInTime()
    {
        BlackHole hole;
        const QString url = QStringLiteral("127.0.0.1:%1").arg(hole.port());
        const QString profile = writeProfile(QStringLiteral("hole-action"),
                                             {QStringLiteral("[{name: blackhole, url: \"http://%1\"}]").arg(url), {}, {}});
        constexpr int kActionDeadlineS = 2;   // below the runner's own 3 s per REST call
        const Run r = pgha({QStringLiteral("pause"), QStringLiteral("--profile"), profile, QStringLiteral("--yes"),
                            QStringLiteral("--no-probe"), QStringLiteral("--timeout"), QString::number(kActionDeadlineS),
                            QStringLiteral("--journal"), m_work.filePath(QStringLiteral("journal.jsonl"))},
                           kActionDeadlineS * 1000 + kMarginMs);
        QVERIFY2(r.finished, qPrintable(QStringLiteral("still running after %1 ms").arg(r.elapsedMs)));
        QVERIFY2(r.exitCode == 1, qPrintable(QStringLiteral("exit %1; stderr: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.elapsedMs < kActionDeadlineS * 1000 + kMarginMs, qPrintable(QString::number(r.elapsedMs)));
        QVERIFY2(r.err.contains(QStringLiteral("blackhole (http://%1)").arg(url)), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"within 2 s"), qPrintable(r.err));
        QVERIFY(r.err.contains(u"nothing sent"));
    }
};

QTEST_GUILESS_MAIN(TestCliTimeouts)
#include "tst_clitimeouts.moc"
