// The Docker lab end to end, through the console's own DockerLab service and CLI: the offline
// base image, a start to healthy, the data path through the published ports, a switchover, a
// crash-primary chaos run, a warm restart that keeps the data, and a stop with volumes that
// leaves nothing behind. Its own Compose project and ports (offset 1500), its own directory.
//
// Built twice: tst_dockerstack on Debian 12's stack (PostgreSQL 15, Patroni 3.0.2) and
// tst_dockerstack17 on Debian 13's (--postgres 17: PostgreSQL 17, Patroni 4.0.7, etcd 3.5,
// HAProxy 3.0, PgBouncer 1.24), at offset 1600, which also checks what Patroni 4 changes.
//
// Always (wherever a Compose is installed): the compose file passes `config`. Where no Docker
// engine answers, the rest is skipped with the reason printed, never reported as passed.
#include "labtestutil.h"

#include "docker/dockercommand.h"
#include "docker/dockersetup.h"
#include "http/httpclient.h"
#include "lab/dockerlab.h"
#include "lab/dockerlabfiles.h"
#include "lab/labfiles.h"
#include "patroni/patroniparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <optional>

using namespace pgha::svc;

namespace {

#ifndef PGHA_TEST_DOCKER_POSTGRES
#define PGHA_TEST_DOCKER_POSTGRES 15
#endif
constexpr int kPostgres = PGHA_TEST_DOCKER_POSTGRES;
// Clear of every port of the shared lab (offset 0), which may be up meanwhile, and of each other.
constexpr int kPortOffset = kPostgres == 15 ? 1500 : 1600;
constexpr int kStartTimeoutMs = 30 * 60 * 1000;   // a cold start builds every image
constexpr int kCliTimeoutMs = 240000;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QString &program, const QStringList &args, const QString &workDir = {}, int timeoutMs = kCliTimeoutMs,
        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return {-1, p.readAllStandardOutput(), "timed out: " + p.readAllStandardError()};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

QString secondsText(qint64 ms)
{
    return QString::number(ms / 1000.0, 'f', 1) + QStringLiteral(" s");
}

} // namespace

class TestDockerStack : public QObject {
    Q_OBJECT

    QString m_dir = QStringLiteral(PGHA_TEST_LAB_DIR "-docker") + (kPostgres == 15 ? QString() : QStringLiteral("-pg%1").arg(kPostgres));
    LabConfig m_config;
    std::optional<docker::DockerSetup> m_setup;
    QString m_noEngine;          // why the engine tests are skipped
    HttpClient m_http;
    qint64 m_coldMs = -1;

    Run cli(const QStringList &args, int timeoutMs = kCliTimeoutMs)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGHA_LAB_DIR"), m_dir);
        return run(QStringLiteral(PGHA_CLI), args, {}, timeoutMs, env);
    }

    Run compose(const QStringList &args, const QString &projectDir)
    {
        return run(m_setup->composeProgram(), m_setup->composeArgs(args), projectDir);
    }

    void requireEngine()
    {
        if (!m_noEngine.isEmpty()) {
            qWarning().noquote() << "SKIPPED, not passed:" << m_noEngine;
            QSKIP(qPrintable(m_noEngine));
        }
    }

    LabOutcome startLab(DockerLab &lab, const LabService::StartOptions &options, QList<LabComponentStatus> *seen = nullptr)
    {
        QSignalSpy finished(&lab, &LabService::startFinished);
        if (seen)
            connect(&lab, &LabService::componentChanged, this, [seen](const LabComponentStatus &s) { seen->append(s); });
        connect(&lab, &LabService::message, this, [](const QString &line) { qInfo().noquote() << "  lab:" << line; });
        lab.start(options);
        return labtest::waitFor(finished, kStartTimeoutMs);
    }

    QStringList engineLeftovers()
    {
        const QString label = QStringLiteral("label=com.docker.compose.project=%1").arg(m_config.dockerProject);
        QStringList left;
        const QString docker = docker::dockerProgram();
        for (const auto &[what, args] : {std::pair{QStringLiteral("container"), QStringList{QStringLiteral("ps"), QStringLiteral("-aq")}},
                                         std::pair{QStringLiteral("volume"), QStringList{QStringLiteral("volume"), QStringLiteral("ls"), QStringLiteral("-q")}},
                                         std::pair{QStringLiteral("network"), QStringList{QStringLiteral("network"), QStringLiteral("ls"), QStringLiteral("-q")}}}) {
            const Run r = run(docker, args + QStringList{QStringLiteral("--filter"), label});
            if (r.exitCode != 0)
                left << QStringLiteral("%1: cannot ask (%2)").arg(what, QString::fromUtf8(r.err));
            for (const QByteArray &id : r.out.split('\n'))
                if (!id.trimmed().isEmpty())
                    left << what + QLatin1Char(' ') + QString::fromUtf8(id.trimmed());
        }
        return left;
    }

    void removeEverything()
    {
        if (!m_setup)
            return;
        DockerLab lab(m_config, &m_http);
        QSignalSpy stopped(&lab, &LabService::stopFinished);
        lab.stop({true});
        labtest::waitFor(stopped, DockerLab::kDownTimeoutMs + 10000);
    }

