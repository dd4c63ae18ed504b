// The parsers of every other source — HAProxy CSV, etcd v3 JSON, Prometheus text, Patroni
// /patroni and /history, Patroni 4.1 /cluster fields — on recorded payloads and hostile input.
#include "etcd/etcdtypes.h"
#include "fixture.h"
#include "haproxy/haproxystats.h"
#include "metrics/metricsdigest.h"
#include "metrics/prometheustext.h"
#include "patroni/patroniparser.h"

#include <QFile>
#include <QTest>

#include <cmath>

using namespace pgha::svc;

class TestSourceParsers : public QObject {
    Q_OBJECT

    static QByteArray fixture(const QString &name) { return readFixture(name); }

private slots:
    // --- HAProxy ---------------------------------------------------------------------------
    void haproxyNormal()
    {
        const auto r = parseHaproxyCsv(fixture(QStringLiteral("haproxy/stats-normal.csv")));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const auto rw = r.value().servers(QStringLiteral("read_write"));
        QCOMPARE(rw.size(), 3);
        int up = 0;
        for (const auto &s : rw)
            up += s.isUp() ? 1 : 0;
        QCOMPARE(up, 1);   // only the primary passes OPTIONS /primary
        QCOMPARE(r.value().servers(QStringLiteral("read_only")).size(), 3);
        const auto *fe = r.value().find(QStringLiteral("read_write"), QStringLiteral("FRONTEND"));
        QVERIFY(fe);
        QCOMPARE(fe->kind, HaproxyRow::Kind::Frontend);
        QCOMPARE(fe->status, QStringLiteral("OPEN"));
    }

    void haproxyNodeDown()
    {
        const auto r = parseHaproxyCsv(fixture(QStringLiteral("haproxy/stats-pg3-down.csv")));
        QVERIFY(r.ok());
        const auto *pg3 = r.value().find(QStringLiteral("read_only"), QStringLiteral("pg3"));
        QVERIFY(pg3);
        QCOMPARE(pg3->status, QStringLiteral("DOWN"));
        QCOMPARE(pg3->checkStatus, QStringLiteral("L4CON"));
        QVERIFY(!pg3->isUp());
        const auto *pg1 = r.value().find(QStringLiteral("read_write"), QStringLiteral("pg1"));
        QCOMPARE(pg1->checkStatus, QStringLiteral("L7OK"));
        QCOMPARE(pg1->checkCode, 200);
        QVERIFY(pg1->checkDurationMs >= 0);
        QVERIFY(pg1->lastChangeSec >= 0);
    }

