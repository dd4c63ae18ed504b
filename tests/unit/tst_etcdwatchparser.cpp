// etcd's v3 watch stream and lease time-to-live, on answers recorded from etcd 3.4.23's JSON
// gateway (tests/fixtures/README.md, "etcd/watch/"), hostile variants built from them, and the
// lease clock on the whole-second answers etcd gives.
#include "etcd/etcdleaseclock.h"
#include "etcd/etcdtypes.h"
#include "fixture.h"

#include <QJsonDocument>
#include <QTest>

using namespace pgha::svc;

namespace {
QList<QByteArray> lines(const QString &fixture)
{
    QList<QByteArray> out;
    for (const QByteArray &l : readFixture(fixture).split('\n'))
        if (!l.trimmed().isEmpty())
            out.append(l);
    return out;
}
} // namespace

class TestEtcdWatchParser : public QObject {
    Q_OBJECT
private slots:
    void createdPutDelete()
    {
        const auto stream = lines(QStringLiteral("etcd/watch/stream-put-delete.jsonl"));
        QCOMPARE(stream.size(), 5);
        auto created = parseEtcdWatchMessage(stream[0]);
        QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
        QVERIFY(created.value().created);
        QVERIFY(created.value().events.isEmpty());
        QCOMPARE(created.value().revision, 2);
        QCOMPARE(created.value().memberId, QStringLiteral("3319814642761637952"));

        auto leader = parseEtcdWatchMessage(stream[2]);
        QVERIFY(leader);
        QCOMPARE(leader.value().events.size(), 1);
        const EtcdWatchEvent &put = leader.value().events.first();
        QCOMPARE(put.type, EtcdWatchEvent::Type::Put);
        QCOMPARE(put.kv.key, QStringLiteral("/service/demo/leader"));
        QCOMPARE(put.kv.value, QByteArray("pg1"));
        QCOMPARE(put.kv.modRevision, 3);
        QCOMPARE(put.kv.lease, QStringLiteral("2324035838707356166"));
        QVERIFY(!put.previous);

        auto deleted = parseEtcdWatchMessage(stream[4]);
        QVERIFY(deleted);
        const EtcdWatchEvent &del = deleted.value().events.first();
        QCOMPARE(del.type, EtcdWatchEvent::Type::Delete);
        QCOMPARE(del.kv.key, QStringLiteral("/service/demo/leader"));
        QCOMPARE(del.kv.modRevision, 5);
        QVERIFY(del.kv.value.isEmpty());
        QVERIFY(del.previous);
        QCOMPARE(del.previous->value, QByteArray("pg1"));
        QCOMPARE(del.previous->lease, QStringLiteral("2324035838707356166"));

        // The keys the stream leaves, through the same scope builder as a range read.
        QMap<QString, EtcdKeyValue> keys;
        for (const auto &l : stream) {
            const auto message = parseEtcdWatchMessage(l);   // kept: the loop reads into it
            for (const auto &e : message.value().events) {
                if (e.type == EtcdWatchEvent::Type::Delete)
                    keys.remove(e.kv.key);
                else
                    keys.insert(e.kv.key, e.kv);
            }
        }
        const auto scopes = patroniScopesFromKeys(keys.values(), QStringLiteral("/service/"));
        QCOMPARE(scopes.size(), 1);
        QCOMPARE(scopes[0].scope, QStringLiteral("demo"));
        QVERIFY(scopes[0].leader.isEmpty());
        QCOMPARE(scopes[0].members.value(QStringLiteral("pg1")).value(u"role").toString(), QStringLiteral("primary"));
        QCOMPARE(scopes[0].config.value(u"ttl").toInt(), 10);
    }

