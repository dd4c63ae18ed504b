// The Docker lab's pure parts on recorded docker output (tests/fixtures/docker, README there):
// container lists and stats, failures explained, the .env, the project copied from the
// compiled-in lab-stack/docker, and what a long-running command keeps of its output (against the
// stand-in docker of the GUI tests, tests/gui/fake-docker.sh).
#include "fixture.h"

#include "docker/containerlist.h"
#include "docker/dockercommand.h"
#include "lab/dockerlabfiles.h"
#include "lab/labfiles.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace pgha::svc;
using docker::CommandResult;
using docker::ContainerInfo;

namespace {

CommandResult failed(const QString &errFixture, const QString &outFixture = {})
{
    CommandResult r;
    r.command = {QStringLiteral("docker"), QStringLiteral("ps")};
    r.started = true;
    r.exitCode = 1;
    r.err = readFixture(QStringLiteral("docker/") + errFixture);
    if (!outFixture.isEmpty())
        r.out = readFixture(QStringLiteral("docker/") + outFixture);
    return r;
}

} // namespace

class TestDockerLogic : public QObject {
    Q_OBJECT
private slots:
    void containerListFromDockerPs()
    {
        const auto list = docker::parseContainerList(readFixture(QStringLiteral("docker/ps-starting-v1.txt")));
        QVERIFY2(list.ok(), qPrintable(list.ok() ? QString() : list.error().toString()));
        QCOMPARE(list.value().size(), 9);
        QHash<QString, ContainerInfo> by;
        for (const auto &c : list.value())
            by.insert(c.service, c);
        QCOMPARE(by.value(QStringLiteral("pg1")).name, QStringLiteral("pgha-dev_pg1_1"));
        QCOMPARE(by.value(QStringLiteral("pg1")).health, ContainerInfo::Health::Healthy);
        QVERIFY(by.value(QStringLiteral("pg1")).isReady());
        QCOMPARE(by.value(QStringLiteral("pg1")).uptime, QStringLiteral("10 minutes"));
        QVERIFY(by.value(QStringLiteral("pg1")).ports.contains(u"127.0.0.1:9108->8008/tcp"));
        // Running but unhealthy is not ready.
        QCOMPARE(by.value(QStringLiteral("pg2")).health, ContainerInfo::Health::Unhealthy);
        QVERIFY(by.value(QStringLiteral("pg2")).isRunning());
        QVERIFY(!by.value(QStringLiteral("pg2")).isReady());
        QCOMPARE(by.value(QStringLiteral("pgbouncer-exporter1")).service, QStringLiteral("pgbouncer-exporter1"));
    }

