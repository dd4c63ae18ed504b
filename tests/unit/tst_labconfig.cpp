// The lab's configuration, generated files and state file — no process is started here.
#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labfiles.h"
#include "lab/labstate.h"
#include "lab/labtls.h"

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha::svc;

class TestLabConfig : public QObject {
    Q_OBJECT

    static QString read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private slots:
    void timingRule_data()
    {
        QTest::addColumn<int>("ttl");
        QTest::addColumn<int>("loopWait");
        QTest::addColumn<int>("retry");
        QTest::addColumn<bool>("valid");
        QTest::newRow("demo-fast 10/2/4 (equal is allowed)") << 10 << 2 << 4 << true;
        QTest::newRow("supported-fast 20/2/5") << 20 << 2 << 5 << true;
        QTest::newRow("defaults 30/10/10") << 30 << 10 << 10 << true;
        QTest::newRow("10/2/5 breaks the rule") << 10 << 2 << 5 << false;
        QTest::newRow("10/3/4 breaks the rule") << 10 << 3 << 4 << false;
        QTest::newRow("zero loop_wait") << 10 << 0 << 4 << false;
        QTest::newRow("negative ttl") << -1 << 2 << 4 << false;
    }

    void timingRule()
    {
        QFETCH(int, ttl);
        QFETCH(int, loopWait);
        QFETCH(int, retry);
        QFETCH(bool, valid);
        const LabTimings t{QStringLiteral("custom"), ttl, loopWait, retry};
        const auto r = t.validate();
        QCOMPARE(r.ok(), valid);
        if (!valid)
            QVERIFY(!r.error().message.isEmpty());
    }

