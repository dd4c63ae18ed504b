// The pure part of operator actions on recorded payloads: pre-flight verdicts (every reason a
// candidate cannot take over, refusals predicted before sending, how hard the confirmation is),
// dynamic-config editing (typed assignments, diff, Patroni's timing rule), and the REST calls
// with their curl and patronictl equivalents.
#include "fixture.h"

#include "actions/configpatch.h"
#include "actions/patronicalls.h"
#include "actions/preflight.h"
#include "patroni/patroniparser.h"
#include "core/utctime.h"

#include <QJsonDocument>
#include <QTest>

using namespace pgha::svc;

class TestActionLogic : public QObject {
    Q_OBJECT

    // pg3 leads on timeline 3; pg1 and pg2 replicate with lag 0 (recorded on the native lab).
    static ClusterSnapshot normal() { return parsePatroniCluster(readFixture(QStringLiteral("patroni/cluster-normal.json"))).value(); }
    static PatroniDynamicConfig config() { return parsePatroniConfig(readFixture(QStringLiteral("patroni/config.json"))).value(); }
    static PreflightContext context(const ClusterSnapshot &c)
    {
        return {c, config(), QStringLiteral("pgha-lab"), false, true};
    }
    static PatroniMember &member(ClusterSnapshot &c, const QString &name)
    {
        for (auto &m : c.members)
            if (m.name == name)
                return m;
        qFatal("no member %s", qPrintable(name));
    }
    static CandidateVerdict verdict(const Preflight &p, const QString &name)
    {
        for (const auto &v : p.candidates)
            if (v.name == name)
                return v;
        return {name, false, {QStringLiteral("not among the candidates")}};
    }
    static ActionRequest switchover(const QString &candidate = {})
    {
        ActionRequest r;
        r.kind = ActionKind::Switchover;
        r.candidate = candidate;
        return r;
    }

private slots:
    void switchoverOnAHealthyCluster()
    {
        const auto c = normal();
        const auto r = completeRequest(switchover(QStringLiteral("pg1")), c);
        QCOMPARE(r.leader, QStringLiteral("pg3"));
        const auto p = runPreflight(r, context(c));
        QVERIFY2(p.allowed, qPrintable(p.blockers.join(u'\n')));
        QCOMPARE(p.candidates.size(), 2);
        QVERIFY(verdict(p, QStringLiteral("pg1")).eligible && verdict(p, QStringLiteral("pg2")).eligible);
        QVERIFY(p.expected.contains(u"timeline 4"));
        QVERIFY(!p.typedConfirmation);
    }

