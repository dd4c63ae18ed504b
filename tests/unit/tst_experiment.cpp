// Experiments without a cluster: the plan's format and its errors, the run order, what --resume
// makes again, the store's refusals, and the per-cell statistics — on runs the real runner
// recorded (tests/fixtures/experiment, see its README).
#include "experiment/experimentstats.h"
#include "experiment/experimentstore.h"
#include "lab/labprofile.h"

#include "fixture.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace pgha::svc;

namespace {

const QByteArray kTwoByTwo = R"(
experiment: sync-x-clients
title: "two by two"
settings:
  fault: crash-primary
  workload: tpcb-like
  clients: 8
  lead: 5
grid:
  sync: [off, true]
  clients: [4, 8]
repetitions: 3
)";

ExperimentPlan parsed(const QByteArray &yaml)
{
    auto p = parseExperimentPlan(yaml, QStringLiteral("plan.yaml"));
    if (!p)
        qFatal("plan did not parse: %s", qPrintable(p.error().toString()));
    return p.value();
}

ExperimentRun runOf(const ExperimentPlan &plan, const QString &cell, int repetition, const QString &verdict, qint64 rtoMs)
{
    ExperimentRun r;
    r.experiment = plan.name;
    r.fingerprint = plan.fingerprint();
    r.cell = cell;
    r.repetition = repetition;
    r.run.runId = QStringLiteral("%1-%2").arg(cell).arg(repetition);
    r.run.faultId = QStringLiteral("crash-primary");
    r.run.verdict = verdict;
    if (verdict != u"ERROR")
        r.run.rtoMs = rtoMs;
    return r;
}

} // namespace

class TestExperiment : public QObject {
    Q_OBJECT
private slots:
    void cellsAndOrder()
    {
        const ExperimentPlan plan = parsed(kTwoByTwo);
        const QList<ExperimentCell> cells = plan.cells();
        QCOMPARE(cells.size(), 4);
        // The grid's first key varies slowest; YAML's true is on.
        QCOMPARE(cells[0].key, QStringLiteral("sync=off,clients=4"));
        QCOMPARE(cells[1].key, QStringLiteral("sync=off,clients=8"));
        QCOMPARE(cells[3].key, QStringLiteral("sync=on,clients=8"));
        // The grid's value wins over the setting's.
        QCOMPARE(cells[0].value(QStringLiteral("clients")), QStringLiteral("4"));
        QCOMPARE(cells[0].value(QStringLiteral("lead")), QStringLiteral("5"));
        QCOMPARE(plan.runCount(), 12);
        // Interleaved by default: repetition 1 of every cell first.
        const QList<PlannedRun> order = plan.runOrder();
        QCOMPARE(order.size(), 12);
        QCOMPARE(order[0].cellIndex, 0);
        QCOMPARE(order[3].cellIndex, 3);
        QCOMPARE(order[4].cellIndex, 0);
        QCOMPARE(order[4].repetition, 2);
        ExperimentPlan grouped = plan;
        grouped.interleaved = false;
        QCOMPARE(grouped.runOrder()[1].cellIndex, 0);
        QCOMPARE(grouped.runOrder()[1].repetition, 2);
    }

    void fingerprintFollowsWhatTheRunsDependOn()
    {
        const ExperimentPlan plan = parsed(kTwoByTwo);
        QByteArray retitled = kTwoByTwo;
        retitled.replace("two by two", "another title");
        retitled.append("order: grouped\n");
        QCOMPARE(parsed(retitled).fingerprint(), plan.fingerprint());
        QByteArray moreRuns = kTwoByTwo;
        moreRuns.replace("repetitions: 3", "repetitions: 4");
        QVERIFY(parsed(moreRuns).fingerprint() != plan.fingerprint());
        QByteArray otherLead = kTwoByTwo;
        otherLead.replace("lead: 5", "lead: 6");
        QVERIFY(parsed(otherLead).fingerprint() != plan.fingerprint());
    }