    void presets()
    {
        for (const auto &name : LabTimings::presetNames()) {
            const auto t = LabTimings::byName(name);
            QVERIFY(t.ok());
            QVERIFY(t.value().validate().ok());
        }
        QVERIFY(LabTimings::demoFast().describe().contains(u"below Patroni's documented minimum"));
        QVERIFY(!LabTimings::supportedFast().describe().contains(u"below"));
        // What a cluster runs names its preset, also after Patroni >= 3.2 raised demo-fast's
        // ttl 10 to 20 (Debian 13's Patroni 4 stores 20/2/4 in /config); nothing else matches.
        QCOMPARE(LabTimings::presetMatching(10, 2, 4), QStringLiteral("demo-fast"));
        QCOMPARE(LabTimings::presetMatching(20, 2, 4), QStringLiteral("demo-fast"));
        QCOMPARE(LabTimings::presetMatching(20, 2, 5), QStringLiteral("supported-fast"));
        QCOMPARE(LabTimings::presetMatching(30, 10, 10), QStringLiteral("patroni-defaults"));
        QCOMPARE(LabTimings::presetMatching(21, 2, 4), QString());
        QCOMPARE(LabTimings::presetMatching(20, 3, 4), QString());
        // The Patroni version the native lab reads from /patroni decides the ttl it records.
        QCOMPARE(LabTimings::minTtlOf(QStringLiteral("3.0.2")), 1);
        QCOMPARE(LabTimings::minTtlOf(QStringLiteral("3.2.0")), LabTimings::kPatroniMinTtl);
        QCOMPARE(LabTimings::minTtlOf(QStringLiteral("4.0.7")), LabTimings::kPatroniMinTtl);
        QCOMPARE(LabTimings::minTtlOf(QString()), 1);   // unknown: keep what was asked
        LabTimings kept = LabTimings::demoFast();
        QVERIFY(kept.raiseForPatroni(QStringLiteral("3.0.2"), LabTimings::minTtlOf(QStringLiteral("3.0.2"))).isEmpty());
        QCOMPARE(kept.ttl, 10);
        LabTimings raised = LabTimings::demoFast();
        const QString note = raised.raiseForPatroni(QStringLiteral("4.0.7"), LabTimings::minTtlOf(QStringLiteral("4.0.7")));
        QVERIFY2(note.contains(u"Patroni 4.0.7 raises") && note.contains(u"ttl 10 s becomes 20 s") && note.contains(u"10 s longer"),
                 qPrintable(note));
        QCOMPARE(raised.ttl, 20);
        QCOMPARE(raised.preset, QStringLiteral("demo-fast"));
        QVERIFY(raised.validate().ok());
        LabTimings custom{QString(), 12, 3, 4};
        QVERIFY(custom.raiseForPatroni(QStringLiteral("4.0.7"), LabTimings::kPatroniMinTtl).contains(u"the custom timings' ttl 12 s"));
        QCOMPARE(custom.preset, QString());
        const auto bad = LabTimings::byName(QStringLiteral("warp"));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().hint.contains(u"demo-fast"));
    }

    void portsAreDistinctAndDefault()
    {
        LabConfig c;
        QSet<int> seen;
        for (const auto &comp : c.components())
            for (const auto &p : comp.ports) {
                QVERIFY2(!seen.contains(p.port), qPrintable(QString::number(p.port)));
                seen.insert(p.port);
            }
        QCOMPARE(seen.size(), 3 * 2 + 3 * 2 + 3 + 3 + 3);   // etcd, Patroni, PgBouncer, HAProxy, exporters
        for (int port : {2379, 12379, 22379, 5432, 5433, 5434, 8008, 8009, 8010, 6432, 6433, 6434, 5000, 5001, 7000,
                         9187, 9188, 9189})
            QVERIFY2(seen.contains(port), qPrintable(QString::number(port)));
        const LabPorts shifted = c.ports.withOffset(100);
        QCOMPARE(shifted.haproxyReadWrite, 5100);
        QCOMPARE(shifted.rest[2], 8110);
        QCOMPARE(LabPorts::fromJson(shifted.toJson()).etcdPeer[1], 12480);
        QCOMPARE(LabPorts::fromJson(shifted.toJson()).exporter[2], 9289);
        // A state file written before the exporters existed: they follow the lab's offset.
        QJsonObject old = shifted.toJson();
        old.remove(QStringLiteral("exporter"));
        QCOMPARE(LabPorts::fromJson(old).exporter[0], 9287);
    }

    void templateRendering()
    {
        QString error;
        QCOMPARE(renderTemplate(QStringLiteral("a {{x}} b {{y_2}}"), {{QStringLiteral("x"), QStringLiteral("1")},
                                                                       {QStringLiteral("y_2"), QStringLiteral("2")}}, &error),
                 QStringLiteral("a 1 b 2"));
        QVERIFY(error.isEmpty());
        QVERIFY(renderTemplate(QStringLiteral("{{missing}}"), {}, &error).isEmpty());
        QVERIFY(error.contains(u"{{missing}}"));
    }

    void generatedFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        LabConfig c;
        c.labDir = dir.path();
        LabBinaries b;
        b.pgBinDir = QStringLiteral("/usr/lib/postgresql/15/bin");
        const auto secrets = generateSecrets();
        QCOMPARE(secrets.superuser.size(), 24);
        QVERIFY(secrets.superuser != secrets.replication);
        const auto written = writeLabFiles(c, b, secrets, nullptr);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        const LabLayout layout(c.labDir);
        const auto components = c.components();

        const auto haproxyComponent = std::find_if(components.cbegin(), components.cend(),
                                                   [](const LabComponent &x) { return x.kind == LabComponentKind::HAProxy; });
        QVERIFY(haproxyComponent != components.cend());
        const QString haproxy = read(layout.configFile(*haproxyComponent));
        QVERIFY(haproxy.contains(u"stats show-legends"));   // the CSV's addr column
        QVERIFY(haproxy.contains(u"option httpchk OPTIONS /primary"));
        QVERIFY(haproxy.contains(u"option httpchk OPTIONS /replica"));
        QCOMPARE(haproxy.count(u"default-server inter 1000ms fall 2 rise 1 on-marked-down shutdown-sessions"), 2);
        QVERIFY(haproxy.contains(u"bind 127.0.0.1:5000"));
        QVERIFY(haproxy.contains(u"bind 127.0.0.1:5001"));
        QVERIFY(haproxy.contains(u"bind 127.0.0.1:7000"));
        // Each HAProxy server is a node's PgBouncer, health-checked on that node's Patroni.
        QCOMPARE(haproxy.count(u"server pg2 127.0.0.1:6433 check port 8009"), 2);
        QVERIFY(!haproxy.contains(u"{{"));

        for (int i = 0; i < kLabMembers; ++i) {
            const QString ini = read(layout.configDir(QStringLiteral("pgbouncer%1").arg(i + 1)) + QStringLiteral("/pgbouncer.ini"));
            // Its own node only: never a list of hosts.
            QVERIFY(ini.contains(QStringLiteral("* = host=127.0.0.1 port=%1\n").arg(5432 + i)));
            QVERIFY(ini.contains(QStringLiteral("listen_port = %1").arg(6432 + i)));
            QVERIFY(ini.contains(u"auth_type = scram-sha-256"));
            // Named too, so SHOW DATABASES gives the target before any client came.
            QVERIFY(ini.contains(QStringLiteral("postgres = host=127.0.0.1 port=%1\n").arg(5432 + i)));
        }
        const QString patroni = read(layout.configDir(QStringLiteral("pg1")) + QStringLiteral("/patroni.yml"));
        QVERIFY(patroni.contains(u"etcd3:"));
        QVERIFY(patroni.contains(u"hosts: 127.0.0.1:2379,127.0.0.1:12379,127.0.0.1:22379"));
        QVERIFY(patroni.contains(u"ttl: 10"));
        QVERIFY(patroni.contains(u"loop_wait: 2"));
        QVERIFY(patroni.contains(u"retry_timeout: 4"));
        QVERIFY(patroni.contains(u"use_pg_rewind: true"));
        QVERIFY(patroni.contains(u"checkpoint: fast"));
        QVERIFY(patroni.contains(secrets.replication));
        const QString etcd = read(layout.configDir(QStringLiteral("etcd2")) + QStringLiteral("/etcd.yml"));
        QVERIFY(etcd.contains(u"enable-grpc-gateway: true"));
        QVERIFY(etcd.contains(u"listen-client-urls: http://127.0.0.1:12379"));

        // Files holding secrets are owner-only.
        for (const QString &path : {layout.clientPgpass(), layout.configDir(QStringLiteral("pg1")) + QStringLiteral("/patroni.yml"),
                                    layout.configDir(QStringLiteral("pgbouncer1")) + QStringLiteral("/userlist.txt"),
                                    layout.configDir(QStringLiteral("exporter2")) + QStringLiteral("/password")})
            QCOMPARE(QFile::permissions(path) & ~(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser),
                     QFileDevice::Permissions());
        QVERIFY(read(layout.clientPgpass()).contains(QStringLiteral("127.0.0.1:5000:*:postgres:") + secrets.superuser));
        // The exporter reads its password from a file (DATA_SOURCE_PASS_FILE), never argv or environ.
        QCOMPARE(read(layout.configDir(QStringLiteral("exporter2")) + QStringLiteral("/password")), secrets.superuser);
    }

    // --rest-tls --rest-auth: Patroni serves https with the lab's certificate and asks for
    // Basic auth; HAProxy checks over TLS against the lab's CA; the state remembers both.
    void restSecurityFiles()
    {
        QTemporaryDir dir;
        LabConfig c;
        c.labDir = dir.path();
        c.restTls = true;
        c.restAuth = true;
        LabBinaries b;
        b.pgBinDir = QStringLiteral("/usr/lib/postgresql/15/bin");
        const auto secrets = generateSecrets();
        QCOMPARE(secrets.restApi.size(), 24);
        QVERIFY(writeLabFiles(c, b, secrets, nullptr).ok());
        const LabLayout layout(c.labDir);
        const QString patroni = read(layout.configDir(QStringLiteral("pg2")) + QStringLiteral("/patroni.yml"));
        QVERIFY(patroni.contains(QStringLiteral("  certfile: %1/tls/server.crt\n").arg(dir.path())));
        QVERIFY(patroni.contains(QStringLiteral("  keyfile: %1/tls/server.key\n").arg(dir.path())));
        QVERIFY(patroni.contains(QStringLiteral("  authentication:\n    username: pgha\n    password: '%1'").arg(secrets.restApi)));
        QVERIFY(patroni.contains(QStringLiteral("ctl:\n  insecure: false\n  cacert: %1/tls/ca.crt").arg(dir.path())));
        QVERIFY(!patroni.contains(u"{{"));
        const QString haproxy = read(layout.configDir(QStringLiteral("haproxy")) + QStringLiteral("/haproxy.cfg"));
        QCOMPARE(haproxy.count(QStringLiteral("server pg2 127.0.0.1:6433 check port 8009 check-ssl verify required ca-file %1/tls/ca.crt")
                                       .arg(dir.path())), 2);
        QVERIFY(!haproxy.contains(secrets.restApi));

        const QJsonObject json = c.toJson();
        const LabConfig back = LabConfig::fromJson(json, dir.path());
        QVERIFY(back.restTls);
        QVERIFY(back.restAuth);
        QVERIFY(!LabConfig::fromJson(LabConfig().toJson(), dir.path()).restTls);

        const auto security = labHttpSecurity(c, secrets);
        QCOMPARE(security.size(), kLabMembers);
        QCOMPARE(originKey(security[1].origin), QStringLiteral("https://127.0.0.1:8009"));
        QCOMPARE(security[1].security.username, QStringLiteral("pgha"));
        QCOMPARE(security[1].security.password, secrets.restApi);
        QCOMPARE(security[1].security.caFile, dir.path() + QStringLiteral("/tls/ca.crt"));
        QVERIFY(labHttpSecurity(LabConfig(), secrets).isEmpty());   // a plain lab needs nothing
    }

    void stateRoundTrip()
    {
        QTemporaryDir dir;
        LabState s;
        s.phase = LabState::Phase::Running;
        s.config.labDir = dir.path();
        s.config.ports = LabPorts().withOffset(7);
        s.config.timings = LabTimings::supportedFast();
        s.config.dockerProject = QStringLiteral("pgha-lab-7");
        s.config.dockerBaseImage = QStringLiteral("pgha/debian-base:bookworm");
        s.secrets = generateSecrets();
        s.processes.append({QStringLiteral("etcd1"), LabComponentKind::Etcd, 4242, 987654321012LL, 4241,
                            QStringLiteral("/x/etcd1.log"), {}, QStringLiteral("pgha-lab_etcd1_1")});
        QVERIFY(s.save(dir.path()).ok());
        QCOMPARE(QFile::permissions(dir.filePath(LabState::fileName(s.flavor))) & (QFile::ReadGroup | QFile::ReadOther), QFileDevice::Permissions());
        const auto loaded = LabState::load(dir.path());
        QVERIFY(loaded.ok());
        QCOMPARE(loaded.value().phase, LabState::Phase::Running);
        QCOMPARE(loaded.value().config.ports.haproxyStats, 7007);
        QCOMPARE(loaded.value().config.timings.preset, QStringLiteral("supported-fast"));
        QCOMPARE(loaded.value().secrets.superuser, s.secrets.superuser);
        QCOMPARE(loaded.value().secrets.restApi, s.secrets.restApi);
        QCOMPARE(loaded.value().processes.size(), 1);
        QCOMPARE(loaded.value().processes.front().startTicks, 987654321012LL);
        QCOMPARE(loaded.value().processes.front().pgid, 4241);
        QCOMPARE(loaded.value().processes.front().container, QStringLiteral("pgha-lab_etcd1_1"));
        QCOMPARE(loaded.value().config.dockerProject, QStringLiteral("pgha-lab-7"));
        QCOMPARE(loaded.value().config.dockerBaseImage, QStringLiteral("pgha/debian-base:bookworm"));
        QCOMPARE(loaded.value().config.ports.pgbouncerExporter[2], 9136);

        QFile damaged(dir.filePath(LabState::fileName(s.flavor)));
        QVERIFY(damaged.open(QIODevice::WriteOnly | QIODevice::Truncate));
        damaged.write("{\"phase\": \"run");
        damaged.close();
        const auto bad = LabState::load(dir.path());
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(u"damaged"));
        QVERIFY(bad.error().hint.contains(u"--wipe"));
    }
};

QTEST_GUILESS_MAIN(TestLabConfig)
#include "tst_labconfig.moc"
