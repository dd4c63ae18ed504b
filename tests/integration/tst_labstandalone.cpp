// The standalone baseline on a native lab of this test's own (port offset 2800): started by the
// code the app and `pgha lab standalone` use, it is a primary with no Patroni and no replication,
// runs the members' server binary and version and their parameters except the ones it must not
// have, answers `pgha lab standalone status --json`, stops with `pgha lab standalone stop` and
// with `pgha lab stop` leaving no process and a free port, and is refused on a directory pgha did
// not make (nothing in it deleted) and on the Docker lab. With the lab stopped it takes the
// members' patroni.yml; after a lab started afresh (new passwords) it is made again.
//
// The lab is stopped in cleanupTestCase, and again by the ctest fixture standalone_lab (its
// `pgha lab stop` stops the baseline too) when this process dies before it could.
#include "labtestutil.h"

#include "core/safefs.h"
#include "http/httpclient.h"
#include "lab/labstandalone.h"
#include "lab/labstate.h"
#include "pg/pgquery.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace pgha::svc;

class TestLabStandalone : public QObject {
    Q_OBJECT

    static constexpr int kOffset = 2800;
    static constexpr int kStartTimeoutMs = NativeLab::kStartTimeoutMs + 30000;
    static constexpr int kStandaloneTimeoutMs = LabStandalone::kInitdbTimeoutMs + LabStandalone::kReadyTimeoutMs;
    static constexpr int kCliTimeoutMs = 180000;
    static constexpr int kQueryTimeoutMs = 10000;
    const QString m_dir = QStringLiteral(PGHA_TEST_LAB_DIR "-standalone");
    HttpClient m_http;
    bool m_labRunning = false;
    qint64 m_pid = 0;

    LabConfig config() const
    {
        LabConfig c;
        c.labDir = m_dir;
        c.ports = LabPorts().withOffset(kOffset);
        return c;
    }
    QString standaloneDir() const { return m_dir + QStringLiteral("/standalone"); }

    struct Run {
        int code = -1;
        QString out;
        QString err;
    };
    Run cli(const QStringList &args, const QString &labDir = {}) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGHA_LAB_DIR"), labDir.isEmpty() ? m_dir : labDir);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PGHA_CLI), args);
        if (!p.waitForFinished(kCliTimeoutMs))
            p.kill();
        p.waitForFinished();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    static PgResult query(const PgEndpoint &e, const QString &sql)
    {
        PgQuery q(e, sql, kQueryTimeoutMs);
        QSignalSpy done(&q, &PgQuery::finished);
        q.start();
        if (done.isEmpty() && !done.wait(kQueryTimeoutMs + 5000))
            return {};
        return done.first().at(0).value<PgResult>();
    }

    PgEndpoint memberEndpoint(int index) const
    {
        PgEndpoint e;
        e.port = config().ports.postgres[index];
        e.password = LabState::load(m_dir).value().secrets.superuser;
        e.applicationName = QStringLiteral("tst_labstandalone");
        e.tls = PgTls::forLab();
        return e;
    }

    static QMap<QString, QString> settingsOf(const PgEndpoint &e)
    {
        const PgResult r = query(e, QStringLiteral("SELECT name, current_setting(name) FROM pg_settings "
                                                   "WHERE source IN ('command line', 'configuration file')"));
        if (!r.ok)
            qWarning("%s", qPrintable(r.error));
        QMap<QString, QString> out;
        for (const auto &row : r.rows)
            out.insert(row.value(0), row.value(1));
        return out;
    }

    static Result<PgEndpoint> ensure(const QString &labDir)
    {
        QObject context;
        std::optional<Result<PgEndpoint>> answer;
        ensureStandalone(labDir, &context, [&](const Result<PgEndpoint> &r) { answer = r; });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, kStandaloneTimeoutMs))
            return makeError(QStringLiteral("test timed out waiting for ensureStandalone"));
        return *answer;
    }

    static QString exeOf(qint64 pid) { return QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget(); }

