// The standalone baseline's pure side: which parameters the lab's Patroni members run with (from
// the real lab-stack/native/patroni.yml.in, rendered as the lab renders it, and from Patroni's
// rules), what the standalone keeps and drops, the postgresql.conf it gets, its state file, its
// port in the lab's port map and what a wipe may delete of it.
#include "core/safefs.h"
#include "lab/labdir.h"
#include "lab/labfiles.h"
#include "lab/labstandalone.h"
#include "lab/labstandaloneconfig.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha::svc;

namespace {

QByteArray renderedMemberConfig(const LabConfig &config)
{
    LabComponent pg1;
    for (const auto &c : config.components())
        if (c.kind == LabComponentKind::Patroni && c.index == 0)
            pg1 = c;
    auto rendered = renderPatroniConfig(config, QStringLiteral("/usr/lib/postgresql/15/bin"), generateSecrets(), pg1);
    if (!rendered)
        qFatal("%s", qPrintable(rendered.error().toString()));
    return rendered.value().toUtf8();
}

using Params = QMap<QString, QString>;

} // namespace

class TestStandaloneConfig : public QObject {
    Q_OBJECT
private slots:
    // What Patroni gives every member with the lab's own template: the bootstrap DCS values,
    // Patroni's command-line defaults, the member's local parameters, the scope and listen.
    void membersOfTheLabTemplate()
    {
        LabConfig config;
        config.labDir = QStringLiteral("/tmp/pgha-unit-lab");
        config.ports = LabPorts().withOffset(300);
        const auto params = patroniMemberParameters(renderedMemberConfig(config));
        QVERIFY2(params.ok(), qPrintable(params.ok() ? QString() : params.error().toString()));
        const Params &p = params.value();
        const Params expected{{QStringLiteral("wal_level"), QStringLiteral("replica")},
                              {QStringLiteral("hot_standby"), QStringLiteral("on")},
                              {QStringLiteral("wal_log_hints"), QStringLiteral("on")},
                              {QStringLiteral("max_connections"), QStringLiteral("100")},
                              {QStringLiteral("max_wal_senders"), QStringLiteral("10")},
                              {QStringLiteral("max_replication_slots"), QStringLiteral("10")},
                              {QStringLiteral("wal_keep_size"), QStringLiteral("128MB")},
                              {QStringLiteral("max_worker_processes"), QStringLiteral("8")},
                              {QStringLiteral("max_locks_per_transaction"), QStringLiteral("64")},
                              {QStringLiteral("max_prepared_transactions"), QStringLiteral("0")},
                              {QStringLiteral("track_commit_timestamp"), QStringLiteral("off")},
                              {QStringLiteral("password_encryption"), QStringLiteral("scram-sha-256")},
                              {QStringLiteral("unix_socket_directories"), QString()},
                              {QStringLiteral("logging_collector"), QStringLiteral("on")},
                              {QStringLiteral("log_directory"), QStringLiteral("log")},
                              {QStringLiteral("log_filename"), QStringLiteral("postgresql.log")},
                              {QStringLiteral("log_line_prefix"), QStringLiteral("%m [%p] %q%u@%d ")},
                              // A standby's retry; the same on the baseline, where it never applies.
                              {QStringLiteral("wal_retrieve_retry_interval"), QStringLiteral("1s")},
                              {QStringLiteral("cluster_name"), QStringLiteral("pgha-lab")},
                              {QStringLiteral("listen_addresses"), QStringLiteral("127.0.0.1")},
                              {QStringLiteral("port"), QStringLiteral("5732")}};
        QCOMPARE(p, expected);
    }

