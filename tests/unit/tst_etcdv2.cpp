// Patroni's keys in etcd's v2 keyspace (Patroni's `etcd:` DCS), on payloads recorded from
// tests/othercluster's `direct` shape (tests/fixtures/othercluster/README.md): the v2 parser
// into the same scopes as v3, hostile variants built from the recorded answer, and the poller's
// choice of keyspace against a loopback etcd that serves the recorded answers.
#include "etcd/etcdpoller.h"
#include "etcd/etcdtypes.h"
#include "fixture.h"
#include "http/httpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>

using namespace pgha::svc;

namespace {

constexpr int kWaitMs = 5000;
const QString kNamespace = QStringLiteral("/pgha-test/");

// A recorded answer, or a path no one answers for: every request is counted by path.
struct Answer {
    int status = 200;
    QByteArray body;
};

// An etcd client endpoint on loopback, one request a connection (it answers Connection: close).
class FakeEtcd : public QObject {
public:
    FakeEtcd()
    {
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("FakeEtcd: cannot listen on loopback");
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                serve(s);
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    void answer(const QString &path, Answer a) { m_answers.insert(path, std::move(a)); }
    int asked(const QString &path) const { return m_asked.value(path); }
    QStringList targets() const { return m_targets; }

private:
    void serve(QTcpSocket *s)
    {
        auto received = std::make_shared<QByteArray>();
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        connect(s, &QTcpSocket::readyRead, s, [this, s, received] {
            received->append(s->readAll());
            const qsizetype headerEnd = received->indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            qsizetype length = 0;
            for (const QByteArray &line : received->left(headerEnd).split('\n'))
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
            if (received->size() < headerEnd + 4 + length)
                return;
            const QString target = QString::fromLatin1(received->left(received->indexOf('\n')).split(' ').value(1));
            const QString path = target.left(target.indexOf(QLatin1Char('?')) < 0 ? target.size() : target.indexOf(QLatin1Char('?')));
            m_targets.append(target);
            ++m_asked[path];
            const Answer a = m_answers.value(path, Answer{404, QByteArray("404 page not found\n")});
            s->write(QByteArray("HTTP/1.1 ") + QByteArray::number(a.status) + " X\r\nContent-Length: "
                     + QByteArray::number(a.body.size()) + "\r\nConnection: close\r\n\r\n" + a.body);
            s->disconnectFromHost();
        });
    }

    QTcpServer m_server;
    QMap<QString, Answer> m_answers;
    QMap<QString, int> m_asked;
    QStringList m_targets;
};

QByteArray fixture(const QString &name) { return readFixture(name); }

QJsonObject recordedV2()
{
    return QJsonDocument::fromJson(fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json"))).object();
}

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

// The recorded answer with the first key node of scope staging-ha changed by `edit`.
QByteArray withFirstKey(const std::function<void(QJsonObject &)> &edit)
{
    QJsonObject root = recordedV2();
    QJsonObject ns = root.value(u"node").toObject();
    QJsonArray scopes = ns.value(u"nodes").toArray();
    QJsonObject scope = scopes.at(0).toObject();
    QJsonArray keys = scope.value(u"nodes").toArray();
    QJsonObject first = keys.at(0).toObject();
    edit(first);
    keys.replace(0, first);
    scope.insert(QStringLiteral("nodes"), keys);
    scopes.replace(0, scope);
    ns.insert(QStringLiteral("nodes"), scopes);
    root.insert(QStringLiteral("node"), ns);
    return compact(root);
}

} // namespace

class TestEtcdV2 : public QObject {
    Q_OBJECT

    // Rounds of `poller`, one at a time, each to its snapshot.
    static QList<EtcdSnapshot> rounds(EtcdPoller &poller, int count, const std::function<void(int)> &before = {})
    {
        QList<EtcdSnapshot> out;
        QObject listening;   // the connection ends with this call, before `out` does
        QObject::connect(&poller, &EtcdPoller::snapshotReady, &listening, [&out](const EtcdSnapshot &s) { out.append(s); });
        for (int i = 1; i <= count; ++i) {
            if (before)
                before(i);
            poller.pollOnce();
            if (!QTest::qWaitFor([&] { return out.size() == i; }, kWaitMs))
                break;
        }
        return out;
    }