    void statusColumn_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("health");
        QTest::addColumn<QString>("uptime");
        QTest::addColumn<int>("exitCode");
        // Status strings as docker 20.10 prints them (seen during the lab's starts and faults).
        QTest::newRow("starting") << "Up 5 seconds (health: starting)" << int(ContainerInfo::Health::Starting) << "5 seconds" << -1;
        QTest::newRow("healthy") << "Up About a minute (healthy)" << int(ContainerInfo::Health::Healthy) << "About a minute" << -1;
        QTest::newRow("no check") << "Up 3 hours" << int(ContainerInfo::Health::None) << "3 hours" << -1;
        QTest::newRow("paused") << "Up 2 minutes (healthy) (Paused)" << int(ContainerInfo::Health::Healthy) << "2 minutes" << -1;
        QTest::newRow("killed") << "Exited (137) 3 seconds ago" << int(ContainerInfo::Health::None) << "" << 137;
        QTest::newRow("created") << "Created" << int(ContainerInfo::Health::None) << "" << -1;
    }
    void statusColumn()
    {
        QFETCH(QString, status);
        QFETCH(int, health);
        QFETCH(QString, uptime);
        QFETCH(int, exitCode);
        ContainerInfo c;
        docker::readStatus(status, &c);
        QCOMPARE(int(c.health), health);
        QCOMPARE(c.uptime, uptime);
        QCOMPARE(c.exitCode, exitCode);
    }

    void malformedListIsAnError()
    {
        const auto bad = docker::parseContainerList("abc\tname-only\n");
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(u"line 1"));
        QVERIFY(docker::parseContainerList("").ok());   // no container is not an error
    }

    void stats()
    {
        const auto stats = docker::parseContainerStats(readFixture(QStringLiteral("docker/stats.jsonl")));
        QVERIFY(stats.ok());
        QVERIFY(stats.value().size() >= 2);
        QCOMPARE(stats.value().value(QStringLiteral("pgha-dev_pgbouncer1_1")).memory, QStringLiteral("12.09MiB / 23.54GiB"));
        QCOMPARE(stats.value().value(QStringLiteral("pgha-dev_pgbouncer1_1")).cpu, QStringLiteral("0.04%"));
        QVERIFY(!docker::parseContainerStats("{not json\n").ok());
    }

    void failuresExplained()
    {
        const Error down = docker::explainFailure(failed(QStringLiteral("err-daemon-down.txt")), QStringLiteral("asking"));
        QVERIFY2(down.message.contains(u"daemon is not running"), qPrintable(down.message));
        QVERIFY(down.hint.contains(u"systemctl start docker"));
        QVERIFY(down.hint.contains(u"--flavor native"));
        QCOMPARE(down.kind, ErrorKind::Unavailable);   // what the GUI decides by, not the text

        const Error denied = docker::explainFailure(failed(QStringLiteral("err-permission.txt")), QStringLiteral("asking"));
        QVERIFY2(denied.message.contains(u"permission denied on the Docker socket"), qPrintable(denied.message));
        QVERIFY(denied.hint.contains(u"docker group"));
        QCOMPARE(denied.kind, ErrorKind::Permission);

        const Error port = docker::explainFailure(failed(QStringLiteral("err-port-allocated.txt")), QStringLiteral("starting"));
        QVERIFY2(port.message.contains(u"host port 18556 is already taken"), qPrintable(port.message));
        QVERIFY(port.hint.contains(u"--port-offset"));
        QCOMPARE(port.kind, ErrorKind::Busy);

        const Error pull = docker::explainFailure(failed(QStringLiteral("err-pull.txt")), QStringLiteral("building"));
        QVERIFY2(pull.message.contains(u"cannot be pulled"), qPrintable(pull.message));
        QVERIFY(pull.hint.contains(u"build-base-image.sh"));
        QCOMPARE(pull.kind, ErrorKind::Unreachable);

        CommandResult missing;
        missing.command = {QStringLiteral("/nonexistent/docker")};
        missing.err = "execvp: No such file or directory";
        const Error none = docker::explainFailure(missing, QStringLiteral("asking"));
        QVERIFY(none.hint.contains(u"Docker is not installed"));
        QVERIFY(none.hint.contains(u"--flavor native"));
        QCOMPARE(none.kind, ErrorKind::NotFound);

        CommandResult late = failed(QStringLiteral("err-daemon-down.txt"));
        late.timedOut = true;
        QCOMPARE(docker::explainFailure(late, QStringLiteral("asking")).kind, ErrorKind::Timeout);
        late.timedOut = false;
        late.cancelled = true;
        QCOMPARE(docker::explainFailure(late, QStringLiteral("asking")).kind, ErrorKind::Cancelled);
    }

    void failingBuildStepShown()
    {
        // docker-compose 1.29 building a service whose apt-get fails.
        CommandResult r = failed(QStringLiteral("build-fail-compose-v1.txt"));
        r.out = r.err;
        r.err.clear();
        const Error e = docker::explainFailure(r, QStringLiteral("building the lab's images"));
        QVERIFY2(e.message.contains(u"an image build step failed"), qPrintable(e.message));
        QVERIFY(e.message.contains(u"Step 3/3 : RUN apt-get install -y no-such-package-pgha"));
        QVERIFY(e.message.contains(u"Unable to locate package no-such-package-pgha"));
        QVERIFY(!e.message.contains(u"Step 2/3"));        // only the failing step
        QVERIFY(!e.message.contains(QChar(0x1b)));        // no terminal colours
        QCOMPARE(e.kind, ErrorKind::ProcessFailed);

        // The classic builder alone: output on stdout, the verdict on stderr.
        const QString step = docker::failingBuildStep(
                QString::fromUtf8(readFixture(QStringLiteral("docker/build-fail-classic.out"))
                                  + readFixture(QStringLiteral("docker/build-fail-classic.err"))));
        QVERIFY(step.startsWith(u"Step 3/4 : RUN apt-get install"));
        QVERIFY(step.contains(u"returned a non-zero code: 100"));
    }

    // `logs --follow` runs as long as the log view is open: its result keeps a bounded tail in
    // whole lines, while every line still reaches onLine.
    void followedOutputKeepsABoundedTail()
    {
        constexpr int kLines = 200000;   // 5.5 MB: more than twice the kept tail
        QTemporaryDir dir;
        const QString fake = dir.filePath(QStringLiteral("docker"));
        QVERIFY(QFile::copy(QStringLiteral(PGHA_FAKE_DOCKER), fake));
        QVERIFY(QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QFile count(dir.filePath(QStringLiteral("log.lines")));
        QVERIFY(count.open(QIODevice::WriteOnly) && count.write(QByteArray::number(kLines)) > 0);
        count.close();

        docker::RunOptions options;
        options.timeoutMs = 0;
        options.environment.insert(QStringLiteral("FAKE_DOCKER_DIR"), dir.path());
        int lines = 0;
        qint64 bytes = 0;
        QString last;
        options.onLine = [&](const QString &line) {
            ++lines;
            bytes += line.toUtf8().size() + 1;
            last = line;
        };
        std::optional<CommandResult> result;
        QObject context;
        QProcess *process = docker::run(fake, {QStringLiteral("compose"), QStringLiteral("logs"), QStringLiteral("--follow"), QStringLiteral("pg1")},
                                        options, &context, [&](const CommandResult &r) { result = r; });
        QTRY_COMPARE_WITH_TIMEOUT(lines, kLines, 60000);
        QCOMPARE(last, QStringLiteral("fake log line %1 of pg1").arg(kLines));
        QVERIFY(bytes > 2 * docker::kKeptOutputBytes);
        QVERIFY(!result);   // still following
        docker::cancel(process);
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY(result->cancelled);
        QVERIFY2(result->out.size() <= docker::kKeptOutputBytes, QByteArray::number(result->out.size()).constData());
        QVERIFY(result->out.size() > docker::kKeptOutputBytes - 64);   // whole lines: at most one line short
        QVERIFY(result->out.startsWith("fake log line "));
        QVERIFY(result->out.endsWith(QStringLiteral("fake log line %1 of pg1\n").arg(kLines).toUtf8()));
        QCOMPARE(result->droppedBytes + result->out.size(), bytes);
    }

    // Output without a newline reaches onLine in pieces: the carry-over buffer stays bounded.
    void outputWithoutNewlinesComesInPieces()
    {
        constexpr qsizetype kBytes = 300000;
        const QString head = QStandardPaths::findExecutable(QStringLiteral("head"));
        QVERIFY2(!head.isEmpty(), "head (coreutils) is not on PATH");
        docker::RunOptions options;
        QList<qsizetype> pieces;
        options.onLine = [&](const QString &line) { pieces.append(line.size()); };
        std::optional<CommandResult> result;
        QObject context;
        docker::run(head, {QStringLiteral("-c"), QString::number(kBytes), QStringLiteral("/dev/zero")}, options, &context,
                    [&](const CommandResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY(result->ok());
        QCOMPARE(result->out.size(), kBytes);
        QCOMPARE(pieces.size(), (kBytes + docker::kMaxLineBytes - 1) / docker::kMaxLineBytes);
        for (qsizetype i = 0; i + 1 < pieces.size(); ++i)
            QCOMPARE(pieces[i], docker::kMaxLineBytes);
        QCOMPARE(pieces.last(), kBytes % docker::kMaxLineBytes);
    }

    void takenPort()
    {
        QCOMPARE(docker::takenPortIn(QString::fromUtf8(readFixture(QStringLiteral("docker/err-port-allocated.txt")))), 18556);
        QCOMPARE(docker::takenPortIn(QStringLiteral("no port here")), 0);
    }

    void envFile()
    {
        LabConfig config;
        config.labDir = QStringLiteral("/tmp/x");
        config.ports = LabPorts().withOffset(1000);
        config.dockerProject = QStringLiteral("pgha-lab-1000");
        config.withPgpool = true;
        const auto secrets = generateSecrets();
        const QString env = dockerlab::envText(config, secrets);
        QVERIFY(env.contains(u"COMPOSE_PROJECT_NAME=pgha-lab-1000\n"));
        QVERIFY(env.contains(u"COMPOSE_PROFILES=haproxy,pgpool\n"));
        QVERIFY(env.contains(u"BASE_IMAGE=debian:bookworm-slim\n"));
        QVERIFY(env.contains(u"PGHA_DEBIAN_SUITE=bookworm\n"));
        QVERIFY(env.contains(u"PG2_PORT=6433\n"));
        QVERIFY(env.contains(u"REST3_PORT=9010\n"));
        QVERIFY(env.contains(u"HAPROXY_RW_PORT=6000\n"));
        QVERIFY(env.contains(u"PGBOUNCER_EXPORTER1_PORT=10127\n"));
        QVERIFY(env.contains(QStringLiteral("POSTGRES_PASSWORD=%1\n").arg(secrets.superuser)));
        QVERIFY(env.contains(u"PATRONI_TTL=10\n"));
        // Every variable once.
        QStringList keys;
        for (const QString &line : env.split(QLatin1Char('\n')))
            if (!line.startsWith(QLatin1Char('#')) && line.contains(QLatin1Char('=')))
                keys << line.section(QLatin1Char('='), 0, 0);
        QCOMPARE(keys.removeDuplicates(), 0);

        config.withPgpool = false;
        config.dockerBaseImage = dockerlab::offlineBaseImage(config);
        QVERIFY(dockerlab::envText(config, secrets).contains(u"COMPOSE_PROFILES=haproxy\n"));
        QVERIFY(dockerlab::envText(config, secrets).contains(u"BASE_IMAGE=pgha/debian-base:bookworm\n"));
        QVERIFY(dockerlab::envText(config, secrets).contains(u"PGHA_DEBIAN_SUITE=bookworm\n"));
        // etcd, Patroni, PgBouncer, postgres_exporter and pgbouncer exporter ×3, HAProxy.
        QCOMPARE(dockerlab::componentsOf(config).size(), 16);
        config.withPgpool = true;
        QCOMPARE(dockerlab::componentsOf(config).size(), 17);
    }

    // The PostgreSQL major picks the Debian release, hence the base image, the images' tag and
    // every component's version; an unknown major is none of them.
    void postgresMajorPicksTheRelease()
    {
        LabConfig config;
        config.labDir = QStringLiteral("/tmp/x");
        QCOMPARE(QLatin1String(dockerlab::releaseOf(config).suite), QLatin1String("bookworm"));   // 0 = default 15
        config.dockerPostgres = 17;
        QCOMPARE(QLatin1String(dockerlab::releaseOf(config).suite), QLatin1String("trixie"));
        QCOMPARE(dockerlab::publicBaseImage(config), QStringLiteral("debian:trixie-slim"));
        QCOMPARE(dockerlab::offlineBaseImage(config), QStringLiteral("pgha/debian-base:trixie"));
        const QString env = dockerlab::envText(config, generateSecrets());
        QVERIFY(env.contains(u"PGHA_DEBIAN_SUITE=trixie\n"));
        QVERIFY(env.contains(u"BASE_IMAGE=debian:trixie-slim\n"));
        QVERIFY(!dockerlab::releaseFor(16));
        QVERIFY(dockerlab::supportedPostgres().contains(u"17 (Debian 13)"));
        // The state file remembers it, so a restart without --postgres keeps the lab's major.
        QCOMPARE(LabConfig::fromJson(config.toJson(), config.labDir).dockerPostgres, 17);
        QCOMPARE(LabConfig::fromJson(QJsonObject{}, config.labDir).dockerPostgres, 0);
        // The compose file tags images by release, so the two never share a tag.
        QFile compose(QStringLiteral(PGHA_SOURCE_DIR "/lab-stack/docker/docker-compose.yml"));
        QVERIFY(compose.open(QIODevice::ReadOnly));
        QVERIFY(compose.readAll().contains("/lab:${PGHA_DEBIAN_SUITE:-bookworm}-${POSTGRES_SOURCE:-debian}"));
    }

    void projectWrittenFromTheCompiledInCopy()
    {
        QTemporaryDir dir;
        LabConfig config;
        config.labDir = dir.path();
        const auto secrets = generateSecrets();
        const auto written = dockerlab::writeProject(config, secrets);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        const QString project = dockerlab::projectDir(dir.path());
        QVERIFY(QFile::exists(project + QStringLiteral("/docker-compose.yml")));
        QCOMPARE(QFile::permissions(project + QStringLiteral("/.env")) & (QFile::ReadGroup | QFile::ReadOther),
                 QFileDevice::Permissions());
        // Scripts stay executable (resources keep no modes).
        const QString script = project + QStringLiteral("/build-base-image.sh");
        QVERIFY(QFile::exists(script));
        QVERIFY(QFile::permissions(script) & QFile::ExeOwner);
        // The copy is the source tree's lab-stack/docker, file for file.
        QFile original(QStringLiteral(PGHA_SOURCE_DIR "/lab-stack/docker/docker-compose.yml"));
        QFile copy(project + QStringLiteral("/docker-compose.yml"));
        QVERIFY(original.open(QIODevice::ReadOnly) && copy.open(QIODevice::ReadOnly));
        QCOMPARE(copy.readAll(), original.readAll());
    }
};

QTEST_GUILESS_MAIN(TestDockerLogic)
#include "tst_dockerlogic.moc"