    // Every reason Patroni's "no good candidates" can hide, each in words.
    void everyReasonACandidateIsNotEligible_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::newRow("nofailover") << "tagged nofailover";
        QTest::newRow("lag") << "over maximum_lag_on_failover";
        QTest::newRow("timeline") << "on timeline 2, the leader is on 3";
        QTest::newRow("stopped") << "state is \"stopped\"";
        QTest::newRow("lag unknown") << "lag is unknown";
    }
    void everyReasonACandidateIsNotEligible()
    {
        QFETCH(QString, reason);
        auto c = normal();
        auto &pg1 = member(c, QStringLiteral("pg1"));
        const QString row = QString::fromLatin1(QTest::currentDataTag());
        if (row == u"nofailover")
            pg1.tags.insert(QStringLiteral("nofailover"), true);
        else if (row == u"lag")
            pg1.lag = {MemberLag::Kind::Bytes, 5 * 1024 * 1024};   // the recorded config allows 1 MiB
        else if (row == u"timeline")
            pg1.timeline = 2;
        else if (row == u"stopped")
            pg1.state = QStringLiteral("stopped");
        else
            pg1.lag = {MemberLag::Kind::Unknown, 0};
        const auto p = runPreflight(completeRequest(switchover(QStringLiteral("pg1")), c), context(c));
        QVERIFY(!p.allowed);
        QVERIFY2(verdict(p, QStringLiteral("pg1")).reasons.join(u' ').contains(reason), qPrintable(verdict(p, QStringLiteral("pg1")).reasons.join(u'\n')));
        QVERIFY(verdict(p, QStringLiteral("pg2")).eligible);
        QVERIFY2(p.blockers.join(u' ').contains(u"eligible: pg2"), qPrintable(p.blockers.join(u'\n')));
        // Without a named candidate Patroni picks pg2: allowed.
        QVERIFY(runPreflight(completeRequest(switchover(), c), context(c)).allowed);
    }

    void noGoodCandidatesPredictsPatroni412()
    {
        auto c = normal();
        member(c, QStringLiteral("pg1")).tags.insert(QStringLiteral("nofailover"), true);
        member(c, QStringLiteral("pg2")).state = QStringLiteral("stopped");
        const auto p = runPreflight(completeRequest(switchover(), c), context(c));
        QVERIFY(!p.allowed);
        QVERIFY(p.blockers.join(u' ').contains(u"412"));
    }

    void synchronousModeAllowsOnlyTheSyncStandby()
    {
        // Recorded from Patroni 4.0.7 with synchronous_mode on: pg2 leads, pg1 is the sync standby.
        const auto c = parsePatroniCluster(readFixture(QStringLiteral("trixie/cluster-sync.json"))).value();
        auto ctx = context(c);
        ctx.config->synchronousMode = true;
        ctx.config->maximumLagOnFailover.reset();
        const auto p = runPreflight(completeRequest(switchover(QStringLiteral("pg3")), c), ctx);
        QVERIFY(!p.allowed);
        QVERIFY(verdict(p, QStringLiteral("pg3")).reasons.join(u' ').contains(u"not the sync standby"));
        QVERIFY(verdict(p, QStringLiteral("pg1")).eligible);
    }

    void pausedClusterNeedsANamedCandidateAndNoSchedule()
    {
        auto c = normal();
        c.paused = true;
        QVERIFY(runPreflight(completeRequest(switchover(), c), context(c)).blockers.join(u' ').contains(u"needs a named candidate"));
        auto scheduled = switchover(QStringLiteral("pg1"));
        scheduled.scheduledAt = QDateTime::currentDateTimeUtc().addSecs(600);
        QVERIFY(runPreflight(completeRequest(scheduled, c), context(c)).blockers.join(u' ').contains(u"paused"));
        QVERIFY(runPreflight(completeRequest(switchover(QStringLiteral("pg1")), c), context(c)).allowed);
    }

    void failoverOnlyWithoutAHealthyLeader()
    {
        ActionRequest r;
        r.kind = ActionKind::Failover;
        r.candidate = QStringLiteral("pg1");
        auto c = normal();
        const auto refused = runPreflight(r, context(c));
        QVERIFY(!refused.allowed);
        QVERIFY(refused.blockers.join(u' ').contains(u"pg3 is a healthy leader"));
        QVERIFY(refused.typedConfirmation);
        // The leader is gone (recorded: the dead leader disappears from /cluster after ttl).
        c.members.removeIf([](const PatroniMember &m) { return m.isLeader(); });
        const auto allowed = runPreflight(r, context(c));
        QVERIFY2(allowed.allowed, qPrintable(allowed.blockers.join(u'\n')));
    }

    void confirmationStrength_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("members");
        QTest::addColumn<bool>("production");
        QTest::addColumn<bool>("typed");
        QTest::newRow("reload lab") << int(ActionKind::Reload) << QStringList{} << false << false;
        QTest::newRow("reload production") << int(ActionKind::Reload) << QStringList{} << true << false;
        QTest::newRow("pause lab") << int(ActionKind::Pause) << QStringList{} << false << false;
        QTest::newRow("pause production") << int(ActionKind::Pause) << QStringList{} << true << true;
        QTest::newRow("restart replica") << int(ActionKind::Restart) << QStringList{QStringLiteral("pg1")} << false << false;
        QTest::newRow("restart leader") << int(ActionKind::Restart) << QStringList{QStringLiteral("pg3")} << false << true;
        QTest::newRow("reinit replica") << int(ActionKind::Reinit) << QStringList{QStringLiteral("pg1")} << false << true;
    }
    void confirmationStrength()
    {
        QFETCH(int, kind);
        QFETCH(QStringList, members);
        QFETCH(bool, production);
        QFETCH(bool, typed);
        ActionRequest r;
        r.kind = ActionKind(kind);
        r.members = members;
        auto ctx = context(normal());
        ctx.production = production;
        const auto p = runPreflight(r, ctx);
        QVERIFY2(p.allowed, qPrintable(p.blockers.join(u'\n')));
        QCOMPARE(p.typedConfirmation, typed);
        QCOMPARE(p.confirmText, QStringLiteral("pgha-lab"));
    }

    void refusalsThatNeedNoNetwork()
    {
        auto ctx = context(normal());
        ActionRequest reinitLeader;
        reinitLeader.kind = ActionKind::Reinit;
        reinitLeader.members = {QStringLiteral("pg3")};
        QVERIFY(runPreflight(reinitLeader, ctx).blockers.join(u' ').contains(u"refuses to reinitialize the leader"));
        ActionRequest unknown;
        unknown.kind = ActionKind::Restart;
        unknown.members = {QStringLiteral("pg9")};
        QVERIFY(runPreflight(unknown, ctx).blockers.join(u' ').contains(u"\"pg9\" is not a member"));
        ActionRequest resume;
        resume.kind = ActionKind::Resume;
        QVERIFY(runPreflight(resume, ctx).blockers.join(u' ').contains(u"not paused"));
        ctx.actionsEnabled = false;
        ActionRequest reload;
        reload.kind = ActionKind::Reload;
        QVERIFY(runPreflight(reload, ctx).blockers.join(u' ').contains(u"actions_enabled: true"));
    }

    void configAssignmentsAreTyped()
    {
        QJsonObject patch;
        QVERIFY(addAssignment(patch, QStringLiteral("ttl=20")));
        QVERIFY(addAssignment(patch, QStringLiteral("synchronous_mode=on")));
        QVERIFY(addAssignment(patch, QStringLiteral("postgresql.parameters.work_mem=8MB")));
        QVERIFY(addAssignment(patch, QStringLiteral("postgresql.parameters.max_connections=200")));
        QVERIFY(addAssignment(patch, QStringLiteral("maximum_lag_on_failover=null")));
        QCOMPARE(QString::fromUtf8(QJsonDocument(patch).toJson(QJsonDocument::Compact)),
                 QStringLiteral(R"({"maximum_lag_on_failover":null,"postgresql":{"parameters":{"max_connections":200,"work_mem":"8MB"}},"synchronous_mode":true,"ttl":20})"));
        QJsonObject bad;
        QVERIFY(addAssignment(bad, QStringLiteral("ttl=soon")).error().message.contains(u"whole number"));
        QVERIFY(addAssignment(bad, QStringLiteral("failsafe_mode=maybe")).error().message.contains(u"true or false"));
        QVERIFY(addAssignment(bad, QStringLiteral("loop_wait=0")).error().message.contains(u"at least 1"));
        QVERIFY(!addAssignment(bad, QStringLiteral("ttl")));
        QVERIFY(!addAssignment(bad, QStringLiteral("postgresql..x=1")));
    }

    void configDiffAndTimingRule()
    {
        const QJsonObject current = config().raw;
        QJsonObject patch;
        addAssignment(patch, QStringLiteral("ttl=20"));
        addAssignment(patch, QStringLiteral("loop_wait=2"));                 // unchanged: not in the diff
        addAssignment(patch, QStringLiteral("postgresql.parameters.wal_keep_size=null"));
        const auto diff = diffConfig(current, patch);
        QCOMPARE(diff.size(), 2);
        QCOMPARE(diff[0].key, QStringLiteral("postgresql.parameters.wal_keep_size"));
        QCOMPARE(describeValue(diff[0].after), QStringLiteral("(removed)"));
        QCOMPARE(diff[1].key, QStringLiteral("ttl"));
        QCOMPARE(describeValue(diff[1].before), QStringLiteral("10"));
        const auto merged = applyMergePatch(current, patch);
        QVERIFY(!merged.value(u"postgresql").toObject().value(u"parameters").toObject().contains(u"wal_keep_size"));
        QVERIFY(merged.value(u"postgresql").toObject().value(u"use_pg_rewind").toBool());
        QVERIFY(checkConfig(merged).errors.isEmpty());

        QJsonObject tooShort;
        addAssignment(tooShort, QStringLiteral("ttl=9"));
        const auto check = checkConfig(applyMergePatch(current, tooShort));
        QCOMPARE(check.errors.size(), 1);
        QVERIFY(check.errors.front().contains(u"2 + 2 × 4 = 10 is over ttl 9"));
        QVERIFY(check.warnings.join(u' ').contains(u"below Patroni's documented minimum of 20"));
        ActionRequest r;
        r.kind = ActionKind::ConfigPatch;
        r.configPatch = tooShort;
        QVERIFY(!runPreflight(r, context(normal())).allowed);
    }

    // What a fresh pre-flight right before sending asks beyond the confirmed one: each row is a
    // change between the cluster the operator confirmed and the one read just before sending.
    void newRequirementsBeforeSending_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("members");
        QTest::addColumn<QString>("freshFixture");
        QTest::addColumn<bool>("freshPaused");
        QTest::addColumn<QStringList>("mentions");   // empty: nothing new, send
        QTest::newRow("nothing changed") << int(ActionKind::Restart) << QStringList{QStringLiteral("pg1")}
                                         << QStringLiteral("cluster-normal.json") << false << QStringList{};
        QTest::newRow("target became the leader") << int(ActionKind::Restart) << QStringList{QStringLiteral("pg1")}
                                                  << QStringLiteral("cluster-after-switchover.json") << false
                                                  << QStringList{QStringLiteral("must be typed now"), QStringLiteral("pg1 is the leader")};
        QTest::newRow("paused meanwhile: new blocker") << int(ActionKind::Pause) << QStringList{}
                                                       << QStringLiteral("cluster-normal.json") << true
                                                       << QStringList{QStringLiteral("refused now: the cluster is already paused")};
        QTest::newRow("leader moved: another request") << int(ActionKind::Pause) << QStringList{}
                                                       << QStringLiteral("cluster-after-switchover.json") << false
                                                       << QStringList{QStringLiteral("the request changed: now PATCH https://127.0.0.1:8008/config")};
        QTest::newRow("restart of every member, leader moved") << int(ActionKind::Restart) << QStringList{}
                                                               << QStringLiteral("cluster-after-switchover.json") << false
                                                               << QStringList{};   // the leader was a target before too
    }
    void newRequirementsBeforeSending()
    {
        QFETCH(int, kind);
        QFETCH(QStringList, members);
        QFETCH(QString, freshFixture);
        QFETCH(bool, freshPaused);
        QFETCH(QStringList, mentions);
        const QList<MemberApi> apis{{QStringLiteral("pg1"), QUrl(QStringLiteral("https://127.0.0.1:8008"))},
                                    {QStringLiteral("pg2"), QUrl(QStringLiteral("https://127.0.0.1:8009"))},
                                    {QStringLiteral("pg3"), QUrl(QStringLiteral("https://127.0.0.1:8010"))}};
        ActionRequest r;
        r.kind = ActionKind(kind);
        r.members = members;
        const auto before = normal();
        auto fresh = parsePatroniCluster(readFixture(QStringLiteral("patroni/") + freshFixture)).value();
        fresh.paused = freshPaused;
        const auto confirmed = runPreflight(completeRequest(r, before), context(before));
        QVERIFY(confirmed.allowed);
        const auto now = runPreflight(completeRequest(r, fresh), context(fresh));
        const QStringList changes = newRequirements(confirmed, now, buildCalls(completeRequest(r, before), before, apis).value(),
                                                    buildCalls(completeRequest(r, fresh), fresh, apis).value());
        QCOMPARE(changes.isEmpty(), mentions.isEmpty());
        for (const auto &m : mentions)
            QVERIFY2(changes.join(u'\n').contains(m), qPrintable(changes.join(u'\n')));
    }

    // Credentials in a URL never reach a call, a curl line or the journal.
    void noCredentialsInCallsOrCurl()
    {
        const auto c = normal();
        const QList<MemberApi> apis{{QStringLiteral("pg3"), QUrl(QStringLiteral("https://admin:s3cret@127.0.0.1:8010"))}};
        ActionRequest pause;
        pause.kind = ActionKind::Pause;
        const auto calls = buildCalls(pause, c, apis).value();
        QCOMPARE(calls[0].url.toString(), QStringLiteral("https://127.0.0.1:8010/config"));
        PatroniCall handMade = calls[0];
        handMade.url = QUrl(QStringLiteral("https://admin:s3cret@127.0.0.1:8010/config"));
        const QString curl = curlCommand(handMade, QStringLiteral("ops"));
        QVERIFY2(!curl.contains(u"s3cret") && !curl.contains(u"admin"), qPrintable(curl));
        QVERIFY(curl.endsWith(u"https://127.0.0.1:8010/config"));
    }

    void callsAndTheirEquivalents()
    {
        const auto c = normal();
        const QList<MemberApi> apis{{QStringLiteral("pg1"), QUrl(QStringLiteral("https://127.0.0.1:8008"))},
                                    {QStringLiteral("pg2"), QUrl(QStringLiteral("https://127.0.0.1:8009"))},
                                    {QStringLiteral("pg3"), QUrl(QStringLiteral("https://127.0.0.1:8010"))}};
        auto r = completeRequest(switchover(QStringLiteral("pg1")), c);
        r.scheduledAt = pgha::svc::utcDateTime(QDate(2026, 11, 22), QTime(21, 30));
        const auto calls = buildCalls(r, c, apis).value();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].member, QStringLiteral("pg3"));   // the leader's API
        QCOMPARE(calls[0].url.toString(), QStringLiteral("https://127.0.0.1:8010/switchover"));
        QCOMPARE(QString::fromUtf8(calls[0].body),
                 QStringLiteral(R"({"candidate":"pg1","leader":"pg3","scheduled_at":"2026-11-22T21:30:00Z"})"));
        const QString curl = curlCommand(calls[0], QStringLiteral("patroni"), QStringLiteral("/lab/tls/ca.crt"));
        QCOMPARE(curl, QStringLiteral("curl -sS -X POST -u patroni --cacert /lab/tls/ca.crt -H 'Content-Type: application/json' -d "
                                      "'{\"candidate\":\"pg1\",\"leader\":\"pg3\",\"scheduled_at\":\"2026-11-22T21:30:00Z\"}' "
                                      "https://127.0.0.1:8010/switchover"));
        QCOMPARE(patronictlCommand(r, QStringLiteral("pgha-lab")),
                 QStringLiteral("patronictl -c PATRONI_YML switchover pgha-lab --leader pg3 --candidate pg1 --scheduled 2026-11-22T21:30:00Z --force"));

        ActionRequest restart;
        restart.kind = ActionKind::Restart;
        restart.pendingOnly = true;
        const auto restarts = buildCalls(restart, c, apis).value();
        QCOMPARE(restarts.size(), 3);   // every member, each through its own API
        QCOMPARE(restarts[1].url.toString(), QStringLiteral("https://127.0.0.1:8009/restart"));
        QCOMPARE(QString::fromUtf8(restarts[1].body), QStringLiteral(R"({"restart_pending":true})"));

        ActionRequest edit;
        edit.kind = ActionKind::ConfigPatch;
        addAssignment(edit.configPatch, QStringLiteral("ttl=20"));
        addAssignment(edit.configPatch, QStringLiteral("postgresql.parameters.work_mem=8MB"));
        QCOMPARE(patronictlCommand(edit, QStringLiteral("pgha-lab")),
                 QStringLiteral("patronictl -c PATRONI_YML edit-config pgha-lab -s ttl=20 -p work_mem=8MB --force"));

        ActionRequest reinit;
        reinit.kind = ActionKind::Reinit;
        QVERIFY(!buildCalls(reinit, c, apis));   // a member is required
        QVERIFY(!buildCalls(r, c, {}));          // no API known
    }

    // Paused, the leader crashed, its key not expired: /cluster still names it leader, so Resume
    // goes to its API first and must reach the cluster through another member's.
    void aClusterWideCallFallsBackToAMemberThatAnswers()
    {
        auto c = normal();
        member(c, QStringLiteral("pg1")).state = QStringLiteral("stopped");
        const QList<MemberApi> apis{{QStringLiteral("pg1"), QUrl(QStringLiteral("https://127.0.0.1:8008"))},
                                    {QStringLiteral("pg2"), QUrl(QStringLiteral("https://127.0.0.1:8009"))},
                                    {QStringLiteral("pg3"), QUrl(QStringLiteral("https://127.0.0.1:8010"))}};
        ActionRequest resume;
        resume.kind = ActionKind::Resume;
        const auto calls = buildCalls(resume, c, apis).value();
        QCOMPARE(calls[0].member, QStringLiteral("pg3"));   // the leader's API first
        QSet<QString> tried{calls[0].member};
        const auto next = fallbackCall(resume.kind, calls[0], c, apis, tried);
        QVERIFY(next.has_value());
        QCOMPARE(next->member, QStringLiteral("pg2"));      // a running member before the stopped pg1
        QCOMPARE(next->url.toString(), QStringLiteral("https://127.0.0.1:8009/config"));
        QCOMPARE(next->verb, calls[0].verb);
        QCOMPARE(next->body, calls[0].body);
        tried.insert(next->member);
        const auto last = fallbackCall(resume.kind, *next, c, apis, tried);
        QVERIFY(last.has_value());
        QCOMPARE(last->member, QStringLiteral("pg1"));      // then whoever is left
        tried.insert(last->member);
        QVERIFY(!fallbackCall(resume.kind, *last, c, apis, tried));   // nobody left

        // Per-member calls have no other home.
        ActionRequest restart;
        restart.kind = ActionKind::Restart;
        const auto restarts = buildCalls(restart, c, apis).value();
        QVERIFY(!fallbackCall(restart.kind, restarts[0], c, apis, {restarts[0].member}));
        QVERIFY(anyMemberServes(ActionKind::ConfigPatch) && anyMemberServes(ActionKind::Switchover));
        QVERIFY(!anyMemberServes(ActionKind::Reinit) && !anyMemberServes(ActionKind::Reload));
    }
};

QTEST_GUILESS_MAIN(TestActionLogic)
#include "tst_actionlogic.moc"
