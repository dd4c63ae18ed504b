// Numbers from other systems that no integer can hold (1e308, -1e308, NaN, 9.3e18): casting
// them is undefined behaviour, so every parser turns them into an error or "unknown" through one
// helper (core/wholenumber.h) — here the helper itself, then each parser that reads such numbers
// on a recorded payload with one number replaced.
#include "actions/configpatch.h"
#include "chaos/chaosreport.h"
#include "core/wholenumber.h"
#include "etcd/etcdtypes.h"
#include "fixture.h"
#include "memberformat.h"
#include "patroni/patroniparser.h"
#include "pg/pgobservation.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <limits>

using namespace pgha::svc;

namespace {
constexpr qint64 kUnset = std::numeric_limits<qint64>::min() + 1;   // a row's "refused" marker
}

class TestRemoteNumbers : public QObject {
    Q_OBJECT

    // The rows every parser below is fed, as the remote system would write the number.
    static void hugeNumbers_data()
    {
        QTest::addColumn<QString>("number");
        for (const char *n : {"1e308", "-1e308", "NaN", "9.3e18"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }

private slots:
    void wholeNumberFromDouble_data()
    {
        QTest::addColumn<double>("in");
        QTest::addColumn<qint64>("expected");   // kUnset: refused
        QTest::newRow("1e308") << 1e308 << kUnset;
        QTest::newRow("-1e308") << -1e308 << kUnset;
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << kUnset;
        QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << kUnset;
        QTest::newRow("9.3e18 (over int64)") << 9.3e18 << kUnset;
        QTest::newRow("2^63 (just over)") << 9223372036854775808.0 << kUnset;
        QTest::newRow("-2^63 (int64 min)") << -9223372036854775808.0 << std::numeric_limits<qint64>::min();
        QTest::newRow("9.2e18") << 9.2e18 << qint64(9200000000000000000LL);
        QTest::newRow("fraction truncated") << 42.9 << qint64(42);
        QTest::newRow("negative fraction") << -0.5 << qint64(0);
    }

    void wholeNumberFromDouble()
    {
        QFETCH(double, in);
        QFETCH(qint64, expected);
        const auto n = wholeNumber<qint64>(in);
        QCOMPARE(n.value_or(kUnset), expected);
    }

    void wholeNumberNarrowTypes()
    {
        QVERIFY(!wholeNumber<int>(3e9));
        QCOMPARE(wholeNumber<int>(-2147483648.0).value_or(0), std::numeric_limits<int>::min());
        QVERIFY(!wholeNumber<int>(2147483648.0));
        QVERIFY(!wholeNumber<quint64>(-1.0));
        QCOMPARE(wholeNumber<quint64>(1.8e19).value_or(0), quint64(18000000000000000000ULL));
        QVERIFY(!wholeNumber<quint64>(1.9e19));
    }

    void wholeNumberFromText_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("1e308") << "1e308" << kUnset;
        QTest::newRow("-1e308") << "-1e308" << kUnset;
        QTest::newRow("NaN") << "NaN" << kUnset;
        QTest::newRow("9.3e18") << "9.3e18" << kUnset;
        QTest::newRow("int64 max, exactly") << "9223372036854775807" << std::numeric_limits<qint64>::max();
        QTest::newRow("int64 max + 1") << "9223372036854775808" << kUnset;
        QTest::newRow("2^53 + 1 stays exact") << "9007199254740993" << qint64(9007199254740993LL);
        QTest::newRow("decimal") << "12.75" << qint64(12);
        QTest::newRow("not a number") << "twelve" << kUnset;
        QTest::newRow("empty") << "" << kUnset;
    }

    void wholeNumberFromText()
    {
        QFETCH(QString, in);
        QFETCH(qint64, expected);
        QCOMPARE(wholeNumber<qint64>(in).value_or(kUnset), expected);
    }

    // A /metrics byte figure or a chart's maximum, as the views show it.
    void measuredBytes_data()
    {
        QTest::addColumn<double>("in");
        QTest::addColumn<QString>("expected");
        QTest::newRow("1e308") << 1e308 << "1e+308 B";
        QTest::newRow("-1e308") << -1e308 << "-1e+308 B";
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "nan B";
        QTest::newRow("9.3e18") << 9.3e18 << "9.3e+18 B";
        QTest::newRow("2 MiB") << 2097152.0 << "2.0 MiB";
        QTest::newRow("512") << 512.0 << "512 B";
    }

    void measuredBytes()
    {
        QFETCH(double, in);
        QFETCH(QString, expected);
        QCOMPARE(pgha::models::measuredBytesText(in), expected);
    }

    // --- each parser, on a recording with one number replaced ------------------------------

    void postgresTimelineAndLagBytes_data() { hugeNumbers_data(); }
    void postgresTimelineAndLagBytes()
    {
        QFETCH(QString, number);
        PgResultSet node = readCsvFixture(QStringLiteral("postgres/leader-set1.csv"));
        PgResultSet rep = readCsvFixture(QStringLiteral("postgres/leader-set2.csv"));
        node.rows[0][node.column(QStringLiteral("timeline"))] = number;
        rep.rows[0][rep.column(QStringLiteral("replay_lag_bytes"))] = number;
        const auto r = parsePgObservation({node, rep, readCsvFixture(QStringLiteral("postgres/leader-set3.csv"))});
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QVERIFY(!r.value().timeline.has_value());                       // unknown, not a wrapped number
        QVERIFY(!r.value().replication.at(0).replayLagBytes.has_value());
        QCOMPARE(r.value().replication.at(1).replayLagBytes.value_or(-1), 0);   // the untouched row
    }

    void etcdStatusNumbers_data() { hugeNumbers_data(); }
    void etcdStatusNumbers()
    {
        QFETCH(QString, number);
        // The gateway writes int64 as strings; a proxy that re-encodes writes JSON numbers.
        QByteArray json = readFixture(QStringLiteral("etcd/status-2379.json"));
        json.replace("\"raftTerm\":\"2\"", "\"raftTerm\":" + number.toLatin1());
        const auto r = parseEtcdStatus(json);
        QVERIFY(!r.ok());   // NaN is no JSON at all; the others are no int64
        QVERIFY(r.error().message.contains(number == u"NaN" ? u"status" : u"raftTerm"));
    }

    void etcdIdOutOfRangeIsNoId()
    {
        QByteArray json = readFixture(QStringLiteral("etcd/status-2379.json"));
        json.replace("\"leader\":\"17554060266526865625\"", "\"leader\":1e308");
        const auto r = parseEtcdStatus(json);
        QVERIFY(r.ok());
        QVERIFY(r.value().leaderId.isEmpty());   // not "9223372036854775808" or another wrap
    }

    void patroniClusterNumbers_data() { hugeNumbers_data(); }
    void patroniClusterNumbers()
    {
        QFETCH(QString, number);
        QJsonObject root = QJsonDocument::fromJson(readFixture(QStringLiteral("patroni/cluster-normal.json"))).object();
        QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);
        QVERIFY(json.contains("\"timeline\":3"));
        json.replace("\"timeline\":3", "\"timeline\":" + number.toLatin1());
        const auto r = parsePatroniCluster(json);
        QVERIFY(!r.ok());
    }