    void cellOptions()
    {
        const ExperimentPlan plan = parsed(kTwoByTwo);
        auto profile = resolveProfile(QStringLiteral("lab"), QStringLiteral("/tmp/pgha-no-such-lab"));
        QVERIFY2(profile.ok(), qPrintable(profile.ok() ? QString() : profile.error().toString()));
        auto o = chaosOptionsForCell(plan.cells()[2], profile.value());
        QVERIFY2(o.ok(), qPrintable(o.ok() ? QString() : o.error().toString()));
        QCOMPARE(o.value().faultId, QStringLiteral("crash-primary"));
        QCOMPARE(o.value().synchronousMode, std::optional<bool>(true));
        QVERIFY(o.value().load.has_value());
        QCOMPARE(o.value().load->workload.builtin, QStringLiteral("tpcb-like"));
        QCOMPARE(o.value().load->workload.clients, 4);
        QCOMPARE(o.value().load->leadS, 5);
        QCOMPARE(o.value().load->tailS, ChaosLoad::kDefaultTailS);
        QVERIFY(!o.value().load->target.endpoint.host.isEmpty());
    }

    void errorsNameTheLineAndTheFix_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key") << QByteArray("experiment: a\nsettings: {fault: crash-primary}\nrepeats: 3\n")
                                     << QStringLiteral("line 3: unknown key \"repeats\"");
        QTest::newRow("unknown setting") << QByteArray("experiment: a\nsettings:\n  fault: crash-primary\n  clients_n: 3\n")
                                         << QStringLiteral("line 4: no setting \"clients_n\"");
        QTest::newRow("bad sync") << QByteArray("experiment: a\nsettings: {fault: crash-primary}\ngrid:\n  sync: [off, maybe]\n")
                                  << QStringLiteral("line 4: sync wants on or off, not \"maybe\"");
        QTest::newRow("twice") << QByteArray("experiment: a\nsettings: {fault: crash-primary}\ngrid:\n  sync: [off, no]\n")
                               << QStringLiteral("sync lists \"off\" twice");
        QTest::newRow("path as name") << QByteArray("experiment: ../../etc\nsettings: {fault: crash-primary}\n")
                                      << QStringLiteral("is not a name");
        QTest::newRow("no fault") << QByteArray("experiment: a\nsettings: {workload: tpcb-like}\n") << QStringLiteral("no fault");
        QTest::newRow("unknown fault") << QByteArray("experiment: a\nsettings: {fault: unplug-it}\n")
                                       << QStringLiteral("no fault named \"unplug-it\"");
        QTest::newRow("load without workload") << QByteArray("experiment: a\nsettings: {fault: crash-primary, clients: 4}\n")
                                               << QStringLiteral("give a workload");
        QTest::newRow("clients range") << QByteArray("experiment: a\nsettings: {fault: crash-primary, workload: select-only}\ngrid: {clients: [4, 0]}\n")
                                       << QStringLiteral("cell clients=0: load clients: 0 is not from 1");
        QTest::newRow("external without inject") << QByteArray("experiment: a\nsettings: {fault: external-primary}\n")
                                                 << QStringLiteral("give it as inject:");
        QTest::newRow("inject on our fault") << QByteArray("experiment: a\nsettings: {fault: crash-primary, inject: 'kill -9 1'}\n")
                                             << QStringLiteral("inject and undo are for external-primary");
        QTest::newRow("repetitions") << QByteArray("experiment: a\nsettings: {fault: crash-primary}\nrepetitions: 0\n")
                                     << QStringLiteral("repetitions wants a number from 1");
        QTest::newRow("too many cells")
                << QByteArray("experiment: a\nsettings: {fault: crash-primary, workload: select-only}\ngrid:\n  clients: [1,2,3,4,5,6,7,8,9]\n"
                              "  rate: [1,2,3,4,5,6,7,8]\n")
                << QStringLiteral("the grid makes 72 cells");
        QTest::newRow("not yaml") << QByteArray("experiment: [unclosed\n") << QStringLiteral("plan.yaml: line");
        QTest::newRow("not a map") << QByteArray("- a\n- b\n") << QStringLiteral("a plan is a map");
    }

    void errorsNameTheLineAndTheFix()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        auto p = parseExperimentPlan(yaml, QStringLiteral("plan.yaml"));
        QVERIFY(!p.ok());
        QVERIFY2(p.error().toString().contains(expected), qPrintable(p.error().toString()));
        QVERIFY2(!p.error().hint.isEmpty(), "every plan error says what to do");
    }

    void resumeMakesOnlyWhatIsMissing()
    {
        const ExperimentPlan plan = parsed(kTwoByTwo);
        const QList<ExperimentCell> cells = plan.cells();
        QList<ExperimentRun> recorded{runOf(plan, cells[0].key, 1, QStringLiteral("PASS"), 9000),
                                      runOf(plan, cells[1].key, 1, QStringLiteral("FAIL"), 20000),
                                      // An ERROR measured nothing: made again.
                                      runOf(plan, cells[2].key, 1, QStringLiteral("ERROR"), 0)};
        // A run of another plan (its fingerprint) does not count either.
        ExperimentRun foreign = runOf(plan, cells[3].key, 1, QStringLiteral("PASS"), 9000);
        foreign.fingerprint = QStringLiteral("0000000000000000");
        recorded.append(foreign);
        const QList<PlannedRun> left = remainingRuns(plan, recorded);
        QCOMPARE(left.size(), 10);
        QCOMPARE(left[0].cellIndex, 2);
        QCOMPARE(left[0].repetition, 1);
        QCOMPARE(left[1].cellIndex, 3);
        QCOMPARE(left[2].cellIndex, 0);
        QCOMPARE(left[2].repetition, 2);
    }

    void storeRefusesWhatWouldMixPlans()
    {
        QTemporaryDir tmp;
        const ExperimentPlan plan = parsed(kTwoByTwo);
        const QString dir = experimentDir(tmp.path(), plan.name);
        QVERIFY(prepareExperimentDir(dir, plan, kTwoByTwo, false, {}).ok());
        QVERIFY(QFile::exists(dir + QStringLiteral("/plan.yaml")));
        QCOMPARE(QFileInfo(dir).permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        const ExperimentRun first = runOf(plan, plan.cells()[0].key, 1, QStringLiteral("PASS"), 9000);
        QVERIFY(appendExperimentRun(dir, first).ok());
        auto loaded = loadExperimentRuns(dir);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded.value().size(), 1);
        QCOMPARE(loaded.value()[0].run.rtoMs, std::optional<qint64>(9000));
        // Runs there and no --resume: refused, saying what to do.
        auto again = prepareExperimentDir(dir, plan, kTwoByTwo, false, loaded.value());
        QVERIFY(!again.ok());
        QVERIFY(again.error().hint.contains(QStringLiteral("--resume")));
        QVERIFY(prepareExperimentDir(dir, plan, kTwoByTwo, true, loaded.value()).ok());
        // The plan changed since: refused even with --resume.
        QByteArray changed = kTwoByTwo;
        changed.replace("repetitions: 3", "repetitions: 5");
        auto mixed = prepareExperimentDir(dir, parsed(changed), changed, true, loaded.value());
        QVERIFY(!mixed.ok());
        QVERIFY2(mixed.error().toString().contains(QStringLiteral("another plan")), qPrintable(mixed.error().toString()));
        // The recorded plan reads back.
        auto kept = loadExperiment(dir);
        QVERIFY(kept.ok());
        QCOMPARE(kept.value().plan.fingerprint(), plan.fingerprint());
        QCOMPARE(kept.value().planText, kTwoByTwo);
        QCOMPARE(kept.value().measured(), 1);
        QCOMPARE(listExperiments(tmp.path()).size(), 1);   // the linked directory below is not one
        // A symbolic link where the experiment's directory goes is refused, never followed.
        const QString link = experimentDir(tmp.path(), QStringLiteral("linked"));
        QVERIFY(QFile::link(tmp.path(), link));
        QVERIFY(!prepareExperimentDir(link, plan, kTwoByTwo, false, {}).ok());
        // A torn last line is skipped and counted, the rest kept.
        QFile f(dir + QStringLiteral("/runs.jsonl"));
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"schema\":\"pgha.experiment.run/1\",\"cell\":");
        f.close();
        int skipped = 0;
        auto torn = loadExperimentRuns(dir, &skipped);
        QVERIFY(torn.ok());
        QCOMPARE(torn.value().size(), 1);
        QCOMPARE(skipped, 1);
    }

    void statisticsPerCell()
    {
        const ExperimentPlan plan = parsed(kTwoByTwo);
        const QString cell = plan.cells()[0].key;
        QList<ExperimentRun> runs{runOf(plan, cell, 1, QStringLiteral("PASS"), 9000),
                                  runOf(plan, cell, 2, QStringLiteral("ERROR"), 0),
                                  runOf(plan, cell, 2, QStringLiteral("PASS"), 11000),
                                  runOf(plan, cell, 3, QStringLiteral("FAIL"), 10000)};
        const QList<CellSummary> cells = summarizeExperiment(plan, runs);
        QCOMPARE(cells.size(), 4);
        const CellSummary &c = cells[0];
        QCOMPARE(c.runs, 3);
        QCOMPARE(c.passed, 2);
        QCOMPARE(c.errors, 1);
        const MetricSummary *rto = c.metric(QStringLiteral("rto"));
        QVERIFY(rto);
        QCOMPARE(rto->n, 3);
        QCOMPARE(rto->median, 10.0);
        QCOMPARE(rto->min, 9.0);
        QCOMPARE(rto->max, 11.0);
        QCOMPARE(rto->p95, 11.0);
        QCOMPARE(rto->mean, 10.0);
        // s = 1, t(0.975, 2) = 4.303: 10 ± 2.484.
        QVERIFY(rto->ciLow && rto->ciHigh);
        QVERIFY(qAbs(*rto->ciLow - 7.516) < 0.01);
        QVERIFY(qAbs(*rto->ciHigh - 12.484) < 0.01);
        QCOMPARE(cells[1].runs, 0);
        QVERIFY(!cells[1].metric(QStringLiteral("rto")));
        // A repetition made again replaces the earlier measurement, it does not add one.
        runs.append(runOf(plan, cell, 3, QStringLiteral("PASS"), 12000));
        const QList<CellSummary> cellsAgain = summarizeExperiment(plan, runs);
        const MetricSummary *again = cellsAgain[0].metric(QStringLiteral("rto"));
        QCOMPARE(again->n, 3);
        QCOMPARE(again->max, 12.0);
    }

    // The runs the real runner recorded (2 cells × 2 runs, tpcb-like ×2, native lab).
    void recordedExperiment()
    {
        QTemporaryDir tmp;
        QFile plan(tmp.filePath(QStringLiteral("plan.yaml")));
        QVERIFY(plan.open(QIODevice::WriteOnly));
        plan.write(readFixture(QStringLiteral("experiment/tiny-plan.yaml")));
        plan.close();
        QFile runsFile(tmp.filePath(QStringLiteral("runs.jsonl")));
        QVERIFY(runsFile.open(QIODevice::WriteOnly));
        runsFile.write(readFixture(QStringLiteral("experiment/tiny-runs.jsonl")));
        runsFile.close();
        auto kept = loadExperiment(tmp.path());
        QVERIFY2(kept.ok(), qPrintable(kept.ok() ? QString() : kept.error().toString()));
        QCOMPARE(kept.value().skippedLines, 0);
        QCOMPARE(kept.value().runs.size(), 4);
        const ExperimentPlan &p = kept.value().plan;
        const QList<ExperimentRun> &runs = kept.value().runs;
        QVERIFY(remainingRuns(p, runs).isEmpty());
        const QList<CellSummary> cells = summarizeExperiment(p, runs);
        QCOMPARE(cells.size(), 2);
        for (const auto &c : cells) {
            QCOMPARE(c.runs, 2);
            for (const char *id : {"rto", "write_gap", "pgbench_gap", "throughput_recovery", "lost_writes", "lost_transactions"}) {
                const MetricSummary *m = c.metric(QLatin1String(id));
                QVERIFY2(m && m->n == 2, id);
            }
            // What the runs say: the pgbench gap ends after the probe's first write.
            QVERIFY(c.metric(QStringLiteral("pgbench_gap"))->median >= c.metric(QStringLiteral("write_gap"))->median);
        }
        // JSON and CSV carry every figure.
        const QJsonObject json = experimentSummaryJson(p, cells);
        QCOMPARE(json.value(QStringLiteral("schema")).toString(), QStringLiteral("pgha.experiment.summary/1"));
        QCOMPARE(json.value(QStringLiteral("cells")).toArray().size(), 2);
        const QString csvPath = tmp.filePath(QStringLiteral("cells.csv"));
        QVERIFY(exportExperimentCsv(csvPath, cells).ok());
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QVERIFY(lines.size() > 12);
        QVERIFY(lines[0].startsWith("cell,figure,unit,n,median"));
        // A run's JSON reads back as it was written.
        auto again = ExperimentRun::fromJson(runs.at(0).toJson());
        QVERIFY(again.ok());
        QCOMPARE(again.value().toJson(), runs.at(0).toJson());
    }
};

QTEST_GUILESS_MAIN(TestExperiment)
#include "tst_experiment.moc"
