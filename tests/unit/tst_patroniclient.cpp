// The Patroni REST client: the requests it builds (paths, verbs, bodies) and how it reads an
// answer into a typed Result with an ErrorKind — pure, no network. Two cases go over loopback
// to a QTcpServer in this process, to see the same request reach the wire and a 503 come back.
#include "fixture.h"
#include "patroni/patroniclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>

Q_DECLARE_METATYPE(pgha::svc::HttpResult)

using namespace pgha::svc;

namespace {

constexpr int kWaitMs = 5000;

const QUrl kBase(QStringLiteral("https://127.0.0.1:8008"));

HttpResult answered(int status, const QByteArray &body = {})
{
    HttpResult r;
    r.url = QUrl(QStringLiteral("https://127.0.0.1:8008/cluster"));
    r.status = status;
    r.body = body;
    return r;
}

HttpResult failed(HttpResult::Failure failure, const QString &error)
{
    HttpResult r;
    r.url = QUrl(QStringLiteral("https://127.0.0.1:8008/cluster"));
    r.error = error;
    r.failure = failure;
    return r;
}

QJsonObject bodyOf(const PatroniRequest &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

class TestPatroniClient : public QObject {
    Q_OBJECT

private slots:
    void pathsAreSpelledOnce_data()
    {
        QTest::addColumn<int>("endpoint");
        QTest::addColumn<QString>("path");
        QTest::newRow("cluster") << int(PatroniEndpoint::Cluster) << "/cluster";
        QTest::newRow("config") << int(PatroniEndpoint::Config) << "/config";
        QTest::newRow("patroni") << int(PatroniEndpoint::Patroni) << "/patroni";
        QTest::newRow("history") << int(PatroniEndpoint::History) << "/history";
        QTest::newRow("primary") << int(PatroniEndpoint::Primary) << "/primary";
        QTest::newRow("replica") << int(PatroniEndpoint::Replica) << "/replica";
        QTest::newRow("health") << int(PatroniEndpoint::Health) << "/health";
        QTest::newRow("switchover") << int(PatroniEndpoint::Switchover) << "/switchover";
        QTest::newRow("failover") << int(PatroniEndpoint::Failover) << "/failover";
        QTest::newRow("restart") << int(PatroniEndpoint::Restart) << "/restart";
        QTest::newRow("reinitialize") << int(PatroniEndpoint::Reinitialize) << "/reinitialize";
        QTest::newRow("reload") << int(PatroniEndpoint::Reload) << "/reload";
    }

    void pathsAreSpelledOnce()
    {
        QFETCH(int, endpoint);
        QFETCH(QString, path);
        QCOMPARE(patroniPath(PatroniEndpoint(endpoint)), path);
        QCOMPARE(patronirest::read(kBase, PatroniEndpoint(endpoint)).url.toString(), QStringLiteral("https://127.0.0.1:8008") + path);
    }

    void urlDropsCredentialsAndQuery()
    {
        const QUrl u = patroniUrl(QUrl(QStringLiteral("https://admin:s3cret@10.0.0.5:8009/patroni?x=1")), PatroniEndpoint::Cluster);
        QCOMPARE(u.toString(), QStringLiteral("https://10.0.0.5:8009/cluster"));
    }

    void readsAreGetsWithoutBody()
    {
        const auto r = patronirest::read(kBase, PatroniEndpoint::History);
        QCOMPARE(r.verb, QByteArray("GET"));
        QVERIFY(r.body.isEmpty());
        const auto check = patronirest::roleCheck(kBase, PatroniEndpoint::Primary);
        QCOMPARE(check.verb, QByteArray("OPTIONS"));
        QCOMPARE(check.url.path(), QStringLiteral("/primary"));
        QVERIFY(check.body.isEmpty());
    }

    void writes()
    {
        auto s = patronirest::switchover(kBase, QStringLiteral("pg1"), QString(), QString());
        QCOMPARE(s.verb, QByteArray("POST"));
        QCOMPARE(s.url.path(), QStringLiteral("/switchover"));
        QCOMPARE(s.body, QByteArray(R"({"leader":"pg1"})"));
        s = patronirest::switchover(kBase, QStringLiteral("pg1"), QStringLiteral("pg2"), QStringLiteral("2026-01-01T10:00:00+01:00"));
        QCOMPARE(bodyOf(s), (QJsonObject{{QStringLiteral("leader"), QStringLiteral("pg1")},
                                         {QStringLiteral("candidate"), QStringLiteral("pg2")},
                                         {QStringLiteral("scheduled_at"), QStringLiteral("2026-01-01T10:00:00+01:00")}}));

        const auto cancel = patronirest::cancelSwitchover(kBase);
        QCOMPARE(cancel.verb, QByteArray("DELETE"));
        QCOMPARE(cancel.url.path(), QStringLiteral("/switchover"));
        QVERIFY(cancel.body.isEmpty());

        const auto f = patronirest::failover(kBase, QStringLiteral("pg3"));
        QCOMPARE(f.verb, QByteArray("POST"));
        QCOMPARE(f.url.path(), QStringLiteral("/failover"));
        QCOMPARE(f.body, QByteArray(R"({"candidate":"pg3"})"));

        auto restart = patronirest::restart(kBase, {});
        QCOMPARE(restart.verb, QByteArray("POST"));
        QCOMPARE(restart.url.path(), QStringLiteral("/restart"));
        QCOMPARE(restart.body, QByteArray("{}"));
        restart = patronirest::restart(kBase, {QStringLiteral("2026-01-01T10:00:00Z"), true});
        QCOMPARE(bodyOf(restart), (QJsonObject{{QStringLiteral("schedule"), QStringLiteral("2026-01-01T10:00:00Z")},
                                               {QStringLiteral("restart_pending"), true}}));
        const auto cancelRestart = patronirest::cancelRestart(kBase);
        QCOMPARE(cancelRestart.verb, QByteArray("DELETE"));
        QCOMPARE(cancelRestart.url.path(), QStringLiteral("/restart"));

        QCOMPARE(patronirest::reinitialize(kBase, false).body, QByteArray("{}"));
        const auto reinit = patronirest::reinitialize(kBase, true);
        QCOMPARE(reinit.verb, QByteArray("POST"));
        QCOMPARE(reinit.url.path(), QStringLiteral("/reinitialize"));
        QCOMPARE(reinit.body, QByteArray(R"({"force":true})"));

        const auto reload = patronirest::reload(kBase);
        QCOMPARE(reload.verb, QByteArray("POST"));
        QCOMPARE(reload.url.path(), QStringLiteral("/reload"));
        QVERIFY(reload.body.isEmpty());

        const auto patch = patronirest::patchConfig(kBase, {{QStringLiteral("synchronous_mode"), true}});
        QCOMPARE(patch.verb, QByteArray("PATCH"));
        QCOMPARE(patch.url.path(), QStringLiteral("/config"));
        QCOMPARE(patch.body, QByteArray(R"({"synchronous_mode":true})"));
    }

    void errorKinds_data()
    {
        QTest::addColumn<HttpResult>("result");
        QTest::addColumn<int>("kind");
        QTest::newRow("200") << answered(200) << int(ErrorKind::Other);
        QTest::newRow("401") << answered(401) << int(ErrorKind::Auth);
        QTest::newRow("403") << answered(403) << int(ErrorKind::Auth);
        QTest::newRow("404") << answered(404) << int(ErrorKind::Rejected);
        QTest::newRow("412") << answered(412, "not leader") << int(ErrorKind::Rejected);
        QTest::newRow("503") << answered(503, "switchover status unknown") << int(ErrorKind::Rejected);
        QTest::newRow("refused") << failed(HttpResult::Failure::Refused, QStringLiteral("Connection refused")) << int(ErrorKind::Refused);
        QTest::newRow("timeout") << failed(HttpResult::Failure::Timeout, QStringLiteral("no answer")) << int(ErrorKind::Timeout);
        QTest::newRow("tls") << failed(HttpResult::Failure::Tls, QStringLiteral("TLS: untrusted")) << int(ErrorKind::Tls);
        QTest::newRow("host not found") << failed(HttpResult::Failure::Unreachable, QStringLiteral("Host not found")) << int(ErrorKind::Unreachable);
        QTest::newRow("closed early") << failed(HttpResult::Failure::Other, QStringLiteral("closed before answering")) << int(ErrorKind::Other);
        QTest::newRow("too large") << failed(HttpResult::Failure::TooLarge, QStringLiteral("larger than 16 MiB")) << int(ErrorKind::Parse);
        QTest::newRow("setup") << failed(HttpResult::Failure::Setup, QStringLiteral("cannot read the CA file")) << int(ErrorKind::Tls);
    }

    void errorKinds()
    {
        QFETCH(HttpResult, result);
        QFETCH(int, kind);
        QCOMPARE(int(httpErrorKind(result)), kind);
        if (result.isSuccess())
            return;
        const Error e = patronirest::failure(result, QStringLiteral("pg2's REST API"));
        QCOMPARE(int(e.kind), kind);
        QCOMPARE(e.message, explainHttpFailure(result, QStringLiteral("pg2's REST API")));
        QVERIFY2(e.message.contains(u"pg2's REST API"), qPrintable(e.message));
        if (result.failure == HttpResult::Failure::Unreachable)   // says where the fix goes
            QVERIFY2(e.message.contains(u"does not resolve") && e.message.contains(u"profile"), qPrintable(e.message));
    }

    void readsTypedValues()
    {
        HttpResult r = answered(200, readFixture(QStringLiteral("patroni/cluster-normal.json")));
        const auto cluster = patronirest::readCluster(r, QStringLiteral("pg1's REST API"));
        QVERIFY2(cluster.ok(), qPrintable(cluster.ok() ? QString() : cluster.error().toString()));
        QCOMPARE(cluster.value().members.size(), 3);
        QCOMPARE(cluster.value().sourceUrl, r.url.toString());
        QVERIFY(cluster.value().fetchedAtMs > 0);

        QVERIFY(patronirest::readConfig(answered(200, readFixture(QStringLiteral("patroni/config.json"))), {}).ok());
        QVERIFY(patronirest::readHistory(answered(200, readFixture(QStringLiteral("patroni/history.json"))), {}).ok());
        const auto status = patronirest::readStatus(answered(200, readFixture(QStringLiteral("patroni/patroni-leader.json"))), {});
        QVERIFY(status.ok());
        QVERIFY(!status.value().state.isEmpty());
    }

    void unreadableAnswerIsParse()
    {
        const auto cluster = patronirest::readCluster(answered(200, "<html>proxy</html>"), QStringLiteral("pg1's REST API"));
        QVERIFY(!cluster.ok());
        QVERIFY(cluster.error().is(ErrorKind::Parse));
        const auto status = patronirest::readStatus(answered(200, "{}"), {});
        QVERIFY(status.error().is(ErrorKind::Parse));
    }

    void answersKeepPatronisText()
    {
        const auto ok = patronirest::readAnswer(answered(200, "Successfully switched over to \"pg2\""), {});
        QVERIFY(ok.ok());
        QCOMPARE(ok.value().status, 200);
        QCOMPARE(ok.value().body, QByteArray("Successfully switched over to \"pg2\""));

        const auto unknown = patronirest::readAnswer(answered(503, "switchover status unknown"), QStringLiteral("pg1's REST API"));
        QVERIFY(unknown.error().is(ErrorKind::Rejected));
        QVERIFY2(unknown.error().message.contains(u"switchover status unknown"), qPrintable(unknown.error().message));
        QVERIFY(patronirest::readAnswer(answered(401), {}).error().is(ErrorKind::Auth));
    }

    void roleCheckTakesAnyStatus()
    {
        const auto replica = patronirest::readRoleCheck(answered(503), {});
        QVERIFY(replica.ok());
        QCOMPARE(replica.value(), 503);
        QVERIFY(patronirest::readRoleCheck(failed(HttpResult::Failure::Refused, QStringLiteral("refused")), {})
                        .error().is(ErrorKind::Refused));
    }

    void whoNamesTheMember()
    {
        QCOMPARE(patronirest::who(MemberApi{QStringLiteral("pg2"), kBase}), QStringLiteral("pg2's REST API"));
        QCOMPARE(patronirest::who(MemberApi{QString(), QUrl(QStringLiteral("http://u:p@10.0.0.5:8008"))}),
                 QStringLiteral("the REST API at 10.0.0.5:8008"));
    }

    // A member the lab or the profile does not know: NotFound, never inside the call, and not at
    // all once the context is gone.
    void unknownMemberIsNotFound()
    {
        HttpClient http;
        const PatroniClient client(&http);
        std::optional<PatroniReply<ClusterSnapshot>> got;
        QObject context;
        client.cluster(MemberApi{QStringLiteral("pg9"), QUrl()}, 1000, &context,
                       [&](const PatroniReply<ClusterSnapshot> &reply) { got = reply; });
        QVERIFY(!got);
        QVERIFY(QTest::qWaitFor([&] { return got.has_value(); }, kWaitMs));
        QVERIFY(got->result.error().is(ErrorKind::NotFound));
        QVERIFY2(got->result.error().message.contains(u"pg9"), qPrintable(got->result.error().message));

        bool called = false;
        auto gone = std::make_unique<QObject>();
        client.config(MemberApi{QStringLiteral("pg9"), QUrl()}, 1000, gone.get(),
                      [&](const PatroniReply<PatroniDynamicConfig> &) { called = true; });
        gone.reset();
        QTest::qWait(50);
        QVERIFY(!called);
    }

    // Over loopback: the request the builder made is the one on the wire, and Patroni's 503 comes
    // back as Rejected with its text and status kept.
    void sendsWhatItBuilt()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        auto received = std::make_shared<QByteArray>();
        connect(&server, &QTcpServer::newConnection, this, [&server, received] {
            QTcpSocket *s = server.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s, received] {
                received->append(s->readAll());
                const qsizetype headerEnd = received->indexOf("\r\n\r\n");
                if (headerEnd < 0 || !received->endsWith("}"))
                    return;
                s->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n"
                         "Connection: close\r\n\r\nswitchover status unknown");
                s->disconnectFromHost();
            });
        });
        HttpClient http;
        const PatroniClient client(&http);
        QUrl base;
        base.setScheme(QStringLiteral("http"));
        base.setHost(QStringLiteral("127.0.0.1"));
        base.setPort(server.serverPort());
        std::optional<PatroniReply<PatroniAnswer>> got;
        client.switchover(MemberApi{QStringLiteral("pg1"), base}, QStringLiteral("pg1"), QStringLiteral("pg2"), QString(),
                          kWaitMs, this, [&](const PatroniReply<PatroniAnswer> &reply) { got = reply; });
        QVERIFY(QTest::qWaitFor([&] { return got.has_value(); }, kWaitMs));
        QVERIFY2(received->startsWith("POST /switchover HTTP/1.1\r\n"), received->constData());
        QVERIFY(received->endsWith(R"({"candidate":"pg2","leader":"pg1"})"));
        QVERIFY(!got->ok());
        QVERIFY(got->result.error().is(ErrorKind::Rejected));
        QCOMPARE(got->http.status, 503);
        QCOMPARE(got->http.body, QByteArray("switchover status unknown"));
    }

    void refusedIsRefused()
    {
        quint16 port = 0;
        {
            QTcpServer probe;   // a port nothing listens on once it closes
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        HttpClient http;
        const PatroniClient client(&http);
        QUrl base;
        base.setScheme(QStringLiteral("http"));
        base.setHost(QStringLiteral("127.0.0.1"));
        base.setPort(port);
        std::optional<PatroniReply<PatroniNodeStatus>> got;
        client.member(MemberApi{QStringLiteral("pg1"), base}, kWaitMs, this,
                      [&](const PatroniReply<PatroniNodeStatus> &reply) { got = reply; });
        QVERIFY(QTest::qWaitFor([&] { return got.has_value(); }, kWaitMs));
        QVERIFY2(got->result.error().is(ErrorKind::Refused), qPrintable(got->result.error().toString()));
        QCOMPARE(got->http.url.path(), QStringLiteral("/patroni"));
    }
};

QTEST_GUILESS_MAIN(TestPatroniClient)
#include "tst_patroniclient.moc"