    void haproxyHostile_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("mentions");
        const QByteArray good = fixture(QStringLiteral("haproxy/stats-normal.csv"));
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("html") << QByteArray("<html>503 Service Unavailable</html>") << "header";
        QTest::newRow("header only") << good.left(good.indexOf('\n') + 1) << "no rows";
        QTest::newRow("truncated row") << good.left(good.indexOf('\n') + 40) << "truncated";
        QTest::newRow("no status column") << QByteArray("# pxname,svname,type\na,b,2\n") << "\"status\"";
        QTest::newRow("bad type") << QByteArray("# pxname,svname,status,type\na,b,UP,9\n") << "type";
        QTest::newRow("invalid UTF-8") << (good.left(100) + "\xff\xfe" + good.mid(100)) << "UTF-8";
        QTest::newRow("too big") << QByteArray(kMaxHaproxyCsvBytes + 1, 'x') << "limit";
    }

    void haproxyHostile()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, mentions);
        const auto r = parseHaproxyCsv(csv);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
        QVERIFY(r.error().message.startsWith(u"HAProxy stats CSV"));
    }

    // --- etcd ------------------------------------------------------------------------------
    void etcdRecorded()
    {
        const auto list = parseEtcdMemberList(fixture(QStringLiteral("etcd/member-list.json")));
        QVERIFY(list.ok());
        QCOMPARE(list.value().members.size(), 3);
        QCOMPARE(list.value().members[0].id, QStringLiteral("15312366400546277911"));   // > 2^63: kept exact
        QCOMPARE(list.value().members[0].clientUrls, QStringList{QStringLiteral("http://127.0.0.1:22379")});

        int leaders = 0;
        QString leaderId;
        for (const char *port : {"2379", "12379", "22379"}) {
            const auto st = parseEtcdStatus(fixture(QStringLiteral("etcd/status-%1.json").arg(QLatin1String(port))));
            QVERIFY(st.ok());
            QCOMPARE(st.value().version, QStringLiteral("3.4.23"));
            QVERIFY(st.value().raftIndex > 0);
            QVERIFY(st.value().dbSize > 0);
            leaders += st.value().isLeader() ? 1 : 0;
            QVERIFY(leaderId.isEmpty() || leaderId == st.value().leaderId);   // all agree on the leader
            leaderId = st.value().leaderId;
        }
        QCOMPARE(leaders, 1);
        QVERIFY(parseEtcdHealth(fixture(QStringLiteral("etcd/health.json"))).ok());
    }

    void etcdPatroniKeys()
    {
        const auto kvs = parseEtcdRange(fixture(QStringLiteral("etcd/range-service.json")));
        QVERIFY(kvs.ok());
        const auto scopes = patroniScopesFromKeys(kvs.value(), QStringLiteral("/service/"));
        QCOMPARE(scopes.size(), 1);
        const auto &s = scopes.front();
        QCOMPARE(s.scope, QStringLiteral("pgha-lab"));
        QCOMPARE(s.leader, QStringLiteral("pg1"));
        QVERIFY(!s.leaderLease.isEmpty());   // the leader key lives on a lease (ttl)
        QCOMPARE(s.members.size(), 3);
        QCOMPARE(s.members.value(QStringLiteral("pg2")).value(u"api_url").toString(), QStringLiteral("http://127.0.0.1:8009/patroni"));
        QCOMPARE(s.config.value(u"ttl").toInt(), 10);
        QVERIFY(s.hasInitialize);
        QVERIFY(s.status.contains(u"optime"));
    }

    void etcdRangeRequestCoversThePrefix()
    {
        const QByteArray req = etcdRangeRequest(QStringLiteral("/service/"));
        QVERIFY(req.contains(QByteArray("/service/").toBase64()));
        QVERIFY(req.contains(QByteArray("/service0").toBase64()));
    }

    void etcdHostile_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("status: grpc error") << 1 << QByteArray("{\"error\":\"etcdserver: request timed out\",\"code\":14}")
                                            << "request timed out";
        QTest::newRow("status: 3.5 error shape") << 1 << QByteArray("{\"code\":14,\"message\":\"unavailable\"}") << "unavailable";
        QTest::newRow("status: not status") << 1 << QByteArray("{\"header\":{}}") << "version";
        QTest::newRow("status: raftIndex garbage") << 1 << QByteArray("{\"header\":{},\"version\":\"3.4\",\"raftIndex\":\"x\"}")
                                                   << "raftIndex";
        QTest::newRow("members: not array") << 0 << QByteArray("{\"header\":{},\"members\":7}") << "not an array";
        QTest::newRow("members: no id") << 0 << QByteArray("{\"header\":{},\"members\":[{\"name\":\"x\"}]}") << "no ID";
        QTest::newRow("range: bad base64") << 2 << QByteArray("{\"header\":{},\"kvs\":[{\"key\":\"%%%\"}]}") << "base64";
        QTest::newRow("range: truncated") << 2 << fixture(QStringLiteral("etcd/range-service.json")).left(300) << "invalid JSON";
        QTest::newRow("health: false") << 3 << QByteArray("{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}") << "NO LEADER";
        QTest::newRow("health: empty") << 3 << QByteArray() << "empty";
    }

    void etcdHostile()
    {
        QFETCH(int, which);
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        Error e;
        switch (which) {
        case 0: e = parseEtcdMemberList(json).error(); break;
        case 1: e = parseEtcdStatus(json).error(); break;
        case 2: e = parseEtcdRange(json).error(); break;
        default: e = parseEtcdHealth(json).error(); break;
        }
        QVERIFY2(e.message.contains(mentions), qPrintable(e.message));
        QVERIFY(e.message.startsWith(u"etcd"));
    }

    // --- Prometheus ------------------------------------------------------------------------
    void prometheusRecorded()
    {
        const auto etcd = parsePrometheusText(fixture(QStringLiteral("prometheus/etcd-metrics.txt")));
        QVERIFY2(etcd.ok(), qPrintable(etcd.ok() ? QString() : etcd.error().toString()));
        QVERIFY(etcd.value().size() >= 100);
        bool sawHistogram = false;
        for (const auto &f : etcd.value())
            if (f.type == PromFamily::Type::Histogram && f.name == u"etcd_disk_wal_fsync_duration_seconds") {
                sawHistogram = true;
                int buckets = 0;
                for (const auto &s : f.samples)
                    buckets += s.name.endsWith(u"_bucket") ? 1 : 0;
                QVERIFY(buckets > 5);
                QVERIFY(findSample(etcd.value(), f.name + QStringLiteral("_count")));
                QVERIFY(findSample(etcd.value(), f.name + QStringLiteral("_bucket"), {{QStringLiteral("le"), QStringLiteral("+Inf")}}));
            }
        QVERIFY(sawHistogram);
        const auto *isLeader = findSample(etcd.value(), QStringLiteral("etcd_server_is_leader"));
        QVERIFY(isLeader);

        const auto patroni = parsePrometheusText(fixture(QStringLiteral("prometheus/patroni-metrics.txt")));
        QVERIFY(patroni.ok());
        const auto *master = findSample(patroni.value(), QStringLiteral("patroni_master"), {{QStringLiteral("scope"), QStringLiteral("pgha-lab")}});
        QVERIFY(master);
        QCOMPARE(master->value, 1.0);
        const auto *version = findSample(patroni.value(), QStringLiteral("patroni_version"));
        QCOMPARE(version->value, 30002.0);   // "030002"
        // Patroni 3.0.2 writes a blank between this name and its labels.
        const auto *server = findSample(patroni.value(), QStringLiteral("patroni_postgres_server_version"));
        QVERIFY(server);
        QCOMPARE(server->label(QStringLiteral("scope")), QStringLiteral("pgha-lab"));
        QCOMPARE(server->value, 150020.0);
    }

    void metricsDigests()
    {
        // Each kind of endpoint is recognised by its families, and its key figures picked out.
        const auto etcd = digestMetrics(parsePrometheusText(fixture(QStringLiteral("prometheus/etcd-metrics.txt"))).value());
        QCOMPARE(etcd.origin, MetricsDigest::Origin::Etcd);
        QCOMPARE(etcd.value(QStringLiteral("has_leader")).value_or(-1), 1.0);
        QVERIFY(etcd.value(QStringLiteral("db_size")).value_or(0) > 0);
        const double fsync = etcd.value(QStringLiteral("wal_fsync_p99_s")).value_or(-1);
        QVERIFY2(fsync > 0 && fsync < 8.2, qPrintable(QString::number(fsync)));   // within the finite buckets

        const auto patroni = digestMetrics(parsePrometheusText(fixture(QStringLiteral("prometheus/patroni-metrics.txt"))).value());
        QCOMPARE(patroni.origin, MetricsDigest::Origin::Patroni);
        QCOMPARE(patroni.value(QStringLiteral("primary")).value_or(-1), 1.0);
        QCOMPARE(patroni.value(QStringLiteral("xlog_location")).value_or(-1), 67276744.0);

        // postgres_exporter 0.11 against the lab's leader (1,203 lines).
        const auto exporter = digestMetrics(parsePrometheusText(fixture(QStringLiteral("prometheus/postgres-exporter-metrics.txt"))).value());
        QCOMPARE(exporter.origin, MetricsDigest::Origin::PostgresExporter);
        QCOMPARE(exporter.value(QStringLiteral("pg_up")).value_or(-1), 1.0);
        QCOMPARE(exporter.value(QStringLiteral("xact_commit")).value_or(-1), 904.0 + 399.0);   // summed over databases
        QCOMPARE(exporter.value(QStringLiteral("slot_lag_max")).value_or(-1), 0.0);
        QVERIFY(exporter.samples > 300);

        QCOMPARE(digestMetrics({}).origin, MetricsDigest::Origin::Other);
    }

    void metricsDigestOfKeptFamilies()
    {
        // The poller parses only the families the digest reads: same digest, same counts, as a
        // whole parse of every recorded page; the rest counted, not kept.
        for (const char *page : {"prometheus/etcd-metrics.txt", "prometheus/patroni-metrics.txt",
                                 "prometheus/postgres-exporter-metrics.txt"}) {
            const QByteArray text = fixture(QString::fromLatin1(page));
            const auto whole = parsePrometheusText(text);
            const auto kept = parsePrometheusText(text, &digestFamilies());
            QVERIFY2(whole.ok() && kept.ok(), page);
            const MetricsDigest a = digestMetrics(whole.value());
            const MetricsDigest b = digestMetrics(kept.value());
            QCOMPARE(b.origin, a.origin);
            QCOMPARE(b.families, a.families);
            QCOMPARE(b.samples, a.samples);
            QCOMPARE(b.figures.size(), a.figures.size());
            QVERIFY2(!a.figures.isEmpty(), page);
            for (qsizetype i = 0; i < a.figures.size(); ++i) {
                QCOMPARE(b.figures[i].key, a.figures[i].key);
                QCOMPARE(b.figures[i].value, a.figures[i].value);
            }
            qsizetype keptSamples = 0;
            for (const PromFamily &f : kept.value()) {
                keptSamples += f.samples.size();
                QVERIFY2(f.samples.isEmpty() || digestFamilies().contains(f.name), qPrintable(f.name));
            }
            QVERIFY2(keptSamples < a.samples, page);
        }
        const auto etcd = parsePrometheusText(fixture(QStringLiteral("prometheus/etcd-metrics.txt")), &digestFamilies()).value();
        int dropped = 0;
        for (const PromFamily &f : etcd)
            dropped += f.droppedSamples;
        QVERIFY2(dropped > 1000, qPrintable(QString::number(dropped)));   // of the 1,291 samples etcd 3.4 serves
    }

    void histogramQuantiles()
    {
        // Prometheus' own rule: linear inside the bucket that holds the rank.
        const QByteArray text = "# TYPE h histogram\n"
                                "h_bucket{le=\"0.1\"} 50\nh_bucket{le=\"0.2\"} 90\nh_bucket{le=\"0.4\"} 100\n"
                                "h_bucket{le=\"+Inf\"} 100\nh_sum 12\nh_count 100\n";
        const auto fs = parsePrometheusText(text).value();
        QCOMPARE(histogramQuantile(fs, QStringLiteral("h"), 0.5).value_or(-1), 0.1);
        QVERIFY(qFuzzyCompare(histogramQuantile(fs, QStringLiteral("h"), 0.7).value_or(-1), 0.15));
        QVERIFY(qFuzzyCompare(histogramQuantile(fs, QStringLiteral("h"), 0.95).value_or(-1), 0.3));
        QVERIFY(!histogramQuantile(fs, QStringLiteral("h"), 1.5).has_value());
        QVERIFY(!histogramQuantile(fs, QStringLiteral("missing"), 0.5).has_value());
        // Everything in the open-ended bucket: the largest finite bound.
        const auto inf = parsePrometheusText("# TYPE g histogram\ng_bucket{le=\"1\"} 0\ng_bucket{le=\"+Inf\"} 3\n").value();
        QCOMPARE(histogramQuantile(inf, QStringLiteral("g"), 0.99).value_or(-1), 1.0);
        // Empty: no answer rather than a made-up zero.
        const auto empty = parsePrometheusText("# TYPE e histogram\ne_bucket{le=\"1\"} 0\ne_bucket{le=\"+Inf\"} 0\n").value();
        QVERIFY(!histogramQuantile(empty, QStringLiteral("e"), 0.5).has_value());
    }

    void prometheusSyntax()
    {
        const auto r = parsePrometheusText(
                "# HELP m A \\\\ help\\nline\n"
                "# TYPE m gauge\n"
                "m{path=\"C:\\\\x\",msg=\"say \\\"hi\\\"\\n\",} 1.5e3 1700000000000\n"
                "m{a=\"nan\"} NaN\n"
                "m{a=\"p\"} +Inf\n"
                "m{a=\"n\"} -Inf\n"
                "# a plain comment\n\n"
                "# TYPE s summary\n"
                "s{quantile=\"0.5\"} 0.2\n"
                "s_sum 10\n"
                "s_count 3\n"
                "untyped_one 7\r\n");
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const auto &f = r.value();
        QCOMPARE(f.size(), 3);
        QCOMPARE(f[0].help, QStringLiteral("A \\ help\nline"));
        QCOMPARE(f[0].type, PromFamily::Type::Gauge);
        QCOMPARE(f[0].samples.size(), 4);
        QCOMPARE(f[0].samples[0].label(QStringLiteral("path")), QStringLiteral("C:\\x"));
        QCOMPARE(f[0].samples[0].label(QStringLiteral("msg")), QStringLiteral("say \"hi\"\n"));
        QCOMPARE(f[0].samples[0].value, 1500.0);
        QCOMPARE(f[0].samples[0].timestampMs.value_or(0), 1700000000000LL);
        QVERIFY(std::isnan(f[0].samples[1].value));
        QVERIFY(std::isinf(f[0].samples[2].value) && f[0].samples[2].value > 0);
        QVERIFY(std::isinf(f[0].samples[3].value) && f[0].samples[3].value < 0);
        QCOMPARE(f[1].type, PromFamily::Type::Summary);
        QCOMPARE(f[1].samples.size(), 3);   // quantile, _sum and _count belong to the family
        QCOMPARE(f[2].name, QStringLiteral("untyped_one"));
    }

    void prometheusHostile_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unterminated label") << QByteArray("m{a=\"x} 1\n") << "line 1";
        QTest::newRow("no value") << QByteArray("ok 1\nm{a=\"x\"}\n") << "line 2";
        QTest::newRow("value not a number") << QByteArray("m one\n") << "not a number";
        QTest::newRow("bad timestamp") << QByteArray("m 1 soon\n") << "timestamp";
        QTest::newRow("too many fields") << QByteArray("m 1 2 3\n") << "at most a timestamp";
        QTest::newRow("unknown type") << QByteArray("# TYPE m gaugeish\n") << "unknown metric type";
        QTest::newRow("TYPE after samples") << QByteArray("m 1\n# TYPE m gauge\n") << "after its samples";
        QTest::newRow("label without =") << QByteArray("m{a} 1\n") << "=\"value\"";
        QTest::newRow("starts with digit") << QByteArray("9m 1\n") << "metric name";
        QTest::newRow("invalid UTF-8") << QByteArray("m{a=\"\xc3\x28\"} 1\n") << "UTF-8";
    }

    void prometheusHostile()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, mentions);
        const auto r = parsePrometheusText(text);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
        // A family the caller does not keep is checked as strictly.
        const QSet<QString> none;
        const auto filtered = parsePrometheusText(text, &none);
        QVERIFY(!filtered.ok());
        QCOMPARE(filtered.error().message, r.error().message);
    }

    // --- Patroni: /patroni, /history, 4.1 /cluster ----------------------------------------
    void patroniStatus()
    {
        const auto leader = parsePatroniStatus(fixture(QStringLiteral("patroni/patroni-leader.json")));
        QVERIFY(leader.ok());
        QCOMPARE(leader.value().role, MemberRole::Leader);   // Patroni 3.0.2 says "master"
        QCOMPARE(leader.value().rawRole, QStringLiteral("master"));
        QVERIFY(leader.value().walLocation.has_value());
        QCOMPARE(leader.value().replication.size(), 2);
        QCOMPARE(leader.value().replication[0].state, QStringLiteral("streaming"));
        QCOMPARE(leader.value().patroniVersion, QStringLiteral("3.0.2"));
        QCOMPARE(leader.value().scope, QStringLiteral("pgha-lab"));
        QCOMPARE(leader.value().serverVersion / 10000, 15);

        const auto replica = parsePatroniStatus(fixture(QStringLiteral("patroni/patroni-replica.json")));
        QVERIFY(replica.ok());
        QCOMPARE(replica.value().role, MemberRole::Replica);
        QVERIFY(replica.value().receivedLocation.has_value());
        QVERIFY(replica.value().replayedLocation.has_value());
        QVERIFY(!replica.value().walLocation.has_value());
        QVERIFY(!parsePatroniStatus("{\"foo\":1}").ok());
        QVERIFY(!parsePatroniStatus("[1]").ok());
    }

    void patroniConfig()
    {
        const auto c = parsePatroniConfig(fixture(QStringLiteral("patroni/config.json")));
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().toString()));
        QCOMPARE(c.value().ttl.value_or(0), 10);
        QCOMPARE(c.value().loopWait.value_or(0), 2);
        QCOMPARE(c.value().retryTimeout.value_or(0), 4);
        QCOMPARE(c.value().maximumLagOnFailover.value_or(0), 1048576);
        QVERIFY(c.value().usePgRewind);
        QVERIFY(!c.value().synchronousMode);
        QCOMPARE(c.value().postgresqlParameters.value(u"wal_level").toString(), QStringLiteral("replica"));
        QCOMPARE(c.value().describeTimings(), QStringLiteral("ttl 10 s, loop_wait 2 s, retry_timeout 4 s"));
        // Numeric strings are what Patroni itself accepts; other types are refused, by name.
        QCOMPARE(parsePatroniConfig(R"({"ttl": "30", "synchronous_mode": true})").value().ttl.value_or(0), 30);
        QVERIFY(parsePatroniConfig(R"({"ttl": "thirty"})").error().message.contains(u"\"ttl\""));
        QVERIFY(parsePatroniConfig(R"({"loop_wait": -1})").error().message.contains(u"loop_wait"));
        QVERIFY(parsePatroniConfig(R"({"retry_timeout": [1]})").error().message.contains(u"an array"));
        QVERIFY(!parsePatroniConfig("[]").ok());
        QVERIFY(!parsePatroniConfig("{\"ttl\": 1").ok());   // truncated
        QVERIFY(parsePatroniConfig("{}").ok());              // nothing set: Patroni's defaults apply
    }

    void patroniHistory()
    {
        const auto h = parsePatroniHistory(fixture(QStringLiteral("patroni/history.json")));
        QVERIFY(h.ok());
        QCOMPARE(h.value().size(), 2);
        QCOMPARE(h.value()[0].timeline, 1);
        QCOMPARE(h.value()[0].newLeader, QStringLiteral("pg2"));
        QCOMPARE(h.value()[1].newLeader, QStringLiteral("pg1"));
        QVERIFY(h.value()[1].lsn > h.value()[0].lsn);
        QVERIFY(parsePatroniHistory("[]").ok());
        QVERIFY(!parsePatroniHistory("[[\"x\"]]").ok());
        QVERIFY(!parsePatroniHistory("{}").ok());
    }

    void patroni41Shapes()
    {
        const auto sync = parsePatroniCluster(fixture(QStringLiteral("patroni/cluster-4.1-shape-sync.json")));
        QVERIFY(sync.ok());
        const auto &m = sync.value().members;
        QCOMPARE(m[1].role, MemberRole::SyncStandby);
        QCOMPARE(m[1].state, QStringLiteral("streaming"));
        QCOMPARE(m[2].receiveLag.bytes, 232);
        QCOMPARE(m[2].replayLag.bytes, 584);
        QCOMPARE(m[2].lag.bytes, 232);
        QCOMPARE(m[2].replayLsn, QStringLiteral("0/4FFFF00"));
        QVERIFY(m[2].pendingRestart);
        QVERIFY(m[2].pendingRestartReason.contains(u"max_connections"));
        QVERIFY(sync.value().scheduledSwitchover.has_value());
        QCOMPARE(sync.value().scheduledSwitchover->to, QStringLiteral("pg2"));

        const auto quorum = parsePatroniCluster(fixture(QStringLiteral("patroni/cluster-4.1-shape-quorum-unknown.json")));
        QVERIFY(quorum.ok());
        QCOMPARE(quorum.value().members[1].role, MemberRole::QuorumStandby);
        QCOMPARE(quorum.value().members[2].lag.kind, MemberLag::Kind::Unknown);
        QCOMPARE(quorum.value().members[2].replayLag.kind, MemberLag::Kind::Unknown);
        QCOMPARE(quorum.value().members[2].receiveLsn, QStringLiteral("unknown"));
        QVERIFY(!quorum.value().members[2].timeline.has_value());
        QVERIFY(quorum.value().paused);
    }
};

QTEST_GUILESS_MAIN(TestSourceParsers)
#include "tst_sourceparsers.moc"
