// PostgreSQL TLS from the profile (hardening item 10): sslmode and root CA are settings, a
// production profile defaults to verify-full, and PGSSLMODE is honoured where the profile says
// nothing (the console used to force sslmode=prefer over it). A real PostgreSQL with ssl=on on
// 127.0.0.1:7432 (run as "postgres" when the test runs as root), a CA and a server certificate
// made by the real openssl, and the app's own PgQuery.
#include "lab/labbinaries.h"
#include "pg/pgquery.h"
#include "profile/profile.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <optional>
#include <unistd.h>

using namespace pgha::svc;

namespace {
constexpr int kPort = 7432;
constexpr int kQueryTimeoutMs = 5000;

// A test may wait for a helper program; the app never does.
bool run(const QString &program, const QStringList &args, const QString &dir, QString *output = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    else if (!ok)
        qWarning().noquote() << program << args.join(u' ') << "failed:" << p.readAll();
    return ok;
}

PgResult query(const PgEndpoint &endpoint, const QString &sql)
{
    PgQuery q(endpoint, sql, kQueryTimeoutMs);
    std::optional<PgResult> out;
    QObject::connect(&q, &PgQuery::finished, &q, [&](const PgResult &r) { out = r; });
    q.start();
    if (!QTest::qWaitFor([&] { return out.has_value(); }, kQueryTimeoutMs * 2)) {
        PgResult none;
        none.error = QStringLiteral("no answer at all within %1 ms").arg(kQueryTimeoutMs * 2);
        return none;
    }
    return *out;
}
} // namespace

class TestPgTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qunsetenv("PGSSLMODE");
        qunsetenv("PGSSLROOTCERT");
        m_bin = discoverPgBinDir(qEnvironmentVariable("PATH").split(u':'));
        if (m_bin.isEmpty())
            QSKIP("no PostgreSQL server programs here (Debian: postgresql-15)");
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                            | QFileDevice::ReadOther | QFileDevice::ExeOther));
        const QString d = m_dir.path();
        m_home = d + QStringLiteral("/home");   // libpq looks for ~/.postgresql/root.crt: an empty HOME has none
        QVERIFY(QDir().mkpath(m_home));
        qputenv("HOME", m_home.toLocal8Bit());
        // A CA, a server certificate for localhost and 127.0.0.1, and a CA that issued nothing here.
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!openssl.isEmpty(), "openssl is missing (Debian: openssl)");
        const QStringList ec{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                             QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
        QVERIFY(run(openssl, QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec
                                     + QStringList{QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                                                   QStringLiteral("ca.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                                                   QStringLiteral("-subj"), QStringLiteral("/CN=pgha test CA")}, d));
        QVERIFY(run(openssl, QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec
                                     + QStringList{QStringLiteral("-keyout"), QStringLiteral("other.key"), QStringLiteral("-out"),
                                                   QStringLiteral("other.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                                                   QStringLiteral("-subj"), QStringLiteral("/CN=another CA")}, d));
        QVERIFY(run(openssl, QStringList{QStringLiteral("req")} + ec
                                     + QStringList{QStringLiteral("-keyout"), QStringLiteral("server.key"), QStringLiteral("-out"),
                                                   QStringLiteral("server.csr"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost")}, d));
        QFile ext(d + QStringLiteral("/san.ext"));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        ext.close();
        QVERIFY(run(openssl, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                              QStringLiteral("-CA"), QStringLiteral("ca.crt"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                              QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                              QStringLiteral("san.ext"), QStringLiteral("-out"), QStringLiteral("server.crt")}, d));

        // PostgreSQL refuses to run as root: its files and process belong to "postgres" then.
        const bool root = geteuid() == 0;
        const QString data = d + QStringLiteral("/data");
        QVERIFY(QDir().mkpath(data));
        auto as = [root, d](const QString &program, const QStringList &args) {
            if (!root)
                return run(program, args, d);
            return run(QStringLiteral("setpriv"), QStringList{QStringLiteral("--reuid=postgres"), QStringLiteral("--regid=postgres"),
                                                              QStringLiteral("--init-groups"), QStringLiteral("--")}
                                                          + QStringList{program} + args, d);
        };
        if (root)
            QVERIFY(run(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("postgres:postgres"), data,
                                                 d + QStringLiteral("/server.key"), d + QStringLiteral("/server.crt")}, d));
        QVERIFY(QFile::setPermissions(d + QStringLiteral("/server.key"), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(as(m_bin + QStringLiteral("/initdb"), {QStringLiteral("-D"), data, QStringLiteral("-U"), QStringLiteral("postgres"),
                                                       QStringLiteral("--auth=trust")}));
        QFile conf(data + QStringLiteral("/postgresql.auto.conf"));
        QVERIFY(conf.open(QIODevice::Append));
        conf.write(QStringLiteral("port = %1\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%2'\nssl = on\n"
                                  "ssl_cert_file = '%3/server.crt'\nssl_key_file = '%3/server.key'\n")
                           .arg(kPort).arg(data, d).toUtf8());   // the socket in the data directory: "postgres" owns it
        conf.close();
        QString log;
        m_started = as(m_bin + QStringLiteral("/pg_ctl"), {QStringLiteral("-D"), data, QStringLiteral("-l"), data + QStringLiteral("/pg.log"),
                                                           QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")});
        m_data = data;
        m_as = as;
        if (!m_started) {
            QFile l(data + QStringLiteral("/pg.log"));
            l.open(QIODevice::ReadOnly);
            QFAIL(qPrintable(QStringLiteral("PostgreSQL did not start on port %1 (taken?): %2").arg(kPort).arg(QString::fromUtf8(l.readAll()))));
        }
    }

    void cleanupTestCase()
    {
        if (m_started)
            m_as(m_bin + QStringLiteral("/pg_ctl"), {QStringLiteral("-D"), m_data, QStringLiteral("-m"), QStringLiteral("immediate"),
                                                     QStringLiteral("-w"), QStringLiteral("stop")});
    }

    void verifyFullWithTheRootCa_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("host name") << QStringLiteral("localhost");
        QTest::newRow("address") << QStringLiteral("127.0.0.1");
    }
    void verifyFullWithTheRootCa()
    {
        QFETCH(QString, host);
        PgEndpoint e = endpoint(host);
        e.tls = {QStringLiteral("verify-full"), m_dir.filePath(QStringLiteral("ca.crt"))};
        const PgResult r = query(e, kSslSql);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rows.value(0).value(0), QStringLiteral("t"));
    }

    void aWrongCaIsRefusedAndExplained()
    {
        PgEndpoint e = endpoint(QStringLiteral("localhost"));
        e.tls = {QStringLiteral("verify-full"), m_dir.filePath(QStringLiteral("other.crt"))};
        const PgResult r = query(e, kSslSql);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"certificate verify failed"), qPrintable(r.error));
        QCOMPARE(r.kind, ErrorKind::Tls);
        QVERIFY2(r.error.contains(u"postgres_tls") && r.error.contains(u"root_ca"), qPrintable(r.error));
    }

    // A production profile that says nothing: verify-full, and without a root CA that fails here
    // (no ~/.postgresql/root.crt) with a message that says where to put one.
    void productionDefaultsToVerifyFull()
    {
        const auto p = parseProfile("kind: production\npatroni: [\"https://127.0.0.1:8008\"]\n"
                                    "read_write: {host: localhost, port: 7432}\n", QStringLiteral("prod.yaml"));
        QVERIFY(p);
        const PgResult r = query(p.value().readWrite, kSslSql);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(u"root certificate file") && r.error.contains(u"sslmode=verify-full"), qPrintable(r.error));

        const auto withCa = parseProfile(QStringLiteral("kind: production\npatroni: [\"https://127.0.0.1:8008\"]\n"
                                                        "read_write: {host: localhost, port: 7432}\npostgres_tls: {root_ca: %1}\n")
                                                 .arg(m_dir.filePath(QStringLiteral("ca.crt"))).toUtf8(),
                                         QStringLiteral("prod-ca.yaml"));
        QVERIFY(withCa);
        const PgResult ok = query(withCa.value().readWrite, kSslSql);
        QVERIFY2(ok.ok, qPrintable(ok.error));
        QCOMPARE(ok.rows.value(0).value(0), QStringLiteral("t"));
    }

    // Where the profile says nothing, PGSSLMODE decides (the old code forced prefer: TLS here);
    // where it says something, the profile wins.
    void pgsslmodeIsHonouredUnlessTheProfileSays()
    {
        qputenv("PGSSLMODE", "disable");
        const auto staging = parseProfile("kind: staging\npatroni: [\"http://127.0.0.1:8008\"]\n"
                                          "read_write: {host: 127.0.0.1, port: 7432}\n", QStringLiteral("s.yaml"));
        QVERIFY(staging);
        const PgResult plain = query(staging.value().readWrite, kSslSql);
        QVERIFY2(plain.ok, qPrintable(plain.error));
        QCOMPARE(plain.rows.value(0).value(0), QStringLiteral("f"));

        PgEndpoint e = endpoint(QStringLiteral("127.0.0.1"));
        e.tls = {QStringLiteral("require"), {}};
        const PgResult tls = query(e, kSslSql);
        qunsetenv("PGSSLMODE");
        QVERIFY2(tls.ok, qPrintable(tls.error));
        QCOMPARE(tls.rows.value(0).value(0), QStringLiteral("t"));
    }

private:
    static inline const QString kSslSql = QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");

    PgEndpoint endpoint(const QString &host) const
    {
        PgEndpoint e;
        e.host = host;
        e.port = kPort;
        e.applicationName = QStringLiteral("tst_pgtls");
        return e;
    }

    QTemporaryDir m_dir;
    QString m_home;
    QString m_bin;
    QString m_data;
    bool m_started = false;
    std::function<bool(const QString &, const QStringList &)> m_as;
};

QTEST_GUILESS_MAIN(TestPgTls)
#include "tst_pgtls.moc"
