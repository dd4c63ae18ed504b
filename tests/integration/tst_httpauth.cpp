// Where a Basic password goes (hardening item 9): only on the requests whose API asks for it,
// never over plain http to another host on a production profile, and only to the origins it
// was stored for. The real Patroni's side (GETs and OPTIONS need no credentials, an unsafe call
// without them is 401) is in tst_restsecurity; what a request carries can only be seen by the
// server, so the server here is the test's own, recording every request head. It listens on
// 127.0.0.1 and, for the plain-http rules, on this machine's first non-loopback address.
#include "http/httpclient.h"
#include "profile/profile.h"

#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>

using namespace pgha::svc;

namespace {
constexpr int kTimeoutMs = 3000;

// Answers every request with 200 "{}" and keeps each request's head.
class RecordingServer : public QObject {
    Q_OBJECT
public:
    explicit RecordingServer(const QHostAddress &address)
    {
        m_server.listen(address, 0);
        connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                ++connections;
                auto head = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::readyRead, s, [this, s, head] {
                    *head += s->readAll();
                    while (head->contains("\r\n\r\n")) {
                        const qsizetype end = head->indexOf("\r\n\r\n") + 4;
                        heads.append(head->left(end));
                        head->remove(0, end);
                        s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
                    }
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool listening() const { return m_server.isListening(); }
    QUrl url(const QString &path) const
    {
        QUrl u;
        u.setScheme(QStringLiteral("http"));
        u.setHost(m_server.serverAddress().toString());
        u.setPort(m_server.serverPort());
        u.setPath(path);
        return u;
    }
    bool lastHadAuthorization() const { return !heads.isEmpty() && heads.last().toLower().contains("\r\nauthorization: basic "); }

    QList<QByteArray> heads;
    int connections = 0;

private:
    QTcpServer m_server;
};

HttpResult call(HttpClient &http, const QByteArray &verb, const QUrl &url)
{
    std::optional<HttpResult> out;
    http.send(verb, url, verb == "PATCH" ? QByteArray("{\"pause\":true}") : QByteArray(), kTimeoutMs, &http,
              [&](const HttpResult &r) { out = r; });
    (void)QTest::qWaitFor([&] { return out.has_value(); }, kTimeoutMs * 2);
    return out.value_or(HttpResult{});
}

std::optional<QHostAddress> nonLoopbackAddress()
{
    for (const QHostAddress &a : QNetworkInterface::allAddresses())
        if (!a.isLoopback() && a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLinkLocal())
            return a;
    return std::nullopt;
}
} // namespace

class TestHttpAuth : public QObject {
    Q_OBJECT
private slots:
    void patroniCredentialsOnlyOnUnsafeMethods()
    {
        RecordingServer server(QHostAddress::LocalHost);
        QVERIFY(server.listening());
        HttpClient http;
        HttpSecurity s;
        s.username = QStringLiteral("ops");
        s.password = QStringLiteral("pw-not-for-reads");
        s.credentialsOnReads = false;   // what a profile gives Patroni unless auth_on_reads
        http.setSecurity(server.url({}), s);
        for (const QByteArray verb : {"GET", "HEAD", "OPTIONS"}) {
            QVERIFY(call(http, verb, server.url(QStringLiteral("/cluster"))).transportOk());
            QVERIFY2(!server.lastHadAuthorization(), server.heads.last().constData());
        }
        for (const QByteArray verb : {"POST", "PATCH", "DELETE", "PUT"}) {
            QVERIFY(call(http, verb, server.url(QStringLiteral("/config"))).transportOk());
            QVERIFY2(server.lastHadAuthorization(), verb.constData());
        }
        // auth_on_reads: a proxy in front that wants credentials everywhere.
        s.credentialsOnReads = true;
        http.setSecurity(server.url({}), s);
        QVERIFY(call(http, "GET", server.url(QStringLiteral("/cluster"))).transportOk());
        QVERIFY(server.lastHadAuthorization());
    }