private slots:
    void initTestCase()
    {
        const LabOutcome o = labtest::startFreshLab(config(), &m_http);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        m_labRunning = true;
    }

    void cleanupTestCase()
    {
        if (m_labRunning)
            labtest::stopAndRemoveLab(config(), &m_http);
        QVERIFY(!proc::isPortInUse(QStringLiteral("127.0.0.1"), config().ports.standalone));
    }

    // A directory at the baseline's path that pgha did not make: refused, and nothing in it or
    // about it changes.
    void foreignDirectoryIsRefused()
    {
        QVERIFY(QDir().mkpath(standaloneDir() + QStringLiteral("/chapter1")));
        const QString precious = standaloneDir() + QStringLiteral("/chapter1/figures.txt");
        {
            QFile f(precious);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("fig 1\n");
        }
        LabStandalone standalone(m_dir);
        QSignalSpy finished(&standalone, &LabStandalone::finished);
        standalone.start();
        QVERIFY(!finished.isEmpty() || finished.wait(kStandaloneTimeoutMs));
        const auto o = finished.first().at(0).value<StandaloneOutcome>();
        QVERIFY(!o.ok);
        QVERIFY2(o.error.message.contains(u"pgha did not make"), qPrintable(o.error.toString()));
        QVERIFY(o.error.message.contains(standaloneDir()));
        QVERIFY(o.error.hint.contains(u"move it away"));
        QFile f(precious);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("fig 1\n"));
        QVERIFY(!StandaloneState::exists(m_dir));
        QVERIFY(!proc::isPortInUse(QStringLiteral("127.0.0.1"), config().ports.standalone));
        // `pgha lab stop --wipe` would not delete it either: it is not recorded as the baseline's.
        QVERIFY(standaloneWipeEntries(m_dir).isEmpty());
        QVERIFY(QDir(standaloneDir()).removeRecursively());
    }

    void dockerLabIsRefused()
    {
        QTemporaryDir tmp;
        QVERIFY(QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        LabState docker;
        docker.flavor = QStringLiteral("docker");
        docker.config = config();
        docker.config.labDir = tmp.path();
        docker.secrets = LabState::Secrets{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
        docker.phase = LabState::Phase::Running;
        QVERIFY(docker.save(tmp.path()).ok());
        const auto endpoint = ensure(tmp.path());
        QVERIFY(!endpoint.ok());
        QVERIFY2(endpoint.error().message.startsWith(u"standalone baseline: only on the native lab for now — "),
                 qPrintable(endpoint.error().toString()));
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("standalone"))));
        QVERIFY(!StandaloneState::exists(tmp.path()));
        const Run status = cli({QStringLiteral("lab"), QStringLiteral("standalone"), QStringLiteral("start")}, tmp.path());
        QCOMPARE(status.code, 1);
        QVERIFY(status.err.contains(u"only on the native lab for now"));
    }

    void startsAsThePlainPrimaryOfTheMembersParameters()
    {
        const auto endpoint = ensure(m_dir);
        QVERIFY2(endpoint.ok(), qPrintable(endpoint.ok() ? QString() : endpoint.error().toString()));
        const PgEndpoint e = endpoint.value();
        QCOMPARE(e.port, LabPorts().standalone + kOffset);
        QCOMPARE(e.user, QStringLiteral("postgres"));
        QCOMPARE(e.password, LabState::load(m_dir).value().secrets.superuser);

        const PgResult r = query(e, QStringLiteral("SELECT pg_is_in_recovery()::text, (SELECT count(*) FROM pg_stat_replication), "
                                                   "(SELECT count(*) FROM pg_replication_slots), "
                                                   "(SELECT count(*) FROM pg_roles WHERE rolname IN ('replicator', 'rewinder'))"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rows.value(0), (QStringList{QStringLiteral("false"), QStringLiteral("0"), QStringLiteral("0"), QStringLiteral("0")}));

        // The members' parameters, one by one, but those it must not have.
        const QMap<QString, QString> member = settingsOf(memberEndpoint(0));
        const QMap<QString, QString> standalone = settingsOf(e);
        QVERIFY(member.size() > 10);
        const QStringList differing{QStringLiteral("port"), QStringLiteral("cluster_name"),
                                    // standby settings, should pg1 be a replica
                                    QStringLiteral("primary_conninfo"), QStringLiteral("primary_slot_name"),
                                    QStringLiteral("recovery_target_timeline"), QStringLiteral("restore_command"),
                                    QStringLiteral("synchronous_standby_names")};
        for (auto it = member.cbegin(); it != member.cend(); ++it)
            if (!differing.contains(it.key()))
                QVERIFY2(standalone.value(it.key()) == it.value(),
                         qPrintable(QStringLiteral("%1: member %2, standalone %3").arg(it.key(), it.value(), standalone.value(it.key()))));
        for (const char *name : {"shared_buffers", "max_connections", "synchronous_commit", "wal_level", "wal_log_hints",
                                 "data_checksums", "password_encryption", "server_version", "fsync", "full_page_writes",
                                 "work_mem", "max_wal_size", "checkpoint_timeout", "wal_keep_size", "max_wal_senders"}) {
            const QString sql = QStringLiteral("SELECT current_setting('%1')").arg(QLatin1String(name));
            const PgResult m = query(memberEndpoint(0), sql);
            const PgResult s = query(e, sql);
            QVERIFY2(m.ok && s.ok, name);
            QVERIFY2(m.rows == s.rows, qPrintable(QStringLiteral("%1: member %2, standalone %3")
                                                          .arg(QLatin1String(name), m.rows.value(0).value(0), s.rows.value(0).value(0))));
        }
        QCOMPARE(query(e, QStringLiteral("SELECT current_setting('port')")).rows.value(0).value(0), QString::number(e.port));

        // No Patroni: every process of the baseline is PostgreSQL, the members' own binary.
        const StandaloneReport report = LabStandalone::inspect(m_dir);
        QCOMPARE(report.status, StandaloneReport::Status::Running);
        m_pid = report.pid;
        QVERIFY(m_pid > 0);
        const QList<qint64> processes = labtest::processesMentioning(standaloneDir());
        QVERIFY(!processes.isEmpty());
        for (qint64 pid : processes)
            QVERIFY2(!proc::commandLine(pid).contains(u"patroni"), qPrintable(proc::commandLine(pid)));
        const LabState lab = LabState::load(m_dir).value();
        const qint64 memberPostmaster = proc::postmasterPid(lab.process(QStringLiteral("pg1"))->dataDir);
        QVERIFY(memberPostmaster > 0);
        QCOMPARE(exeOf(m_pid), exeOf(memberPostmaster));
        if (proc::runningAsRoot()) {   // as the members: PostgreSQL refuses root
            QFile status(QStringLiteral("/proc/%1/status").arg(m_pid));
            QVERIFY(status.open(QIODevice::ReadOnly));
            QVERIFY(!status.readAll().contains("\nUid:\t0\t"));
        }
        QCOMPARE(fs::inspectPath(m_dir + QLatin1Char('/') + StandaloneState::fileName()).mode, 0600u);
    }

    void secondStartReportsItRuns()
    {
        LabStandalone standalone(m_dir);
        QSignalSpy finished(&standalone, &LabStandalone::finished);
        standalone.start();
        QVERIFY(!finished.isEmpty() || finished.wait(kStandaloneTimeoutMs));
        const auto o = finished.first().at(0).value<StandaloneOutcome>();
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        QVERIFY(o.alreadyRunning);
        QCOMPARE(o.report.pid, m_pid);
    }

    void cliStatusJson()
    {
        const Run r = cli({QStringLiteral("lab"), QStringLiteral("standalone"), QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(u"status").toString(), QStringLiteral("running"));
        QCOMPARE(o.value(u"port").toInt(), LabPorts().standalone + kOffset);
        QCOMPARE(o.value(u"pid").toInteger(), m_pid);
        QVERIFY(o.value(u"listening").toBool());
        // The same PostgreSQL as the members (15 on Debian 12, 17 on Debian 13), asked, not assumed.
        const PgResult member = query(memberEndpoint(0), QStringLiteral("SELECT current_setting('server_version')"));
        QVERIFY2(member.ok, qPrintable(member.error));
        const QString memberVersion = member.rows.value(0).value(0);
        QVERIFY(!memberVersion.isEmpty());
        QCOMPARE(o.value(u"serverVersion").toString(), memberVersion);
        QStringList differing;
        for (const auto &d : o.value(u"parameters").toObject().value(u"differences").toArray())
            differing.append(d.toObject().value(u"name").toString());
        QVERIFY2(differing.contains(u"port") && differing.contains(u"cluster_name"), qPrintable(differing.join(u", ")));
        QVERIFY(o.value(u"parameters").toObject().value(u"values").toObject().value(u"shared_buffers").isString());

        const Run lab = cli({QStringLiteral("lab"), QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(lab.code, 0);
        QCOMPARE(QJsonDocument::fromJson(lab.out.toUtf8()).object().value(u"standalone").toObject().value(u"status").toString(),
                 QStringLiteral("running"));
    }

    void cliStopLeavesNothing()
    {
        const Run r = cli({QStringLiteral("lab"), QStringLiteral("standalone"), QStringLiteral("stop")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!proc::isAlive(m_pid));
        QVERIFY(!proc::isPortInUse(QStringLiteral("127.0.0.1"), config().ports.standalone));
        QTRY_VERIFY_WITH_TIMEOUT(labtest::processesMentioning(standaloneDir()).isEmpty(), 5000);
        QCOMPARE(LabStandalone::inspect(m_dir).status, StandaloneReport::Status::Stopped);
        QCOMPARE(cli({QStringLiteral("lab"), QStringLiteral("standalone"), QStringLiteral("status")}).code, 1);
        const Run again = cli({QStringLiteral("lab"), QStringLiteral("standalone"), QStringLiteral("stop")});
        QCOMPARE(again.code, 0);
        QVERIFY(again.out.contains(u"was not running"));
    }

    // `pgha lab stop` takes the baseline with it: no orphan.
    void labStopStopsIt()
    {
        const Run start = cli({QStringLiteral("lab"), QStringLiteral("standalone"), QStringLiteral("start")});
        QVERIFY2(start.code == 0, qPrintable(start.err));
        QVERIFY(!start.err.contains(u"initdb"));   // its data is kept between runs
        const qint64 pid = LabStandalone::inspect(m_dir).pid;
        QVERIFY(pid > 0 && pid != m_pid);
        const Run stop = cli({QStringLiteral("lab"), QStringLiteral("stop")});
        QVERIFY2(stop.code == 0, qPrintable(stop.err));
        m_labRunning = false;
        QVERIFY(stop.err.contains(u"stopped the standalone baseline too"));
        QVERIFY(!proc::isAlive(pid));
        QVERIFY(!proc::isPortInUse(QStringLiteral("127.0.0.1"), config().ports.standalone));
        QTRY_VERIFY_WITH_TIMEOUT(labtest::processesMentioning(m_dir).isEmpty(), 15000);
        QCOMPARE(LabStandalone::inspect(m_dir).status, StandaloneReport::Status::Stopped);
    }

    // The lab stopped: its parameters come from the members' patroni.yml by Patroni's rules.
    void startsWithTheLabStopped()
    {
        const auto endpoint = ensure(m_dir);
        QVERIFY2(endpoint.ok(), qPrintable(endpoint.ok() ? QString() : endpoint.error().toString()));
        const StandaloneReport report = LabStandalone::inspect(m_dir);
        QVERIFY2(report.state->parameters.source.contains(u"pg1's patroni.yml"), qPrintable(report.state->parameters.source));
        const PgResult r = query(endpoint.value(), QStringLiteral("SELECT current_setting('wal_level'), current_setting('wal_log_hints'), "
                                                                  "current_setting('max_wal_senders'), current_setting('logging_collector'), "
                                                                  "current_setting('unix_socket_directories'), current_setting('cluster_name')"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rows.value(0), (QStringList{QStringLiteral("replica"), QStringLiteral("on"), QStringLiteral("10"), QStringLiteral("on"),
                                               QString(), QStringLiteral("pgha-lab-standalone")}));
    }

    // A lab started afresh has new passwords: the running baseline is refused until the next
    // start makes it again with them.
    void aFreshLabMakesItAgain()
    {
        NativeLab lab(config(), &m_http);
        QSignalSpy started(&lab, &NativeLab::startFinished);
        LabService::StartOptions options;
        options.stale = LabService::StaleAction::Wipe;
        options.wipe = true;
        lab.start(options);
        const LabOutcome o = labtest::waitFor(started, kStartTimeoutMs);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        m_labRunning = true;
        QCOMPARE(LabStandalone::inspect(m_dir).status, StandaloneReport::Status::Running);   // a running server's data stays
        const auto refused = standaloneEndpoint(m_dir);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(u"earlier password"), qPrintable(refused.error().toString()));
        const auto endpoint = ensure(m_dir);
        QVERIFY2(endpoint.ok(), qPrintable(endpoint.ok() ? QString() : endpoint.error().toString()));
        QCOMPARE(endpoint.value().password, LabState::load(m_dir).value().secrets.superuser);
        const PgResult r = query(endpoint.value(), QStringLiteral("SELECT pg_is_in_recovery()::text"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(LabStandalone::inspect(m_dir).state->parameters.source.contains(u"asked when the baseline started"));
    }

    // `pgha lab stop --wipe` deletes its data with the lab's: the whole directory goes.
    void labWipeDeletesIt()
    {
        const Run wipe = cli({QStringLiteral("lab"), QStringLiteral("stop"), QStringLiteral("--wipe")});
        QVERIFY2(wipe.code == 0, qPrintable(wipe.err));
        m_labRunning = false;
        QVERIFY(!QFile::exists(m_dir));
        QVERIFY(!proc::isPortInUse(QStringLiteral("127.0.0.1"), config().ports.standalone));
    }
};

QTEST_GUILESS_MAIN(TestLabStandalone)
#include "tst_labstandalone.moc"
