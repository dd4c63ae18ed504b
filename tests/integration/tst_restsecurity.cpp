// A native lab whose Patroni REST API speaks https with the lab's own CA and asks for Basic
// auth (--rest-tls --rest-auth), started by the same code as the app: the console's client
// trusts only that CA, explains a wrong CA and a wrong password, HAProxy's TLS health checks
// route writes, and `pgha status` finds the leader. Ports offset by 500, a directory of its own.
#include "labtestutil.h"

#include "actions/actiontarget.h"
#include "http/httpclient.h"
#include "lab/labfiles.h"
#include "lab/labprofile.h"
#include "lab/labstate.h"
#include "lab/labtls.h"
#include "pg/pgquery.h"
#include "profile/profile.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace pgha::svc;

class TestRestSecurity : public QObject {
    Q_OBJECT

    static constexpr int kOffset = 500;
    static constexpr int kStartTimeoutMs = NativeLab::kStartTimeoutMs + 30000;
    static constexpr int kRequestTimeoutMs = 5000;
    QString m_dir = QStringLiteral(PGHA_TEST_LAB_DIR "-tls");
    HttpClient m_labHttp;
    LabState m_state;
    bool m_started = false;

    LabConfig config() const
    {
        LabConfig c;
        c.labDir = m_dir;
        c.ports = LabPorts().withOffset(kOffset);
        c.restTls = true;
        c.restAuth = true;
        return c;
    }

    QUrl rest(int index, const QString &path) const
    {
        QUrl url(QStringLiteral("https://127.0.0.1:%1").arg(config().ports.rest[index]));
        url.setPath(path);
        return url;
    }

    static HttpResult call(HttpClient &http, const QByteArray &verb, const QUrl &url)
    {
        auto out = std::make_shared<std::optional<HttpResult>>();   // outlives a late answer
        http.send(verb, url, {}, kRequestTimeoutMs, &http, [out](const HttpResult &r) { *out = r; });
        if (!QTest::qWaitFor([&] { return out->has_value(); }, kRequestTimeoutMs * 2)) {
            HttpResult r;
            r.error = QStringLiteral("test timed out");
            return r;
        }
        return **out;
    }

    HttpSecurity labSecurity() const { return labRestSecurity(m_state.config, m_state.secrets); }

private slots:
    void initTestCase()
    {
        QDir(m_dir).removeRecursively();
        NativeLab lab(config(), &m_labHttp);
        QSignalSpy started(&lab, &NativeLab::startFinished);
        lab.start({NativeLab::StaleAction::Wipe, true});
        const LabOutcome outcome = labtest::waitFor(started, kStartTimeoutMs);
        QVERIFY2(outcome.ok, qPrintable(outcome.error.toString()));
        m_started = true;
        auto state = LabState::load(m_dir);
        QVERIFY(state.ok());
        m_state = state.value();
        m_state.config.labDir = m_dir;
        QVERIFY(m_state.config.restTls && m_state.config.restAuth);
        QCOMPARE(m_state.secrets.restApi.size(), 24);
        // The CA key is owner-only. Started as root, the server key stays root's and only the
        // group of the account that runs Patroni reads it (it can neither change nor replace
        // it); otherwise it is owner-only too.
        const auto othersOrWrite = QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther;
        QCOMPARE(QFile::permissions(labTlsCaKeyFile(m_dir)) & (QFile::ReadGroup | othersOrWrite), QFileDevice::Permissions());
        QCOMPARE(QFile::permissions(labTlsKeyFile(m_dir)) & othersOrWrite, QFileDevice::Permissions());
        if (proc::runningAsRoot()) {
            proc::Account account;
            QVERIFY(proc::lookupAccount(m_state.config.runAsUser, &account));
            QCOMPARE(QFileInfo(labTlsKeyFile(m_dir)).ownerId(), 0u);
            QCOMPARE(QFileInfo(labTlsKeyFile(m_dir)).groupId(), account.gid);
        }
    }

    void cleanupTestCase()
    {
        // Whatever happened above, leave no process behind.
        NativeLab lab(config(), &m_labHttp);
        QSignalSpy stopped(&lab, &NativeLab::stopFinished);
        lab.stop();
        labtest::waitFor(stopped, 90000);
        QTRY_VERIFY_WITH_TIMEOUT(labtest::processesMentioning(m_dir).isEmpty(), 15000);
        QDir(m_dir).removeRecursively();
    }