    // Patroni 3.0.2's own writes through a switchover pg2 → pg1 on the native lab: the leader key
    // deleted, then taken by pg1; the failover key written, then emptied (not deleted).
    void patroniSwitchover()
    {
        QMap<QString, EtcdKeyValue> keys;
        QStringList leaders;      // the scope's leader after each message that changed it
        QStringList failover;     // the failover key's member/leader after each change
        qint64 lastRevision = 0;
        int events = 0;
        for (const auto &l : lines(QStringLiteral("etcd/watch/patroni-switchover.jsonl"))) {
            const auto m = parseEtcdWatchMessage(l);
            QVERIFY2(m, qPrintable(m ? QString() : m.error().toString()));
            for (const auto &e : m.value().events) {
                QVERIFY(e.kv.modRevision > lastRevision);   // in revision order, none twice
                lastRevision = e.kv.modRevision;
                ++events;
                if (e.type == EtcdWatchEvent::Type::Delete)
                    keys.remove(e.kv.key);
                else
                    keys.insert(e.kv.key, e.kv);
            }
            const auto scopes = patroniScopesFromKeys(keys.values(), QStringLiteral("/service/"));
            if (scopes.isEmpty())
                continue;
            const QString leader = scopes[0].leader.isEmpty() ? QStringLiteral("-") : scopes[0].leader;
            if (leaders.isEmpty() || leaders.last() != leader)
                leaders.append(leader);
            const QString f = scopes[0].failover.value(u"leader").toString(QStringLiteral("-"));
            if (failover.isEmpty() || failover.last() != f)
                failover.append(f);
        }
        QCOMPARE(events, 53);
        // The watch began after the leader key was written: "-" until the stream mentions it.
        QCOMPARE(leaders, (QStringList{QStringLiteral("-"), QStringLiteral("pg1")}));
        QCOMPARE(failover, (QStringList{QStringLiteral("-"), QStringLiteral("pg2"), QStringLiteral("-")}));
        const auto scopes = patroniScopesFromKeys(keys.values(), QStringLiteral("/service/"));
        QCOMPARE(scopes[0].scope, QStringLiteral("pgha-lab"));
        QCOMPARE(scopes[0].members.size(), 3);
        QVERIFY(!scopes[0].leaderLease.isEmpty());
        QVERIFY(scopes[0].history.contains("no recovery target specified"));
    }

    void leaseExpiryDeletesTheKey()
    {
        const auto stream = lines(QStringLiteral("etcd/watch/stream-lease-expiry.jsonl"));
        auto m = parseEtcdWatchMessage(stream.last());
        QVERIFY(m);
        QCOMPARE(m.value().events.first().type, EtcdWatchEvent::Type::Delete);
        QCOMPARE(m.value().events.first().previous->value, QByteArray("pg2"));
    }

    void compactedRevision()
    {
        const auto stream = lines(QStringLiteral("etcd/watch/stream-compacted.jsonl"));
        auto m = parseEtcdWatchMessage(stream.last());
        QVERIFY(m);
        QVERIFY(m.value().canceled);
        QCOMPARE(m.value().compactRevision, 5);
    }

    void refusedRequest()
    {
        auto m = parseEtcdWatchMessage(readFixture(QStringLiteral("etcd/watch/error-bad-request.json")));
        QVERIFY(!m);
        QCOMPARE(m.error().kind, pgha::svc::ErrorKind::Rejected);
        QVERIFY2(m.error().message.contains(u"invalid character"), qPrintable(m.error().message));
    }