    void patroniRules_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::newRow("the DCS sets max_connections") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {max_connections: 200}}}}")
                                                      << "max_connections" << "200";
        QTest::newRow("a member's own file cannot") << QByteArray("postgresql: {parameters: {max_connections: 300}}")
                                                    << "max_connections" << "100";
        QTest::newRow("hot_standby is Patroni's alone") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {hot_standby: 'off'}}}}")
                                                        << "hot_standby" << "on";
        QTest::newRow("wal_log_hints too") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {wal_log_hints: 'off'}}}}")
                                           << "wal_log_hints" << "on";
        QTest::newRow("hot_standby level is replica") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {wal_level: hot_standby}}}}")
                                                      << "wal_level" << "replica";
        QTest::newRow("logical stays") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {wal_level: logical}}}}")
                                       << "wal_level" << "logical";
        QTest::newRow("local wins over the DCS") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {work_mem: 4MB}}}}\n"
                                                               "postgresql: {parameters: {work_mem: 8MB}}")
                                                 << "work_mem" << "8MB";
        QTest::newRow("names are case-insensitive") << QByteArray("postgresql: {parameters: {Shared_Buffers: 256MB}}")
                                                    << "shared_buffers" << "256MB";
        QTest::newRow("synchronous_commit as given") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: {synchronous_commit: 'off'}}}}")
                                                     << "synchronous_commit" << "off";
        QTest::newRow("listen without a port") << QByteArray("postgresql: {listen: 10.0.0.1}") << "port" << "5432";
        QTest::newRow("a null value is not set") << QByteArray("postgresql: {parameters: {work_mem: }}") << "work_mem" << QString();
    }

    void patroniRules()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, name);
        QFETCH(QString, value);
        const auto params = patroniMemberParameters(yaml);
        QVERIFY2(params.ok(), qPrintable(params.ok() ? QString() : params.error().toString()));
        QCOMPARE(params.value().value(name), value);
    }

    void hostileConfigs_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::newRow("not YAML") << QByteArray("{{{ [");
        QTest::newRow("a list") << QByteArray("- a\n- b\n");
        QTest::newRow("a scalar") << QByteArray("hello");
        QTest::newRow("parameters as a list") << QByteArray("postgresql: {parameters: [a, b]}");
        QTest::newRow("a nested value") << QByteArray("postgresql: {parameters: {work_mem: {a: 1}}}");
        QTest::newRow("a map key") << QByteArray("postgresql: {parameters: {? {a: 1} : 2}}");
        QTest::newRow("dcs parameters as a scalar") << QByteArray("bootstrap: {dcs: {postgresql: {parameters: 5}}}");
    }

    void hostileConfigs()
    {
        QFETCH(QByteArray, yaml);
        const auto params = patroniMemberParameters(yaml);
        QVERIFY(!params.ok());
        QVERIFY(params.error().message.contains(u"patroni.yml"));
    }

    void initdbOptionsOfTheLab()
    {
        LabConfig config;
        config.labDir = QStringLiteral("/tmp/pgha-unit-lab");
        const auto options = patroniInitdbOptions(renderedMemberConfig(config));
        QVERIFY(options.ok());
        QCOMPARE(options.value(), (QStringList{QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C.UTF-8"),
                                               QStringLiteral("--data-checksums"), QStringLiteral("--auth-host=scram-sha-256"),
                                               QStringLiteral("--auth-local=scram-sha-256")}));
        // What Patroni refuses there (or sets itself) never reaches initdb from the file.
        const auto refused = patroniInitdbOptions("bootstrap: {initdb: [{pgdata: /etc}, {pwfile: /x}, nosync, {username: bob}, "
                                                  "data-checksums]}");
        QVERIFY(refused.ok());
        QCOMPARE(refused.value(), QStringList{QStringLiteral("--data-checksums")});
        QVERIFY(!patroniInitdbOptions("bootstrap: {initdb: {a: b}}").ok());
        QVERIFY(!patroniInitdbOptions("bootstrap: {initdb: [{a: b, c: d}]}").ok());
        QVERIFY(patroniInitdbOptions("scope: x").value().isEmpty());
    }

    // Same as the members except what only a member of a cluster can have; every difference named.
    void standaloneKeepsWhatItCan()
    {
        const Params member{{QStringLiteral("shared_buffers"), QStringLiteral("128MB")},
                            {QStringLiteral("synchronous_commit"), QStringLiteral("on")},
                            {QStringLiteral("wal_level"), QStringLiteral("replica")},
                            {QStringLiteral("wal_log_hints"), QStringLiteral("on")},
                            {QStringLiteral("max_wal_senders"), QStringLiteral("10")},
                            {QStringLiteral("synchronous_standby_names"), QStringLiteral("\"pg2\"")},
                            {QStringLiteral("primary_conninfo"), QStringLiteral("host=127.0.0.1 port=5432")},
                            {QStringLiteral("archive_command"), QStringLiteral("cp %p /archive/%f")},
                            {QStringLiteral("hba_file"), QStringLiteral("/data/pg_hba.conf")},
                            {QStringLiteral("port"), QStringLiteral("5432")},
                            {QStringLiteral("cluster_name"), QStringLiteral("pgha-lab")},
                            {QStringLiteral("listen_addresses"), QStringLiteral("127.0.0.1")}};
        const StandaloneParameters s = standaloneParameters(member, QStringLiteral("127.0.0.1"), 5440, QStringLiteral("pgha-lab-standalone"));
        for (const char *kept : {"shared_buffers", "synchronous_commit", "wal_level", "wal_log_hints", "max_wal_senders"})
            QCOMPARE(s.values.value(QLatin1String(kept)), member.value(QLatin1String(kept)));
        for (const char *dropped : {"synchronous_standby_names", "primary_conninfo", "archive_command", "hba_file"})
            QVERIFY2(!s.values.contains(QLatin1String(dropped)), dropped);
        QCOMPARE(s.values.value(QStringLiteral("port")), QStringLiteral("5440"));
        QCOMPARE(s.values.value(QStringLiteral("cluster_name")), QStringLiteral("pgha-lab-standalone"));
        QCOMPARE(s.values.value(QStringLiteral("listen_addresses")), QStringLiteral("127.0.0.1"));
        QStringList names;
        for (const auto &d : s.differences) {
            names.append(d.name);
            QVERIFY2(!d.reason.isEmpty(), qPrintable(d.name));
            QCOMPARE(d.memberValue, member.value(d.name));
        }
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("archive_command"), QStringLiteral("cluster_name"), QStringLiteral("hba_file"),
                                     QStringLiteral("port"), QStringLiteral("primary_conninfo"),
                                     QStringLiteral("synchronous_standby_names")}));   // listen_addresses is the same
    }

    void confText()
    {
        StandaloneParameters p;
        p.values = {{QStringLiteral("log_line_prefix"), QStringLiteral("%m it's \\here ")},
                    {QStringLiteral("unix_socket_directories"), QString()},
                    {QStringLiteral("port"), QStringLiteral("5440")}};
        p.differences = {{QStringLiteral("port"), QStringLiteral("5432"), QStringLiteral("5440"), QStringLiteral("its own")}};
        p.source = QStringLiteral("pg1");
        const auto text = standaloneConfText(p, QStringLiteral("/lab/standalone/data/postgresql.conf"), QStringLiteral("/lab/conf/pg_hba.conf"));
        QVERIFY(text.ok());
        const QString t = text.value();
        QVERIFY(t.contains(u"include '/lab/standalone/data/postgresql.conf'\n"));
        QVERIFY(t.contains(u"hba_file = '/lab/conf/pg_hba.conf'\n"));
        QVERIFY(t.indexOf(u"include '") < t.indexOf(u"port = "));   // the members' values win over initdb's
        QVERIFY(t.contains(u"log_line_prefix = '%m it''s \\\\here '\n"));
        QVERIFY(t.contains(u"unix_socket_directories = ''\n"));
        QVERIFY(t.contains(u"#   port: 5432 → 5440 (its own)"));

        StandaloneParameters bad = p;
        bad.values.insert(QStringLiteral("work_mem"), QStringLiteral("1MB\nshared_preload_libraries = 'evil'"));
        QVERIFY(!standaloneConfText(bad, QStringLiteral("/b"), QStringLiteral("/h")).ok());
        bad = p;
        bad.values.insert(QStringLiteral("x = 1 #"), QStringLiteral("1"));
        QVERIFY(!standaloneConfText(bad, QStringLiteral("/b"), QStringLiteral("/h")).ok());
        QVERIFY(standaloneHbaText(QStringLiteral("127.0.0.1")).contains(u"host all all 127.0.0.1/32 scram-sha-256\n"));
        QVERIFY(!standaloneHbaText(QStringLiteral("127.0.0.1")).contains(u"host replication"));
    }

    void stateRoundTrip()
    {
        QTemporaryDir tmp;
        StandaloneState s;
        s.phase = StandaloneState::Phase::Running;
        s.pid = 4242;
        s.startTicks = 123456789012;
        s.pgid = 4241;
        s.host = QStringLiteral("127.0.0.1");
        s.port = 5440;
        s.dataDir = tmp.filePath(QStringLiteral("standalone/data"));
        s.passwordSha256 = passwordFingerprint(QStringLiteral("secret"));
        s.parameters.source = QStringLiteral("pg1");
        s.parameters.values = {{QStringLiteral("shared_buffers"), QStringLiteral("128MB")}};
        s.parameters.differences = {{QStringLiteral("port"), QStringLiteral("5432"), QStringLiteral("5440"), QStringLiteral("own")}};
        QVERIFY(s.save(tmp.path()).ok());
        QCOMPARE(fs::inspectPath(tmp.filePath(StandaloneState::fileName())).mode, 0600u);
        const auto loaded = StandaloneState::load(tmp.path());
        QVERIFY(loaded.ok());
        const StandaloneState &l = loaded.value();
        QCOMPARE(l.phase, s.phase);
        QCOMPARE(l.pid, s.pid);
        QCOMPARE(l.startTicks, s.startTicks);
        QCOMPARE(l.port, 5440);
        QCOMPARE(l.passwordSha256, s.passwordSha256);
        QCOMPARE(l.parameters.values, s.parameters.values);
        QCOMPARE(l.parameters.differences, s.parameters.differences);
        QFile file(tmp.filePath(StandaloneState::fileName()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("secret\""));   // a fingerprint, never the password
        QVERIFY(passwordFingerprint(QStringLiteral("secret")) != passwordFingerprint(QStringLiteral("secret2")));
        QVERIFY(!StandaloneState::fromJson("[1]", tmp.path()).ok());
        QVERIFY(!StandaloneState::fromJson("{", tmp.path()).ok());
    }

    void portInTheLabsMap()
    {
        QCOMPARE(LabPorts().standalone, 5440);
        const LabPorts shifted = LabPorts().withOffset(200);
        QCOMPARE(shifted.standalone, 5640);
        QCOMPARE(LabPorts::fromJson(shifted.toJson()).standalone, 5640);
        // A lab recorded before the baseline existed: its port follows the lab's offset.
        QJsonObject old = shifted.toJson();
        old.remove(QStringLiteral("standalone"));
        QCOMPARE(LabPorts::fromJson(old).standalone, 5640);
        LabConfig config;
        for (const auto &c : config.components())
            for (const auto &p : c.ports)
                QVERIFY2(p.port != config.ports.standalone, qPrintable(p.role));
    }

    // A wipe deletes the baseline's entries only when its state says they are ours and nothing
    // runs; a "standalone" directory without that state is left alone.
    void wipeDeletesOnlyOurStandalone()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("lab"));
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/standalone/data")));
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        LabConfig config;
        config.labDir = dir;
        LabState lab;
        lab.config = config;
        QVERIFY(lab.save(dir).ok());
        QVERIFY(standaloneWipeEntries(dir).isEmpty());
        QVERIFY(wipeFlavour(dir, QStringLiteral("native"), config).ok());
        QVERIFY(QFile::exists(dir + QStringLiteral("/standalone/data")));   // not recorded: not ours

        StandaloneState s;
        s.dataDir = dir + QStringLiteral("/standalone/data");
        QVERIFY(s.save(dir).ok());
        QCOMPARE(standaloneWipeEntries(dir), (QStringList{StandaloneState::fileName(), QStringLiteral("standalone")}));
        QCOMPARE(LabStandalone::inspect(dir).status, StandaloneReport::Status::Stopped);
        QVERIFY(lab.save(dir).ok());
        QVERIFY(wipeFlavour(dir, QStringLiteral("native"), config).ok());
        QVERIFY(!QFile::exists(dir + QStringLiteral("/standalone")));
        QVERIFY(!StandaloneState::exists(dir));
    }
};

QTEST_GUILESS_MAIN(TestStandaloneConfig)
#include "tst_standaloneconfig.moc"