    void profileRulesPerApi()
    {
        const auto p = parseProfile("kind: staging\n"
                                    "patroni: [\"http://10.0.0.1:8008\", \"http://10.0.0.2:8008\"]\n"
                                    "etcd: [\"http://10.0.0.1:2379\"]\n"
                                    "etcd_auth: {username: root}\n"
                                    "patroni_rest: {username: ops}\n",
                                    QStringLiteral("/tmp/s.yaml"));
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().toString()));
        ProfilePasswords pw;
        pw.patroniRest.insert(originKey(QUrl(QStringLiteral("http://10.0.0.1:8008"))), QStringLiteral("a"));
        pw.etcd.insert(originKey(QUrl(QStringLiteral("http://10.0.0.1:2379"))), QStringLiteral("e"));
        const auto security = httpSecurityForProfile(p.value(), pw);
        QCOMPARE(security.size(), 3);
        QCOMPARE(security[0].security.password, QStringLiteral("a"));
        QVERIFY(!security[0].security.credentialsOnReads);                // Patroni: unsafe methods only
        QCOMPARE(security[1].security.password, QString());               // no password stored for this origin
        QVERIFY(security[2].security.credentialsOnReads);                 // etcd's gateway protects reads
        QVERIFY(!security[0].security.refusePlainHttpCredentials);        // staging: warned, not refused
        // Both plain-http Patroni origins and the etcd one are named in the warnings.
        const QStringList warnings = plainHttpCredentialWarnings(p.value());
        QCOMPARE(warnings.size(), 3);
        QVERIFY2(warnings[0].contains(u"http://10.0.0.1:8008") && warnings[0].contains(u"over plain http"), qPrintable(warnings[0]));

        auto prod = p.value();
        prod.kind = Profile::Kind::Production;
        QVERIFY(httpSecurityForProfile(prod, pw)[0].security.refusePlainHttpCredentials);
        QVERIFY(plainHttpCredentialWarnings(prod)[0].contains(u"is not sent"));
        // Loopback (an SSH tunnel, a local lab) crosses no network: no warning.
        auto local = p.value();
        local.patroni = {{QStringLiteral("t"), QUrl(QStringLiteral("http://127.0.0.1:8008"))}};
        local.etcd.clear();
        QVERIFY(plainHttpCredentialWarnings(local).isEmpty());
    }

    void productionRefusesPlainHttpToAnotherHost()
    {
        const auto address = nonLoopbackAddress();
        if (!address)
            QSKIP("this machine has no non-loopback IPv4 address to stand for another host");
        RecordingServer server(*address);
        QVERIFY(server.listening());
        HttpClient http;
        HttpSecurity s;
        s.username = QStringLiteral("ops");
        s.password = QStringLiteral("never-on-the-wire");
        s.credentialsOnReads = false;
        s.refusePlainHttpCredentials = true;
        http.setSecurity(server.url({}), s);

        // A read needs no password: it goes out, without one.
        QVERIFY(call(http, "GET", server.url(QStringLiteral("/cluster"))).isSuccess());
        QVERIFY(!server.lastHadAuthorization());
        const qsizetype headsBefore = server.heads.size();
        // An unsafe call would carry it: refused before anything is sent, saying why and what to do.
        const HttpResult r = call(http, "PATCH", server.url(QStringLiteral("/config")));
        QVERIFY(!r.transportOk());
        QCOMPARE(r.failure, HttpResult::Failure::Setup);
        QVERIFY2(r.error.contains(u"refused to send the password of \"ops\"") && r.error.contains(u"https"), qPrintable(r.error));
        QVERIFY(!r.error.contains(u"never-on-the-wire"));
        QTest::qWait(200);
        QCOMPARE(server.heads.size(), headsBefore);

        // Not production: sent, with a warning in the log once.
        s.refusePlainHttpCredentials = false;
        http.setSecurity(server.url({}), s);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("over plain http")));
        QVERIFY(call(http, "PATCH", server.url(QStringLiteral("/config"))).isSuccess());
        QVERIFY(server.lastHadAuthorization());
        QVERIFY(call(http, "PATCH", server.url(QStringLiteral("/config"))).isSuccess());   // no second warning
    }
};

QTEST_GUILESS_MAIN(TestHttpAuth)
#include "tst_httpauth.moc"