    void patroniConfigAndActionCheck_data() { hugeNumbers_data(); }
    void patroniConfigAndActionCheck()
    {
        QFETCH(QString, number);
        const QByteArray json = "{\"ttl\": " + number.toLatin1() + ", \"loop_wait\": 2, \"retry_timeout\": 4}";
        QVERIFY(!parsePatroniConfig(json).ok());
        if (number == u"NaN")
            return;   // no JSON: nothing reaches the pre-flight check
        const QJsonObject config = QJsonDocument::fromJson(json).object();
        QVERIFY(!config.isEmpty());
        const ConfigCheck c = checkConfig(config);
        QVERIFY2(c.errors.join(u' ').contains(u"ttl is"), qPrintable(c.errors.join(u' ')));   // "not a number"
    }

    void chaosRunStoreNumbers_data() { hugeNumbers_data(); }
    void chaosRunStoreNumbers()
    {
        QFETCH(QString, number);
        QByteArray json = readFixture(QStringLiteral("chaos/run-crash-primary.json"));
        const QJsonObject original = QJsonDocument::fromJson(json).object();
        QVERIFY(original.contains(u"rto_ms"));
        QByteArray rto = "\"rto_ms\": " + QByteArray::number(original.value(u"rto_ms").toInteger());
        if (!json.contains(rto))
            rto.replace(": ", ":");
        QVERIFY(json.contains(rto));
        json.replace(rto, "\"rto_ms\": " + number.toLatin1());
        const QJsonDocument doc = QJsonDocument::fromJson(json);
        if (number == u"NaN") {
            QVERIFY(doc.isNull());
            return;
        }
        const auto r = ChaosReport::fromJson(doc.object());
        QVERIFY(r.ok());
        QVERIFY(!r.value().rtoMs.has_value());
    }
};

QTEST_GUILESS_MAIN(TestRemoteNumbers)
#include "tst_remotenumbers.moc"