    void hostile_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not json") << QByteArray("{\"result\":");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("result not object") << QByteArray("{\"result\":7}");
        QTest::newRow("events not array") << QByteArray(R"({"result":{"header":{"revision":"3"},"events":{}}})");
        QTest::newRow("event not object") << QByteArray(R"({"result":{"header":{"revision":"3"},"events":[1]}})");
        QTest::newRow("unknown type") << QByteArray(R"({"result":{"header":{"revision":"3"},"events":[{"type":"MOVE","kv":{"key":"YQ=="}}]}})");
        QTest::newRow("key not base64") << QByteArray(R"({"result":{"header":{"revision":"3"},"events":[{"kv":{"key":"***"}}]}})");
        QTest::newRow("no key") << QByteArray(R"({"result":{"header":{"revision":"3"},"events":[{"kv":{}}]}})");
        QTest::newRow("revision text") << QByteArray(R"({"result":{"header":{"revision":"three"}}})");
        QTest::newRow("negative revision") << QByteArray(R"({"result":{"header":{"revision":"-4"}}})");
        QTest::newRow("mod_revision text") << QByteArray(R"({"result":{"header":{"revision":"3"},"events":[{"kv":{"key":"YQ==","mod_revision":"x"}}]}})");
        QTest::newRow("no result") << QByteArray(R"({"header":{"revision":"3"}})");
    }
    void hostile()
    {
        QFETCH(QByteArray, line);
        auto m = parseEtcdWatchMessage(line);
        QVERIFY(!m);
        QVERIFY(!m.error().message.isEmpty());
    }

    void leaseTimeToLive()
    {
        auto live = parseEtcdLeaseTimeToLive(R"({"header":{"revision":"6"},"ID":"2324035838707356166","TTL":"4","grantedTTL":"10"})");
        QVERIFY(live);
        QCOMPARE(live.value().ttlS, 4);
        QCOMPARE(live.value().grantedS, 10);
        // Under a second left: proto3 omits the zero TTL.
        auto last = parseEtcdLeaseTimeToLive(R"({"header":{"revision":"7"},"ID":"2324035838707356174","grantedTTL":"2"})");
        QVERIFY(last);
        QCOMPARE(last.value().ttlS, 0);
        auto gone = parseEtcdLeaseTimeToLive(R"({"header":{"revision":"6"},"ID":"12345","TTL":"-1"})");
        QVERIFY(gone);
        QCOMPARE(gone.value().ttlS, -1);
        QVERIFY(!parseEtcdLeaseTimeToLive(R"({"header":{},"ID":"1","TTL":"-7"})"));
        QVERIFY(!parseEtcdLeaseTimeToLive(R"({"header":{},"ID":"1","TTL":"soon"})"));
        QVERIFY(!parseEtcdLeaseTimeToLive(R"({"error":"etcdserver: requested lease not found","code":5})"));
    }

    void requests()
    {
        const QJsonObject watch = QJsonDocument::fromJson(etcdWatchRequest(QStringLiteral("/service/"), 812)).object();
        const QJsonObject create = watch.value(u"create_request").toObject();
        QCOMPARE(QByteArray::fromBase64(create.value(u"key").toString().toLatin1()), QByteArray("/service/"));
        QCOMPARE(QByteArray::fromBase64(create.value(u"range_end").toString().toLatin1()), QByteArray("/service0"));
        QCOMPARE(create.value(u"start_revision").toString(), QStringLiteral("812"));
        QVERIFY(create.value(u"prev_kv").toBool());
        QVERIFY(!QJsonDocument::fromJson(etcdWatchRequest(QStringLiteral("/service/"), 0)).object()
                         .value(u"create_request").toObject().contains(u"start_revision"));
    }

    // etcd truncates: TTL n at t means the expiry lies in [t + n, t + n + 1) s.
    void leaseClockNarrowsAndCountsDown()
    {
        EtcdLeaseClock clock;
        clock.follow(QStringLiteral("7"));
        const qint64 expiry = 100'000 + 6'300;   // the truth the answers are made from
        auto answer = [&](qint64 at) { return EtcdLeaseTtl{QStringLiteral("7"), (expiry - at) / 1000, 10}; };
        for (qint64 at = 100'000; at < 104'000; at += 250)
            clock.observe(at, answer(at));
        QVERIFY(clock.known());
        QVERIFY(!clock.expired());
        QVERIFY2(qAbs(clock.expiresAtMs() - expiry) <= clock.uncertaintyMs(), qPrintable(QString::number(clock.expiresAtMs())));
        QVERIFY2(clock.uncertaintyMs() <= 125, qPrintable(QString::number(clock.uncertaintyMs())));
        QCOMPARE(clock.remainingMs(clock.expiresAtMs() + 5), 0);
        clock.observe(106'400, {QStringLiteral("7"), -1, 0});
        QVERIFY(clock.expired());
        QCOMPARE(clock.expiredSeenAtMs(), 106'400);
        QCOMPARE(clock.remainingMs(106'500), 0);
    }

    void leaseClockSeesRenewals()
    {
        EtcdLeaseClock clock;
        clock.follow(QStringLiteral("9"));
        clock.observe(0, {QStringLiteral("9"), 9, 10});
        clock.observe(1'000, {QStringLiteral("9"), 8, 10});
        QCOMPARE(clock.renewedAtMs(), 0);
        clock.observe(2'000, {QStringLiteral("9"), 9, 10});   // renewed: the expiry moved by 2 s
        QCOMPARE(clock.renewedAtMs(), 2'000);
        QVERIFY(clock.expiresAtMs() >= 11'000);
        // Another lease's answers are not this one's.
        clock.observe(3'000, {QStringLiteral("10"), -1, 10});
        QVERIFY(!clock.expired());
        clock.follow(QStringLiteral("10"));
        QVERIFY(!clock.known());
    }
};

QTEST_GUILESS_MAIN(TestEtcdWatchParser)
#include "tst_etcdwatchparser.moc"