    static void serveEtcd(FakeEtcd &etcd, const QByteArray &v3Range)
    {
        etcd.answer(QStringLiteral("/v3/maintenance/status"), {200, fixture(QStringLiteral("etcd/status-2379.json"))});
        etcd.answer(QStringLiteral("/v3/cluster/member/list"), {200, fixture(QStringLiteral("etcd/member-list.json"))});
        etcd.answer(QStringLiteral("/v3/kv/range"), {200, v3Range});
    }

private slots:
    // --- the parser on recorded answers ---------------------------------------------------
    void scopeRecorded()
    {
        const auto kvs = parseEtcdV2Keys(fixture(QStringLiteral("othercluster/etcd-v2-keys.json")));
        QVERIFY2(kvs.ok(), qPrintable(kvs.ok() ? QString() : kvs.error().toString()));
        QCOMPARE(kvs.value().size(), 7);   // leader, status, 3 members, initialize, config: dirs are no keys
        const auto scopes = patroniScopesFromKeys(kvs.value(), kNamespace);
        QCOMPARE(scopes.size(), 1);
        const PatroniDcsScope &s = scopes.front();
        QCOMPARE(s.scope, QStringLiteral("staging-ha"));
        QCOMPARE(s.leader, QStringLiteral("bravo"));
        QCOMPARE(s.leaderTtlS, std::optional<qint64>(23));
        QVERIFY(s.leaderLease.isEmpty());
        QCOMPARE(s.members.keys(), (QStringList{QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")}));
        // Patroni 3.0.2 writes "master" into the member key although /cluster says "leader".
        QCOMPARE(s.members.value(QStringLiteral("bravo")).value(u"role").toString(), QStringLiteral("master"));
        QCOMPARE(s.members.value(QStringLiteral("alpha")).value(u"api_url").toString(), QStringLiteral("http://127.0.0.11:8008/patroni"));
        QCOMPARE(s.members.value(QStringLiteral("charlie")).value(u"xlog_location").toInteger(), 67108960);
        // No timings in the DCS in this shape: the config is what bootstrap.dcs held.
        QVERIFY(s.config.value(u"postgresql").toObject().value(u"use_pg_rewind").toBool());
        QVERIFY(!s.config.contains(u"ttl"));
        QVERIFY(s.hasInitialize);
        QCOMPARE(s.initialize, QStringLiteral("7715138610750295526"));
        QCOMPARE(s.status.value(u"optime").toInteger(), 67108960);
        QVERIFY(s.history.isEmpty());
        QVERIFY(s.failover.isEmpty());
        QVERIFY(s.sync.isEmpty());
    }

    // The request the poller makes: the namespace, recursively, one level above the scope.
    void namespaceRecorded()
    {
        QCOMPARE(etcdV2KeysPath(kNamespace), QStringLiteral("/v2/keys/pgha-test/"));
        QCOMPARE(etcdV2KeysPath(QStringLiteral("service/")), QStringLiteral("/v2/keys/service/"));
        const auto kvs = parseEtcdV2Keys(fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json")));
        QVERIFY(kvs.ok());
        const auto scopes = patroniScopesFromKeys(kvs.value(), kNamespace);
        QCOMPARE(scopes.size(), 1);
        QCOMPARE(scopes.front().leader, QStringLiteral("charlie"));
        QCOMPARE(scopes.front().leaderTtlS, std::optional<qint64>(22));
        QCOMPARE(scopes.front().members.size(), 3);
        QCOMPARE(scopes.front().members.value(QStringLiteral("charlie")).value(u"role").toString(), QStringLiteral("master"));
        // Every v2 key with an expiry carries its ttl; the ones without (config, initialize) none.
        for (const auto &kv : kvs.value())
            QCOMPARE(kv.ttlS.has_value(), kv.key.endsWith(u"/leader") || kv.key.contains(u"/members/"));
    }

    // Two clusters behind one etcd: the recorded scope and a copy of it under another name.
    void twoScopesInOneNamespace()
    {
        QJsonObject root = recordedV2();
        QJsonObject ns = root.value(u"node").toObject();
        QJsonArray scopes = ns.value(u"nodes").toArray();
        const QByteArray copy = compact(scopes.at(0).toObject()).replace("/pgha-test/staging-ha", "/pgha-test/billing");
        scopes.prepend(QJsonDocument::fromJson(copy).object());
        ns.insert(QStringLiteral("nodes"), scopes);
        root.insert(QStringLiteral("node"), ns);
        const auto kvs = parseEtcdV2Keys(compact(root));
        QVERIFY(kvs.ok());
        const auto found = patroniScopesFromKeys(kvs.value(), kNamespace);
        QCOMPARE(found.size(), 2);
        EtcdSnapshot snap;
        snap.scopes = found;
        QCOMPARE(snap.watchedScope(QString())->scope, QStringLiteral("billing"));   // none named: the first
        QCOMPARE(snap.watchedScope(QStringLiteral("staging-ha"))->scope, QStringLiteral("staging-ha"));
        QVERIFY(!snap.watchedScope(QStringLiteral("other")));
        for (const auto &s : found)
            QCOMPARE(s.leader, QStringLiteral("charlie"));
    }

    // The same cluster through v3: a bare header, no keys, no error — and v3 scopes have no TTL.
    void v3RangeOfAV2Cluster()
    {
        const auto empty = parseEtcdRange(fixture(QStringLiteral("othercluster/etcd-v3-range-direct.json")));
        QVERIFY(empty.ok());
        QVERIFY(empty.value().isEmpty());
        QVERIFY(patroniScopesFromKeys(empty.value(), kNamespace).isEmpty());
        const auto v3 = parseEtcdRange(fixture(QStringLiteral("othercluster/etcd-v3-range.json")));
        QVERIFY(v3.ok());
        const auto scopes = patroniScopesFromKeys(v3.value(), kNamespace);
        QCOMPARE(scopes.size(), 1);
        QVERIFY(!scopes.front().leader.isEmpty());
        QVERIFY(!scopes.front().leaderLease.isEmpty());
        QVERIFY(!scopes.front().leaderTtlS.has_value());
    }

    void etcdV2Errors()
    {
        const auto missing = parseEtcdV2Keys(fixture(QStringLiteral("othercluster/etcd-v2-not-found.json")));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().is(ErrorKind::NotFound));
        QVERIFY2(missing.error().message.contains(u"Key not found"), qPrintable(missing.error().message));
        const auto other = parseEtcdV2Keys(R"({"errorCode":110,"message":"The request requires user authentication"})");
        QVERIFY(other.error().is(ErrorKind::Rejected));
        QVERIFY(other.error().message.contains(u"110"));
        // v2 switched off: Go's plain-text 404 page is no v2 answer.
        const auto off = parseEtcdV2Keys(fixture(QStringLiteral("othercluster/etcd-v2-disabled.txt")));
        QVERIFY(off.error().is(ErrorKind::Parse));
    }

    // --- hostile input, built from the recorded answer --------------------------------------
    void hostile_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        const QByteArray good = fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json"));
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("truncated") << good.left(good.size() / 2) << "invalid JSON";
        QTest::newRow("not JSON") << QByteArray("<html>502 Bad Gateway</html>") << "invalid JSON";
        QTest::newRow("array") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("too big") << QByteArray(kMaxEtcdPayloadBytes + 1, ' ') << "over the limit";
        QTest::newRow("no node") << QByteArray(R"({"action":"get"})") << "no \"node\"";
        QTest::newRow("node a string") << QByteArray(R"({"action":"get","node":"x"})") << "no \"node\"";
        QJsonObject root = recordedV2();
        QJsonObject ns = root.value(u"node").toObject();
        ns.insert(QStringLiteral("nodes"), QStringLiteral("staging-ha"));
        root.insert(QStringLiteral("node"), ns);
        QTest::newRow("nodes not an array") << compact(root) << "\"nodes\" of /pgha-test is not an array";
        ns.insert(QStringLiteral("nodes"), QJsonArray{7});
        root.insert(QStringLiteral("node"), ns);
        QTest::newRow("entry a number") << compact(root) << "an entry under /pgha-test";
        ns.insert(QStringLiteral("dir"), QStringLiteral("yes"));
        root.insert(QStringLiteral("node"), ns);
        QTest::newRow("dir a string") << compact(root) << "\"dir\"";
        QTest::newRow("value a number") << withFirstKey([](QJsonObject &k) { k.insert(QStringLiteral("value"), 42); })
                                        << "is not a string";
        QTest::newRow("value missing") << withFirstKey([](QJsonObject &k) { k.remove(QStringLiteral("value")); })
                                       << "is not a string";
        QTest::newRow("key a number") << withFirstKey([](QJsonObject &k) { k.insert(QStringLiteral("key"), 1); })
                                      << "\"key\" is not a string";
        QTest::newRow("key missing") << withFirstKey([](QJsonObject &k) { k.remove(QStringLiteral("key")); }) << "no name";
        QTest::newRow("ttl a string") << withFirstKey([](QJsonObject &k) { k.insert(QStringLiteral("ttl"), QStringLiteral("22")); })
                                      << "ttl";
        QTest::newRow("ttl 1e300") << withFirstKey([](QJsonObject &k) { k.insert(QStringLiteral("ttl"), 1e300); }) << "ttl";
        QTest::newRow("index garbage") << withFirstKey([](QJsonObject &k) { k.insert(QStringLiteral("modifiedIndex"), QStringLiteral("x")); })
                                       << "indexes";
        // Directories in directories, far deeper than any Patroni layout, but within Qt's JSON
        // nesting limit: refused by the parser's own bound, not by the stack.
        QByteArray deep = R"({"key":"/x/leader","value":"a"})";
        for (int i = 0; i < 100; ++i)
            deep = R"({"key":"/x","dir":true,"nodes":[)" + deep + "]}";
        QTest::newRow("deep directories") << QByteArray(R"({"action":"get","node":)" + deep + "}") << "nested deeper than";
        // Past Qt's own limit: the JSON reader refuses it.
        QTest::newRow("deep JSON") << (QByteArray(R"({"node":)") + QByteArray(5000, '[') + QByteArray(5000, ']') + "}")
                                   << "invalid JSON";
    }

    void hostile()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        const auto r = parseEtcdV2Keys(json);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
        QVERIFY2(r.error().message.startsWith(u"etcd v2 keys"), qPrintable(r.error().message));
        QVERIFY(r.error().is(ErrorKind::Parse));
        QVERIFY(!r.error().hint.isEmpty());
    }

    // --- the poller's choice of keyspace ---------------------------------------------------
    // v3 empty → v2 in the same round; then v2 only, v3 again every kKeyspaceRecheckRounds
    // rounds; when v3 holds the keys at that recheck, the poller moves to v3 and leaves v2.
    void pollerReadsV2AndRechecksV3()
    {
        FakeEtcd etcd;
        serveEtcd(etcd, fixture(QStringLiteral("othercluster/etcd-v3-range-direct.json")));
        etcd.answer(QStringLiteral("/v2/keys/pgha-test/"), {200, fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json"))});
        HttpClient http;
        EtcdPoller poller(&http);
        poller.setNamespace(kNamespace);
        poller.setEndpoints({{QStringLiteral("e1"), etcd.url()}});
        const int n = EtcdPoller::kKeyspaceRecheckRounds;
        const auto snaps = rounds(poller, n, [&](int round) {
            if (round == n)   // the cluster moved to v3 since
                etcd.answer(QStringLiteral("/v3/kv/range"), {200, fixture(QStringLiteral("othercluster/etcd-v3-range.json"))});
        });
        QCOMPARE(snaps.size(), n);
        QVERIFY(etcd.targets().contains(QStringLiteral("/v2/keys/pgha-test/?recursive=true")));
        for (int i = 0; i < n - 1; ++i) {
            QCOMPARE(snaps[i].keyspace, QStringLiteral("v2"));
            QCOMPARE(snaps[i].keyspaceNote, EtcdPoller::v2KeyspaceNote());
            QVERIFY(snaps[i].keysError.isEmpty());
            QCOMPARE(snaps[i].scopes.size(), 1);
            QCOMPARE(snaps[i].scopes.front().leader, QStringLiteral("charlie"));
            QCOMPARE(snaps[i].scopes.front().leaderTtlS, std::optional<qint64>(22));
        }
        QCOMPARE(snaps.last().keyspace, QStringLiteral("v3"));
        QVERIFY(snaps.last().keyspaceNote.isEmpty());
        QCOMPARE(snaps.last().scopes.size(), 1);
        QVERIFY(!snaps.last().scopes.front().leaderTtlS.has_value());
        QCOMPARE(etcd.asked(QStringLiteral("/v3/kv/range")), 2);           // round 1 and the recheck
        QCOMPARE(etcd.asked(QStringLiteral("/v2/keys/pgha-test/")), n - 1); // not in the recheck round: v3 had them
        QCOMPARE(etcd.asked(QStringLiteral("/v3/maintenance/status")), n);
    }

    // v2 switched off (the recorded 404 page): "no v2", no error; not asked again until the recheck.
    void pollerTakesA404AsNoV2()
    {
        FakeEtcd etcd;
        serveEtcd(etcd, fixture(QStringLiteral("othercluster/etcd-v3-range-direct.json")));
        etcd.answer(QStringLiteral("/v2/keys/pgha-test/"), {404, fixture(QStringLiteral("othercluster/etcd-v2-disabled.txt"))});
        HttpClient http;
        EtcdPoller poller(&http);
        poller.setNamespace(kNamespace);
        poller.setEndpoints({{QStringLiteral("e1"), etcd.url()}});
        const int n = EtcdPoller::kKeyspaceRecheckRounds;
        const auto snaps = rounds(poller, n);
        QCOMPARE(snaps.size(), n);
        for (const auto &s : snaps) {
            QVERIFY(s.keyspace.isEmpty());
            QVERIFY(s.keyspaceNote.isEmpty());
            QVERIFY2(s.keysError.isEmpty(), qPrintable(s.keysError));
            QVERIFY(s.scopes.isEmpty());
        }
        QCOMPARE(etcd.asked(QStringLiteral("/v3/kv/range")), n);
        QCOMPARE(etcd.asked(QStringLiteral("/v2/keys/pgha-test/")), 2);   // round 1 and the recheck
        const auto health = poller.health();
        QCOMPARE(health.size(), 1);
        QVERIFY2(health.front().reachable, qPrintable(health.front().lastError));
    }

    // A v2 read that fails keeps the keyspace (no "found in v2" again next round) and says why
    // the scopes are missing, instead of "none".
    void pollerKeepsV2ThroughAFailedRead()
    {
        FakeEtcd etcd;
        serveEtcd(etcd, fixture(QStringLiteral("othercluster/etcd-v3-range-direct.json")));
        etcd.answer(QStringLiteral("/v2/keys/pgha-test/"), {200, fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json"))});
        HttpClient http;
        EtcdPoller poller(&http);
        poller.setNamespace(kNamespace);
        poller.setEndpoints({{QStringLiteral("e1"), etcd.url()}});
        const auto snaps = rounds(poller, 3, [&](int round) {
            etcd.answer(QStringLiteral("/v2/keys/pgha-test/"),
                        round == 2 ? Answer{500, QByteArray("etcdserver: request timed out")}
                                   : Answer{200, fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json"))});
        });
        QCOMPARE(snaps.size(), 3);
        for (const auto &s : snaps)
            QCOMPARE(s.keyspace, QStringLiteral("v2"));
        QVERIFY(snaps[1].scopes.isEmpty());
        QVERIFY2(snaps[1].keysError.contains(u"HTTP 500"), qPrintable(snaps[1].keysError));
        QCOMPARE(snaps[2].scopes.size(), 1);
        QVERIFY(snaps[2].keysError.isEmpty());
        QCOMPARE(etcd.asked(QStringLiteral("/v3/kv/range")), 1);
    }

    // A v3 cluster: v2 never asked; an unreadable v2 answer is said, not swallowed.
    void pollerOnV3AndOnGarbage()
    {
        FakeEtcd etcd;
        serveEtcd(etcd, fixture(QStringLiteral("othercluster/etcd-v3-range.json")));
        HttpClient http;
        EtcdPoller poller(&http);
        poller.setNamespace(kNamespace);
        poller.setEndpoints({{QStringLiteral("e1"), etcd.url()}});
        const auto snaps = rounds(poller, 2);
        QCOMPARE(snaps.size(), 2);
        QCOMPARE(snaps.last().keyspace, QStringLiteral("v3"));
        QCOMPARE(etcd.asked(QStringLiteral("/v2/keys/pgha-test/")), 0);

        FakeEtcd broken;
        serveEtcd(broken, fixture(QStringLiteral("othercluster/etcd-v3-range-direct.json")));
        broken.answer(QStringLiteral("/v2/keys/pgha-test/"),
                      {200, fixture(QStringLiteral("othercluster/etcd-v2-keys-namespace.json")).left(200)});
        EtcdPoller second(&http);
        second.setNamespace(kNamespace);
        second.setEndpoints({{QStringLiteral("e1"), broken.url()}});
        const auto bad = rounds(second, 1);
        QCOMPARE(bad.size(), 1);
        QVERIFY2(bad.front().keysError.contains(u"invalid JSON"), qPrintable(bad.front().keysError));
        QVERIFY(bad.front().keyspace.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEtcdV2)
#include "tst_etcdv2.moc"