    void clusterOverHttpsWithTheLabCa()
    {
        HttpClient http;
        HttpSecurity tlsOnly = labSecurity();
        tlsOnly.username.clear();
        tlsOnly.password.clear();
        for (int i = 0; i < kLabMembers; ++i)
            http.setSecurity(rest(i, {}), tlsOnly);
        const HttpResult r = call(http, "GET", rest(0, QStringLiteral("/cluster")));
        QVERIFY2(r.isSuccess(), qPrintable(r.error));
        QVERIFY(r.elapsedMs < kRequestTimeoutMs / 2);   // the answer ends when it is complete, not at the timeout
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(u"members").toArray().size(), kLabMembers);
        // OPTIONS (HAProxy's check) needs no credentials either: auth guards unsafe methods only.
        const HttpResult check = call(http, "OPTIONS", rest(1, QStringLiteral("/health")));
        QVERIFY2(check.transportOk(), qPrintable(check.error));
        QVERIFY(check.status == 200 || check.status == 503);
    }

    void aWrongCaIsExplained()
    {
        QTemporaryDir other;
        QProcess openssl;
        openssl.setWorkingDirectory(other.path());
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), QStringLiteral("other.key"), QStringLiteral("-out"), QStringLiteral("other.crt"),
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=not the lab CA")});
        QVERIFY(openssl.waitForFinished(30000));   // a test may wait; the app never does
        QCOMPARE(openssl.exitCode(), 0);
        const QString wrongCa = other.filePath(QStringLiteral("other.crt"));

        HttpClient http;
        HttpSecurity s = labSecurity();
        s.caFile = wrongCa;
        http.setSecurity(rest(1, {}), s);
        const HttpResult r = call(http, "GET", rest(1, QStringLiteral("/cluster")));
        QVERIFY(!r.transportOk());
        QCOMPARE(r.failure, HttpResult::Failure::Tls);
        QVERIFY2(r.error.contains(QStringLiteral("TLS: certificate of 127.0.0.1:%1 is not trusted by CA file %2")
                                          .arg(config().ports.rest[1]).arg(wrongCa)), qPrintable(r.error));
        const QString explained = explainHttpFailure(r, QStringLiteral("pg2's REST API"));
        QVERIFY2(explained.startsWith(u"pg2's REST API: TLS"), qPrintable(explained));

        // A CA file that is not there: named, with what to do, and no request is sent.
        s.caFile = other.filePath(QStringLiteral("missing.crt"));
        http.setSecurity(rest(1, {}), s);
        const HttpResult missing = call(http, "GET", rest(1, QStringLiteral("/cluster")));
        QCOMPARE(missing.failure, HttpResult::Failure::Setup);
        QVERIFY2(missing.error.contains(QStringLiteral("cannot read the CA file ") + s.caFile), qPrintable(missing.error));

        // Without any CA, the system's trust store does not know the lab's CA either.
        HttpClient plain;
        const HttpResult system = call(plain, "GET", rest(1, QStringLiteral("/cluster")));
        QCOMPARE(system.failure, HttpResult::Failure::Tls);
        QVERIFY2(system.error.contains(u"not trusted"), qPrintable(system.error));
    }

    void aWrongPasswordIs401AndExplained()
    {
        HttpClient http;
        HttpSecurity s = labSecurity();
        s.password = QStringLiteral("certainly-wrong");
        for (int i = 0; i < kLabMembers; ++i)
            http.setSecurity(rest(i, {}), s);
        const HttpResult r = call(http, "POST", rest(1, QStringLiteral("/reload")));
        QVERIFY2(r.transportOk(), qPrintable(r.error));
        QCOMPARE(r.status, 401);
        const QString explained = explainHttpFailure(r, QStringLiteral("pg2's REST API"));
        QVERIFY2(explained.startsWith(u"401 from pg2's REST API — check the Patroni REST credentials"), qPrintable(explained));
        QCOMPARE(httpErrorKind(r), ErrorKind::Auth);

        // No credentials at all: the same 401.
        HttpClient anonymous;
        HttpSecurity tlsOnly = labSecurity();
        tlsOnly.username.clear();
        tlsOnly.password.clear();
        anonymous.setSecurity(rest(1, {}), tlsOnly);
        QCOMPARE(call(anonymous, "POST", rest(1, QStringLiteral("/reload"))).status, 401);
    }

    void theRightPasswordReloads()
    {
        HttpClient http;
        for (const auto &o : labHttpSecurity(m_dir))
            http.setSecurity(o.origin, o.security);
        const HttpResult r = call(http, "POST", rest(2, QStringLiteral("/reload")));
        QVERIFY2(r.transportOk(), qPrintable(r.error));
        QVERIFY2(r.status == 200 || r.status == 202, qPrintable(QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body))));
    }

    void haproxyRoutesWritesWithTlsChecks()
    {
        PgEndpoint rw{QStringLiteral("127.0.0.1"), config().ports.haproxyReadWrite, QStringLiteral("postgres"),
                      QStringLiteral("postgres"), m_state.secrets.superuser, QStringLiteral("tst_restsecurity"), PgTls::forLab()};
        auto *q = new PgQuery(rw, QStringLiteral("CREATE TABLE IF NOT EXISTS tls_check (id serial PRIMARY KEY); "
                                                 "INSERT INTO tls_check DEFAULT VALUES; SELECT pg_is_in_recovery()"),
                              kRequestTimeoutMs, this);
        QSignalSpy done(q, &PgQuery::finished);
        q->start();
        QVERIFY(done.wait(kRequestTimeoutMs * 2));
        const auto r = done.takeFirst().at(0).value<PgResult>();
        q->deleteLater();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rows.value(0).value(0), QStringLiteral("f"));
        const QString haproxyCfg = LabLayout(m_dir).configDir(QStringLiteral("haproxy")) + QStringLiteral("/haproxy.cfg");
        QFile cfg(haproxyCfg);
        QVERIFY(cfg.open(QIODevice::ReadOnly));
        QVERIFY(cfg.readAll().contains("check-ssl verify required ca-file " + labTlsCaFile(m_dir).toUtf8()));
    }

    void cliStatusFindsTheLeader()
    {
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGHA_LAB_DIR"), m_dir);
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(PGHA_CLI), {QStringLiteral("status"), QStringLiteral("--json")});
        QVERIFY(cli.waitForFinished(60000));
        const QByteArray out = cli.readAllStandardOutput();
        QCOMPARE(cli.exitCode(), 0);
        const QJsonObject root = QJsonDocument::fromJson(out).object();
        QVERIFY2(!root.value(u"leader").toString().isEmpty(), out.left(2000).constData());
        QVERIFY(root.value(u"reportedBy").toString().startsWith(u"https://"));
        QVERIFY(!out.contains(m_state.secrets.restApi.toUtf8()));
    }

    // An operator action over https with Basic auth, end to end through the CLI: the switchover
    // happens, and its journal entry says how to repeat it (curl with the CA and the user, who
    // is then asked for the password) without the password.
    void switchoverOverTlsWithAuth()
    {
        QTemporaryDir tmp;
        const QString journal = tmp.filePath(QStringLiteral("journal.jsonl"));
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGHA_LAB_DIR"), m_dir);
        cli.setProcessEnvironment(env);
        cli.setStandardInputFile(QProcess::nullDevice());
        cli.start(QStringLiteral(PGHA_CLI), {QStringLiteral("switchover"), QStringLiteral("--yes"), QStringLiteral("--json"),
                                             QStringLiteral("--journal"), journal});
        QVERIFY(cli.waitForFinished(120000));
        const QByteArray out = cli.readAllStandardOutput();
        QVERIFY2(cli.exitCode() == 0, (out + cli.readAllStandardError()).left(3000).constData());
        const QJsonObject entry = QJsonDocument::fromJson(out).object();
        QCOMPARE(entry.value(u"outcome").toObject().value(u"result").toString(), QStringLiteral("succeeded"));
        const QString curl = entry.value(u"requests").toArray().at(0).toObject().value(u"curl").toString();
        QVERIFY2(curl.contains(u"-u pgha") && curl.contains(u"--cacert ") && curl.contains(u"https://"), qPrintable(curl));
        QFile f(journal);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(m_state.secrets.restApi.toUtf8()));
    }

    // The same action with a wrong password: explained, not reported as a cluster failure.
    void actionWithAWrongPasswordIsExplained()
    {
        HttpClient http;
        HttpSecurity s = labSecurity();
        s.password = QStringLiteral("certainly-wrong");
        for (int i = 0; i < kLabMembers; ++i)
            http.setSecurity(rest(i, {}), s);
        ActionTarget target = actionTargetFor(resolveProfile(QStringLiteral("lab"), m_dir).value(), false);
        ActionRunner runner(&http, target);
        QSignalSpy prepared(&runner, &ActionRunner::prepared);
        QSignalSpy finished(&runner, &ActionRunner::finished);
        ActionRequest reload;
        reload.kind = ActionKind::Reload;
        reload.members = {QStringLiteral("pg2")};
        runner.prepare(reload);
        QVERIFY(prepared.wait(10000));
        runner.execute();
        QVERIFY(finished.wait(20000));
        QCOMPARE(runner.outcome().result, ActionOutcome::Result::Failed);
        QVERIFY2(runner.outcome().summary.startsWith(u"401 from pg2's REST API — check the Patroni REST credentials"),
                 qPrintable(runner.outcome().summary));
    }

    void noSecretLeaks()
    {
        const QByteArray secret = m_state.secrets.restApi.toUtf8();
        // The profile the app would save for this lab holds no password.
        const QByteArray yaml = serialiseProfile(labProfile(m_state.config));
        QVERIFY(yaml.contains("patroni_rest"));
        QVERIFY(yaml.contains("username: pgha"));
        QVERIFY(!yaml.contains(secret));
        QVERIFY(!yaml.contains("password"));
        // Nor do the lab's logs, the TLS directory or HAProxy's configuration.
        for (const QString &dir : {m_dir + QStringLiteral("/logs"), labTlsDir(m_dir), m_dir + QStringLiteral("/haproxy")}) {
            QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                QVERIFY2(!f.readAll().contains(secret), qPrintable(f.fileName()));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestRestSecurity)
#include "tst_restsecurity.moc"