private slots:
    void initTestCase()
    {
        m_config.labDir = m_dir;
        m_config.ports = LabPorts().withOffset(kPortOffset);
        m_config.dockerProject = QStringLiteral("pgha-lab-%1").arg(kPortOffset);
        m_config.dockerPostgres = kPostgres;
        QObject context;
        bool answered = false;
        docker::detectDocker(&context, [&](const Result<docker::DockerSetup> &setup) {
            answered = true;
            if (setup)
                m_setup = setup.value();
            else
                m_noEngine = QStringLiteral("no usable Docker engine here: %1").arg(setup.error().toString());
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 40000);
        if (m_setup)
            qInfo().noquote() << "Docker engine" << m_setup->engineVersion << "with" << m_setup->composeName();
        // The base image: built here from Debian packages (no registry on this project's CI).
        if (m_setup) {
            const QString base = dockerlab::offlineBaseImage(m_config);
            const Run has = run(docker::dockerProgram(), {QStringLiteral("image"), QStringLiteral("inspect"), base});
            if (has.exitCode != 0) {
                if (!proc::runningAsRoot() || QStandardPaths::findExecutable(QStringLiteral("debootstrap")).isEmpty()) {
                    m_noEngine = QStringLiteral("the offline base image %1 is missing and cannot be built here (needs root and "
                                                "debootstrap): run sudo PGHA_DEBIAN_SUITE=%2 lab-stack/docker/build-base-image.sh %1")
                                         .arg(base, QLatin1String(dockerlab::releaseOf(m_config).suite));
                } else {
                    QElapsedTimer clock;
                    clock.start();
                    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
                    env.insert(QStringLiteral("PGHA_DEBIAN_SUITE"), QLatin1String(dockerlab::releaseOf(m_config).suite));
                    const Run built = run(QStringLiteral("bash"), {QStringLiteral(PGHA_SOURCE_DIR "/lab-stack/docker/build-base-image.sh"), base},
                                          {}, 15 * 60 * 1000, env);
                    QVERIFY2(built.exitCode == 0, built.err.constData());
                    qInfo().noquote() << "offline base image built in" << secondsText(clock.elapsed());
                }
            }
        }
        if (m_setup && m_noEngine.isEmpty()) {
            // A previous run that was killed may have left its project behind.
            removeEverything();
            QDir(m_dir).removeRecursively();
        }
    }

    void cleanupTestCase()
    {
        // Whatever happened above: no container, network or volume of this test is left.
        removeEverything();
        if (m_setup)
            QCOMPARE(engineLeftovers(), QStringList());
        QDir(m_dir).removeRecursively();
    }

    // The compose file is valid for the Compose here, with the .env the console writes, and a
    // missing password is refused with the variable's name.
    void composeFileValidates()
    {
        if (!m_setup) {
            // `config` needs no engine, only Compose: try it even without a daemon.
            for (const QStringList &compose : {QStringList{QStringLiteral("docker"), QStringLiteral("compose")},
                                               QStringList{QStringLiteral("docker-compose")}})
                if (run(compose.front(), compose.mid(1) + QStringList{QStringLiteral("version")}).exitCode == 0) {
                    m_setup = docker::DockerSetup{};
                    m_setup->compose = compose;
                    break;
                }
            if (!m_setup)
                QSKIP("neither `docker compose` nor `docker-compose` is installed: the compose file cannot be validated here");
        }
        QTemporaryDir tmp;
        LabConfig config = m_config;
        config.labDir = tmp.path();
        config.withPgpool = true;
        QVERIFY(dockerlab::writeProject(config, generateSecrets()).ok());
        const QString project = dockerlab::projectDir(tmp.path());
        const Run ok = compose({QStringLiteral("config"), QStringLiteral("--quiet")}, project);
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        const Run services = compose({QStringLiteral("config"), QStringLiteral("--services")}, project);
        QVERIFY2(services.exitCode == 0, services.err.constData());
        for (const auto &c : dockerlab::componentsOf(config))
            QVERIFY2(services.out.split('\n').contains(c.name.toUtf8()), qPrintable(c.name + QStringLiteral(" is not a service")));

        QFile env(project + QStringLiteral("/.env"));
        QVERIFY(env.open(QIODevice::ReadOnly));
        QByteArray text = env.readAll();
        env.close();
        text.replace(QByteArray("\nPOSTGRES_PASSWORD="), QByteArray("\n# POSTGRES_PASSWORD="));
        QVERIFY(env.open(QIODevice::WriteOnly | QIODevice::Truncate));
        env.write(text);
        env.close();
        const Run refused = compose({QStringLiteral("config"), QStringLiteral("--quiet")}, project);
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("POSTGRES_PASSWORD"), refused.err.constData());
        if (m_setup && m_setup->engineVersion.isEmpty())
            m_setup.reset();   // only Compose was found: the engine tests skip
    }

    void startsToHealthy()
    {
        requireEngine();
        DockerLab lab(m_config, &m_http);
        QList<LabComponentStatus> seen;
        QElapsedTimer clock;
        clock.start();
        const LabOutcome o = startLab(lab, {}, &seen);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        m_coldMs = clock.elapsed();
        qInfo().noquote() << "time to healthy, images built if needed:" << secondsText(m_coldMs);
        // Every service reported on its way, and all ready at the end.
        QHash<QString, LabComponentStatus::State> last;
        for (const auto &s : seen)
            last.insert(s.name, s.state);
        for (const auto &c : dockerlab::componentsOf(lab.config()))
            QVERIFY2(last.value(c.name) == LabComponentStatus::State::Ready, qPrintable(c.name));
        // The console's own health check: a leader, two streaming replicas, a write through HAProxy.
        QVERIFY(!o.health.leader.isEmpty());
        QCOMPARE(o.health.streamingReplicas.size(), 2);
        QVERIFY(o.health.writeMs >= 0);
        QVERIFY(!o.health.readOnlyAnsweredBy.isEmpty());
        QVERIFY(o.health.readOnlyAnsweredBy != o.health.leader);
        // The state file remembers the containers for the chaos faults.
        const auto state = LabState::load(m_dir);
        QVERIFY(state.ok());
        QCOMPARE(state.value().flavor, QStringLiteral("docker"));
        QVERIFY(state.value().process(QStringLiteral("pg1")));
        QVERIFY(!state.value().process(QStringLiteral("pg1"))->container.isEmpty());
    }

    // Through the published host ports, as any client: Patroni's REST API, HAProxy's stats,
    // and psql through the read-write port.
    void publishedPortsServeTheCluster()
    {
        requireEngine();
        const Run cluster = run(QStringLiteral("curl"), {QStringLiteral("-fsS"), m_config.restUrl(1, QStringLiteral("/cluster")).toString()});
        QVERIFY2(cluster.exitCode == 0, cluster.err.constData());
        const auto parsed = parsePatroniCluster(cluster.out);
        QVERIFY(parsed.ok());
        int leaders = 0, streaming = 0;
        for (const auto &m : parsed.value().members) {
            leaders += m.isLeader() ? 1 : 0;
            streaming += !m.isLeader() && (m.state == u"streaming" || m.state == u"running") ? 1 : 0;
        }
        QCOMPARE(leaders, 1);
        QCOMPARE(streaming, 2);
        const Run stats = run(QStringLiteral("curl"), {QStringLiteral("-fsS"), m_config.url(m_config.ports.haproxyStats, QStringLiteral("/stats;csv")).toString()});
        QVERIFY2(stats.exitCode == 0, stats.err.constData());
        QVERIFY(stats.out.contains(",pg1,") && stats.out.contains(",pg2,") && stats.out.contains(",pg3,"));

        const Run env = cli({QStringLiteral("lab"), QStringLiteral("env")});
        QCOMPARE(env.exitCode, 0);
        QProcessEnvironment pgEnv = QProcessEnvironment::systemEnvironment();
        for (const QByteArray &line : env.out.split('\n')) {
            if (!line.startsWith("export "))
                continue;
            const QString assignment = QString::fromUtf8(line.mid(7));
            pgEnv.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1).remove(QLatin1Char('\'')));
        }
        const Run psql = run(QStringLiteral("psql"), {QStringLiteral("-XAtqc"),
                                                      QStringLiteral("CREATE TABLE IF NOT EXISTS docker_kept(v int); "
                                                                     "INSERT INTO docker_kept VALUES (42); SELECT pg_is_in_recovery()")},
                             {}, 30000, pgEnv);
        QVERIFY2(psql.exitCode == 0, psql.err.constData());
        QCOMPARE(psql.out.trimmed(), QByteArray("f"));
    }

    // What runs is the release asked for, and the console reads it as it is: Patroni's own
    // version and role names, PostgreSQL's major, the ttl Patroni kept (Patroni 4 raises the
    // demo-fast preset's 10 to 20, and the lab records 20), and `pgha status` on the lab.
    void versionsAreTheReleases()
    {
        requireEngine();
        const dockerlab::LabRelease &release = dockerlab::releaseOf(m_config);
        const Run leader = run(QStringLiteral("curl"), {QStringLiteral("-sS"), m_config.restUrl(0, QStringLiteral("/patroni")).toString()});
        const auto status = parsePatroniStatus(leader.out);
        QVERIFY2(status.ok(), leader.out.constData());
        QVERIFY2(status.value().patroniVersion.startsWith(QString::number(release.patroniMajor) + QLatin1Char('.')),
                 qPrintable(status.value().patroniVersion));
        QCOMPARE(status.value().serverVersion / 10000, release.postgres);
        qInfo().noquote() << "Docker lab on" << release.debian << ": Patroni" << status.value().patroniVersion << "PostgreSQL"
                          << status.value().serverVersion;

        const Run config = run(QStringLiteral("curl"), {QStringLiteral("-fsS"), m_config.restUrl(0, QStringLiteral("/config")).toString()});
        const auto dcs = parsePatroniConfig(config.out);
        QVERIFY(dcs.ok());
        const auto state = LabState::load(m_dir);
        QVERIFY(state.ok());
        QCOMPARE(state.value().config.dockerPostgres, release.postgres);
        QCOMPARE(dcs.value().effectiveTtl(), state.value().config.timings.ttl);   // the lab says what Patroni runs
        QVERIFY(dcs.value().effectiveTtl() >= release.minTtl);

        const Run labStatus = cli({QStringLiteral("lab"), QStringLiteral("status")});
        QVERIFY2(labStatus.out.contains(QStringLiteral("ttl %1 s").arg(dcs.value().effectiveTtl()).toUtf8()), labStatus.out.constData());

        // The same CLI a user points at any cluster: the lab's members, roles and versions.
        const Run st = cli({QStringLiteral("status"), QStringLiteral("--json")}, 60000);
        QVERIFY2(st.exitCode == 0, (st.out.right(2000) + st.err.right(2000)).constData());
        const QByteArray doc = st.out;
        QVERIFY2(doc.contains("\"pg1\"") && doc.contains("\"pg2\"") && doc.contains("\"pg3\""), doc.left(2000).constData());
        QVERIFY2(doc.contains(status.value().patroniVersion.toUtf8()), doc.left(3000).constData());

        // A restart on another major than the volumes hold is refused, with the way out.
        const int other = release.postgres == 15 ? 17 : 15;
        const Run refused = cli({QStringLiteral("lab"), QStringLiteral("start"), QStringLiteral("--flavor"), QStringLiteral("docker"),
                                 QStringLiteral("--postgres"), QString::number(other), QStringLiteral("--port-offset"),
                                 QString::number(kPortOffset)});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("--wipe") || refused.out.contains("--wipe"), (refused.out + refused.err).constData());
    }

    void cliStatusAndLogs()
    {
        requireEngine();
        const Run status = cli({QStringLiteral("lab"), QStringLiteral("status"), QStringLiteral("--json")});
        QVERIFY2(status.exitCode == 0, (status.out + status.err).constData());
        const QJsonObject doc = QJsonDocument::fromJson(status.out).object();
        QCOMPARE(doc.value(u"flavor").toString(), QStringLiteral("docker"));
        const QJsonArray containers = doc.value(u"containers").toArray();
        QCOMPARE(containers.size(), dockerlab::componentsOf(m_config).size());
        for (const auto &v : containers) {
            QCOMPARE(v.toObject().value(u"state").toString(), QStringLiteral("running"));
            QVERIFY(!v.toObject().value(u"memory").toString().isEmpty());   // docker stats answered
        }
        const Run logs = cli({QStringLiteral("lab"), QStringLiteral("logs"), QStringLiteral("pg1"), QStringLiteral("--tail"), QStringLiteral("20")});
        QVERIFY2(logs.exitCode == 0, logs.err.constData());
        QVERIFY(!logs.out.trimmed().isEmpty());
        const Run unknown = cli({QStringLiteral("lab"), QStringLiteral("logs"), QStringLiteral("pg9")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("no component"));
    }

    void switchoverWorks()
    {
        requireEngine();
        const Run before = run(QStringLiteral("curl"), {QStringLiteral("-fsS"), m_config.restUrl(0, QStringLiteral("/cluster")).toString()});
        const auto cluster = parsePatroniCluster(before.out);
        QVERIFY(cluster.ok());
        const QString oldLeader = cluster.value().leader() ? cluster.value().leader()->name : QString();
        QVERIFY(!oldLeader.isEmpty());
        const Run sw = cli({QStringLiteral("switchover"), QStringLiteral("--yes"), QStringLiteral("--json"), QStringLiteral("--reason"),
                            QStringLiteral("docker lab test")});
        QVERIFY2(sw.exitCode == 0, (sw.out + sw.err).constData());
        QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    const auto after = parsePatroniCluster(run(QStringLiteral("curl"), {QStringLiteral("-fsS"),
                                                                                 m_config.restUrl(0, QStringLiteral("/cluster")).toString()})
                                                            .out);
                    return after.ok() && after.value().leader() && after.value().leader()->name != oldLeader;
                }(),
                30000);
    }

    // A crash of the primary's container gives an RTO report like the native lab's.
    void crashPrimaryChaosRun()
    {
        requireEngine();
        QTemporaryDir tmp;
        const QString report = tmp.filePath(QStringLiteral("report.json"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGHA_LAB_DIR"), m_dir);
        env.insert(QStringLiteral("PGHA_CHAOS_STORE"), tmp.filePath(QStringLiteral("runs.jsonl")));
        const Run chaos = run(QStringLiteral(PGHA_CLI), {QStringLiteral("chaos"), QStringLiteral("crash-primary"), QStringLiteral("--json"),
                                                         QStringLiteral("--report"), report},
                              {}, 600000, env);
        // Exit 0 (every expectation met) or 1 (one failed, e.g. a slow rejoin on a loaded host,
        // which the report names); anything else is a broken run.
        QVERIFY2(chaos.exitCode == 0 || chaos.exitCode == 1, (chaos.out.right(3000) + chaos.err.right(3000)).constData());
        const QJsonObject doc = QJsonDocument::fromJson(chaos.out).object();
        const QJsonObject first = doc.value(u"runs").toArray().at(0).toObject();
        QCOMPARE(first.value(u"lab").toObject().value(u"flavor").toString(), QStringLiteral("docker"));
        QVERIFY2(first.value(u"error").toString().isEmpty(), qPrintable(first.value(u"error").toString()));
        const double rto = first.value(u"rto_ms").toDouble(-1);
        QVERIFY(rto > 0);
        QVERIFY(first.value(u"rpo").toObject().value(u"checked").toBool());
        // The container was killed, not stopped: the timeline says how.
        QVERIFY(QJsonDocument(first).toJson().contains("docker kill --signal KILL"));
        QStringList failed;
        for (const auto &e : first.value(u"expectations").toArray())
            if (!e.toObject().value(u"passed").toBool())
                failed << e.toObject().value(u"text").toString() + QStringLiteral(": ") + e.toObject().value(u"decided_by").toString();
        qInfo().noquote() << "verdict" << first.value(u"verdict").toString() << failed.join(QStringLiteral("; "));
        qInfo().noquote() << "crash-primary in the Docker lab: RTO" << secondsText(qint64(rto)) << "lost"
                          << first.value(u"rpo").toObject().value(u"missing").toInt();
    }

    // Stop without volumes, start again: warm (images cached), the data still there.
    void warmRestartKeepsTheData()
    {
        requireEngine();
        {
            DockerLab lab(m_config, &m_http);
            QSignalSpy stopped(&lab, &LabService::stopFinished);
            lab.stop();
            const LabOutcome o = labtest::waitFor(stopped, DockerLab::kDownTimeoutMs);
            QVERIFY2(o.ok, qPrintable(o.error.toString()));
        }
        QCOMPARE(cli({QStringLiteral("lab"), QStringLiteral("status")}).exitCode, 1);   // not running
        DockerLab lab(m_config, &m_http);
        QElapsedTimer clock;
        clock.start();
        const LabOutcome o = startLab(lab, {});
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        qInfo().noquote() << "time to healthy, warm (images cached, volumes kept):" << secondsText(clock.elapsed())
                          << "| cold run of this test:" << secondsText(m_coldMs);
        const Run env = cli({QStringLiteral("lab"), QStringLiteral("env")});
        QProcessEnvironment pgEnv = QProcessEnvironment::systemEnvironment();
        for (const QByteArray &line : env.out.split('\n'))
            if (line.startsWith("export ")) {
                const QString a = QString::fromUtf8(line.mid(7));
                pgEnv.insert(a.section(QLatin1Char('='), 0, 0), a.section(QLatin1Char('='), 1).remove(QLatin1Char('\'')));
            }
        const Run kept = run(QStringLiteral("psql"), {QStringLiteral("-XAtqc"), QStringLiteral("SELECT count(*) FROM docker_kept WHERE v = 42")},
                             {}, 30000, pgEnv);
        QVERIFY2(kept.exitCode == 0, kept.err.constData());
        QVERIFY(kept.out.trimmed().toInt() >= 1);
    }

    void stopWithVolumesLeavesNothing()
    {
        requireEngine();
        QVERIFY(!engineLeftovers().isEmpty());   // the lab runs: the check can see it
        const Run stop = cli({QStringLiteral("lab"), QStringLiteral("stop"), QStringLiteral("--volumes")}, DockerLab::kDownTimeoutMs);
        QVERIFY2(stop.exitCode == 0, stop.err.constData());
        QCOMPARE(engineLeftovers(), QStringList());
        QCOMPARE(labtest::busyPorts(m_config), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestDockerStack)
#include "tst_dockerstack.moc"
