// Profiles: YAML in, clear errors with line and column out, atomic save.
#include "lab/labprofile.h"
#include "profile/profile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha::svc;

class TestProfile : public QObject {
    Q_OBJECT
private slots:
    void parsesFullProfile()
    {
        const auto p = parseProfile("name: prod-eu\n"
    "kind: production\n"
    "patroni:\n"
    "  - {name: db1, url: \"http://10.0.0.1:8008\"}\n"
    "  - \"https://10.0.0.2:8008\"\n"
    "read_write: {host: 10.0.0.10, port: 5000, user: app, database: shop}\n"
    "read_only: {port: 5001}\n"
    "", QStringLiteral("prod.yaml"));
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().toString()));
        QCOMPARE(p.value().name, QStringLiteral("prod-eu"));
        QCOMPARE(p.value().kind, Profile::Kind::Production);
        QCOMPARE(p.value().patroni.size(), 2);
        QCOMPARE(p.value().patroni[0].name, QStringLiteral("db1"));
        QCOMPARE(p.value().patroni[1].url.scheme(), QStringLiteral("https"));
        QCOMPARE(p.value().readWrite.user, QStringLiteral("app"));
        QCOMPARE(p.value().readOnly.host, QStringLiteral("10.0.0.10"));   // inherits from read_write
        QCOMPARE(p.value().readOnly.port, 5001);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("bad indentation") << QByteArray("name: x\n  kind: lab\n patroni: []\n") << "line 2";
        QTest::newRow("unclosed flow") << QByteArray("name: x\npatroni: [http://a:1\n") << "line 3";
        QTest::newRow("tab") << QByteArray("name: x\npatroni:\n\t- http://a:1\n") << "line 3";
        QTest::newRow("not a mapping") << QByteArray("- a\n- b\n") << "YAML mapping";
        QTest::newRow("no patroni") << QByteArray("name: x\n") << "\"patroni\"";
        QTest::newRow("bad kind") << QByteArray("kind: prod\npatroni: [\"http://a:1\"]\n") << "line 1";
        QTest::newRow("bad url") << QByteArray("patroni: [\"not a url\"]\n") << "not an http(s) URL";
        QTest::newRow("pgpool not postgresql://") << QByteArray("patroni: [\"http://a:1\"]\npgpools: [\"http://b:9999\"]\n")
                                                   << "postgresql://host:port";
        QTest::newRow("metrics not a list") << QByteArray("patroni: [\"http://a:1\"]\nmetrics: http://b:9187/metrics\n") << "line 2";
        QTest::newRow("port not a number") << QByteArray("patroni: [\"http://a:1\"]\nread_write: {port: five}\n") << "line 2";
    }

    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, mentions);
        const auto p = parseProfile(yaml, QStringLiteral("bad.yaml"));
        QVERIFY(!p.ok());
        QVERIFY2(p.error().message.contains(mentions), qPrintable(p.error().message));
        QVERIFY(p.error().message.startsWith(u"bad.yaml"));
    }

    void saveIsAtomicAndRoundTrips()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.yaml"));
        LabConfig withPgpool;
        withPgpool.withPgpool = true;
        Profile p = labProfile(withPgpool);
        p.labDir.clear();
        p.discoverMembers = false;
        p.name = QStringLiteral("mine");
        QVERIFY(saveProfileFile(p, path).ok());
        const auto back = loadProfileFile(path);
        QVERIFY(back.ok());
        QCOMPARE(back.value().patroni.size(), 3);
        QCOMPARE(back.value().patroni[2].url.port(), 8010);
        QCOMPARE(back.value().readOnly.port, 5001);
        QCOMPARE(back.value().etcd.size(), 3);
        QCOMPARE(back.value().etcd[1].url.port(), 12379);
        QCOMPARE(back.value().haproxyStats.toString(), QStringLiteral("http://127.0.0.1:7000/stats"));
        // Every endpoint list survives a save (PgBouncers were once dropped here).
        QCOMPARE(back.value().pgbouncers.size(), 3);
        QCOMPARE(back.value().pgbouncers[1].url.port(), 6433);
        QCOMPARE(back.value().pgpools.size(), 1);
        QCOMPARE(back.value().pgpools[0].url.port(), 9999);
        QCOMPARE(back.value().metrics.size(), 3);
        QCOMPARE(back.value().metrics[2].url.toString(), QStringLiteral("http://127.0.0.1:9189/metrics"));
        QVERIFY(!back.value().discoverMembers);
        QVERIFY(!QFile(path).readAll().contains("password"));

        // A malformed file on disk is reported and left exactly as it was.
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("name: [broken\n");
        f.close();
        const auto broken = loadProfileFile(path);
        QVERIFY(!broken.ok());
        QVERIFY(broken.error().message.contains(u"line"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("name: [broken\n"));
    }

    void securityKeysRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secure.yaml"));
        Profile p = labProfile(LabConfig());
        p.labDir.clear();
        p.name = QStringLiteral("secure");
        p.kind = Profile::Kind::Production;
        p.patroniRest = {QStringLiteral("ops"), QStringLiteral("/etc/pgha/ca.crt"), QStringLiteral("/etc/pgha/client.crt"),
                         QStringLiteral("/etc/pgha/client.key"), false};
        p.etcdAuth.username = QStringLiteral("etcd-reader");
        p.haproxyStatsAuth.username = QStringLiteral("stats");
        p.actionsEnabled = true;
        QVERIFY(saveProfileFile(p, path).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(!text.contains("password"), text.constData());
        const auto back = loadProfileFile(path);
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().toString()));
        QCOMPARE(back.value().patroniRest, p.patroniRest);
        QCOMPARE(back.value().etcdAuth.username, QStringLiteral("etcd-reader"));
        QCOMPARE(back.value().haproxyStatsAuth.username, QStringLiteral("stats"));
        QVERIFY(back.value().actionsEnabled);
        QCOMPARE(back.value().kind, Profile::Kind::Production);
    }

    // Item 10: sslmode and root CA are profile settings; production defaults to verify-full,
    // the lab to prefer, and PGSSLMODE is no longer overridden where the profile says nothing.
    void postgresTlsSettings()
    {
        qunsetenv("PGSSLMODE");
        const auto prod = parseProfile("kind: production\npatroni: [\"https://10.0.0.1:8008\"]\n", QStringLiteral("p.yaml"));
        QVERIFY(prod);
        QCOMPARE(postgresTlsFor(prod.value()).sslmode, QStringLiteral("verify-full"));
        QCOMPARE(prod.value().readWrite.tls.sslmode, QStringLiteral("verify-full"));   // the write probe's entry point too
        const auto assumed = parseProfile("patroni: [\"https://10.0.0.1:8008\"]\n", QStringLiteral("n.yaml"));
        QCOMPARE(postgresTlsFor(assumed.value()).sslmode, QStringLiteral("verify-full"));   // no kind: production
        const auto staging = parseProfile("kind: staging\npatroni: [\"http://a:1\"]\n", QStringLiteral("s.yaml"));
        QCOMPARE(postgresTlsFor(staging.value()).sslmode, QString());   // libpq's own default (or PGSSLMODE)
        QCOMPARE(postgresTlsFor(labProfile(LabConfig{})).sslmode, QStringLiteral("prefer"));

        const auto explicitTls = parseProfile("kind: production\npatroni: [\"https://a:1\"]\n"
                                              "postgres_tls: {sslmode: require, root_ca: /etc/pg/ca.crt}\n",
                                              QStringLiteral("e.yaml"));
        QVERIFY2(explicitTls, qPrintable(explicitTls ? QString() : explicitTls.error().toString()));
        QCOMPARE(postgresTlsFor(explicitTls.value()), (PgTls{QStringLiteral("require"), QStringLiteral("/etc/pg/ca.crt")}));
        // Survives a save.
        const auto back = parseProfile(serialiseProfile(explicitTls.value()), QStringLiteral("back.yaml"));
        QCOMPARE(back.value().postgresTls, explicitTls.value().postgresTls);

        // PGSSLMODE in the environment wins over the kind's default, not over the file.
        qputenv("PGSSLMODE", "disable");
        QCOMPARE(postgresTlsFor(prod.value()).sslmode, QString());
        QCOMPARE(postgresTlsFor(explicitTls.value()).sslmode, QStringLiteral("require"));
        qunsetenv("PGSSLMODE");

        const auto bad = parseProfile("kind: staging\npatroni: [\"https://a:1\"]\npostgres_tls:\n  sslmode: verify-everything\n",
                                      QStringLiteral("bad.yaml"));
        QVERIFY(!bad);
        QVERIFY2(bad.error().toString().contains(u"bad.yaml: line 4, column 12: \"verify-everything\" is not an sslmode"),
                 qPrintable(bad.error().toString()));
        QVERIFY(bad.error().toString().contains(u"verify-full"));
    }

    void authOnReadsRoundTrips()
    {
        const auto p = parseProfile("kind: staging\npatroni: [\"https://a:1\"]\npatroni_rest: {username: u, auth_on_reads: true}\n",
                                    QStringLiteral("r.yaml"));
        QVERIFY(p.value().patroniRest.authOnReads);
        QVERIFY(parseProfile(serialiseProfile(p.value()), QStringLiteral("r2.yaml")).value().patroniRest.authOnReads);
        QVERIFY(httpSecurityForProfile(p.value(), {})[0].security.credentialsOnReads);
    }

    void verifyTlsAndActionDefaults()
    {
        const auto p = parseProfile("kind: staging\n"
                                    "patroni: [\"https://10.0.0.1:8008\"]\n"
                                    "patroni_rest: {username: ops, ca_file: /ca.crt, verify_tls: false}\n",
                                    QStringLiteral("s.yaml"));
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().toString()));
        QVERIFY(!p.value().patroniRest.verifyTls);
        QCOMPARE(p.value().patroniRest.username, QStringLiteral("ops"));
        QCOMPARE(p.value().patroniRest.caFile, QStringLiteral("/ca.crt"));
        QVERIFY(!p.value().actionsEnabled);   // staging/production: off unless the file says so
        const auto lab = parseProfile("kind: lab\npatroni: [\"http://a:1\"]\n", QStringLiteral("l.yaml"));
        QVERIFY(lab.value().actionsEnabled);
        QVERIFY(lab.value().patroniRest.verifyTls);

        // Per-origin security: credentials only for the Patroni origins, TLS from the profile.
        ProfilePasswords passwords;
        passwords.patroniRest.insert(originKey(p.value().patroni[0].url), QStringLiteral("pw"));
        const auto security = httpSecurityForProfile(p.value(), passwords);
        QCOMPARE(security.size(), 1);
        QCOMPARE(originKey(security[0].origin), QStringLiteral("https://10.0.0.1:8008"));
        QCOMPARE(security[0].security.username, QStringLiteral("ops"));
        QCOMPARE(security[0].security.password, QStringLiteral("pw"));
        QVERIFY(!security[0].security.verifyPeer);
    }

    void passwordsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("line");
        QTest::newRow("in patroni_rest") << QByteArray("name: x\npatroni: [\"http://a:1\"]\npatroni_rest:\n  username: ops\n  password: hunter2\n")
                                         << "line 5, column 3";
        QTest::newRow("at the top") << QByteArray("password: hunter2\npatroni: [\"http://a:1\"]\n") << "line 1, column 1";
        QTest::newRow("in read_write") << QByteArray("patroni: [\"http://a:1\"]\nread_write: {user: app, password: x}\n")
                                       << "line 2";
        QTest::newRow("etcd_password") << QByteArray("patroni: [\"http://a:1\"]\netcd_auth: {username: u, etcd_password: x}\n")
                                       << "line 2";
    }

    void passwordsAreRefused()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, line);
        const auto p = parseProfile(yaml, QStringLiteral("pw.yaml"));
        QVERIFY(!p.ok());
        QVERIFY2(p.error().message.contains(line), qPrintable(p.error().message));
        QVERIFY2(p.error().message.contains(u"keychain"), qPrintable(p.error().message));
        QVERIFY(!p.error().message.contains(u"hunter2"));
    }

    // A profile that names no kind is production with actions off, and says it assumed so; only
    // `kind: lab` and the built-in lab are labs.
    void missingKindMeansProduction_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("assumed");
        QTest::addColumn<bool>("actions");
        QTest::newRow("no kind") << QByteArray("name: x\npatroni: [\"http://a:1\"]\n") << int(Profile::Kind::Production) << true << false;
        QTest::newRow("no kind, actions asked for") << QByteArray("patroni: [\"http://a:1\"]\nactions_enabled: true\n")
                                                    << int(Profile::Kind::Production) << true << true;
        QTest::newRow("kind lab") << QByteArray("kind: lab\npatroni: [\"http://a:1\"]\n") << int(Profile::Kind::Lab) << false << true;
        QTest::newRow("kind staging") << QByteArray("kind: staging\npatroni: [\"http://a:1\"]\n") << int(Profile::Kind::Staging) << false << false;
        QTest::newRow("kind production") << QByteArray("kind: production\npatroni: [\"http://a:1\"]\n") << int(Profile::Kind::Production)
                                         << false << false;
    }
    void missingKindMeansProduction()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, kind);
        QFETCH(bool, assumed);
        QFETCH(bool, actions);
        const auto p = parseProfile(yaml, QStringLiteral("k.yaml"));
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().toString()));
        QCOMPARE(int(p.value().kind), kind);
        QCOMPARE(p.value().kindAssumed, assumed);
        QCOMPARE(p.value().actionsEnabled, actions);
        // Saved again, the kind is written out: no longer assumed.
        const auto again = parseProfile(serialiseProfile(p.value()), QStringLiteral("k.yaml"));
        QVERIFY(again.ok());
        QCOMPARE(int(again.value().kind), kind);
        QVERIFY(!again.value().kindAssumed);
    }

    void builtInLabKeepsKindLab()
    {
        QTemporaryDir dir;
        const auto p = resolveProfile(QStringLiteral("lab"), dir.path());
        QVERIFY(p.ok());
        QCOMPARE(p.value().kind, Profile::Kind::Lab);
        QVERIFY(!p.value().kindAssumed);
        QVERIFY(p.value().actionsEnabled);
    }

    // A URL with user:password@ is refused wherever it sits in the file, with line and column,
    // and the error never repeats the password.
    void credentialsInUrlsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("position");
        QTest::newRow("patroni, user and password") << QByteArray("kind: staging\npatroni: [\"https://admin:hunter2@10.0.0.1:8008\"]\n")
                                                    << "line 2, column 11";
        QTest::newRow("patroni {name, url}") << QByteArray("patroni:\n  - {name: pg1, url: \"http://admin:hunter2@h:8008\"}\n")
                                             << "line 2, column 22";
        QTest::newRow("etcd") << QByteArray("patroni: [\"http://a:1\"]\netcd:\n  - http://root:hunter2@e:2379\n") << "line 3, column 5";
        QTest::newRow("haproxy_stats") << QByteArray("patroni: [\"http://a:1\"]\nhaproxy_stats: http://stats:hunter2@h:7000/stats\n")
                                       << "line 2, column 16";
        QTest::newRow("postgres") << QByteArray("patroni: [\"http://a:1\"]\npostgres: [\"postgresql://app:hunter2@db:5432\"]\n")
                                  << "line 2, column 12";
        QTest::newRow("metrics") << QByteArray("patroni: [\"http://a:1\"]\nmetrics:\n  - url: http://m:hunter2@x:9187/metrics\n    name: m\n")
                                 << "line 3, column 10";
        QTest::newRow("user only") << QByteArray("patroni: [\"http://hunter2@a:1\"]\n") << "line 1, column 11";
    }
    void credentialsInUrlsAreRefused()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, position);
        const auto p = parseProfile(yaml, QStringLiteral("cred.yaml"));
        QVERIFY(!p.ok());
        const QString text = p.error().toString();
        QVERIFY2(text.startsWith(QStringLiteral("cred.yaml: ") + position), qPrintable(text));
        QVERIFY2(text.contains(u"credentials never go into a URL"), qPrintable(text));
        QVERIFY2(!text.contains(u"hunter2"), qPrintable(text));
        QVERIFY2(text.contains(u"keychain"), qPrintable(text));
    }

    void urlCredentialsProblemNamesTheUrlWithoutThem()
    {
        QVERIFY(urlCredentialsProblem(QUrl(QStringLiteral("https://10.0.0.1:8008"))).isEmpty());
        const QString why = urlCredentialsProblem(QUrl(QStringLiteral("https://admin:secret@10.0.0.1:8008")));
        QVERIFY(why.contains(u"https://10.0.0.1:8008"));
        QVERIFY(why.contains(u"user name and password"));
        QVERIFY(!why.contains(u"secret@") && !why.contains(u"admin"));
    }

    void labProfileWithRestSecurity()
    {
        LabConfig config;
        config.labDir = QStringLiteral("/tmp/some-lab");
        config.restTls = true;
        config.restAuth = true;
        const Profile p = labProfile(config);
        QCOMPARE(p.patroni[0].url.toString(), QStringLiteral("https://127.0.0.1:8008"));
        QCOMPARE(p.patroniRest.caFile, QStringLiteral("/tmp/some-lab/tls/ca.crt"));
        QCOMPARE(p.patroniRest.username, QStringLiteral("pgha"));
        QVERIFY(p.actionsEnabled);
        QCOMPARE(p.etcd[0].url.scheme(), QStringLiteral("http"));   // only the REST API changes
    }

    void builtInLabFollowsLabState()
    {
        QTemporaryDir dir;
        const auto p = resolveProfile(QStringLiteral("lab"), dir.path());
        QVERIFY(p.ok());
        QVERIFY(p.value().isBuiltInLab());
        QCOMPARE(p.value().patroni[0].url.toString(), QStringLiteral("http://127.0.0.1:8008"));
        QCOMPARE(p.value().readWrite.port, 5000);
        const auto missing = resolveProfile(QStringLiteral("no-such-profile-xyz"), dir.path());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(u"no-such-profile-xyz"));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
