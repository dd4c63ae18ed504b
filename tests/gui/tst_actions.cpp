// The operator-action GUI offscreen, with no lab: dialogs fed with clusters built from the
// recorded /cluster and /config payloads and pre-flights computed by the same code the runner
// uses. Asserts on the widgets, and writes a PNG of each dialog for people to look at.
#include "isolatedsettings.h"
#include "../unit/fixture.h"

#include "actiondialog.h"
#include "actionmenu.h"
#include "actionprogressview.h"
#include "actioncontroller.h"
#include "application.h"
#include "clustermodel.h"
#include "configeditordialog.h"
#include "environmentbanner.h"
#include "journalview.h"
#include "mainwindow.h"
#include "profileeditordialog.h"

#include "actions/actionrunner.h"
#include "actions/journal.h"
#include "actions/patronicalls.h"
#include "actions/preflight.h"
#include "http/httpclient.h"
#include "lab/nativelab.h"
#include "patroni/patroniparser.h"
#include "secrets/profilesecrets.h"
#include "secrets/secretstore.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "lab/nativelab.h"
#include <QTextBrowser>
#include <QTreeWidget>

using namespace pgha;
using svc::ActionKind;

namespace {

svc::ClusterSnapshot fixtureCluster(const QString &file = QStringLiteral("patroni/cluster-normal.json"))
{
    auto c = svc::parsePatroniCluster(readFixture(file));
    if (!c)
        qFatal("fixture %s does not parse", qPrintable(file));
    return c.value();
}

svc::PatroniDynamicConfig fixtureConfig()
{
    return svc::parsePatroniConfig(readFixture(QStringLiteral("patroni/config.json"))).value();
}

svc::PatroniMember &member(svc::ClusterSnapshot &c, const QString &name)
{
    for (auto &m : c.members)
        if (m.name == name)
            return m;
    qFatal("no member %s", qPrintable(name));
}

QList<svc::MemberApi> apisOf(const svc::ClusterSnapshot &c)
{
    QList<svc::MemberApi> apis;
    for (const auto &m : c.members) {
        QUrl u(m.apiUrl);
        u.setPath(QString());
        apis.append({m.name, u});
    }
    return apis;
}

// What the ActionController hands the dialog after ActionRunner::prepare, without a network.
svc::Preflight feed(views::ActionDialog &dialog, const svc::ClusterSnapshot &cluster, bool production = false)
{
    const auto request = svc::completeRequest(dialog.request(), cluster);
    const svc::PreflightContext ctx{cluster, fixtureConfig(), QStringLiteral("demo"), production, true};
    const auto p = svc::runPreflight(request, ctx);
    views::ActionDialog::Requests requests;
    requests.patronictl = svc::patronictlCommand(request, QStringLiteral("demo"));
    if (auto calls = svc::buildCalls(request, cluster, apisOf(cluster)))
        for (const auto &c : calls.value()) {
            requests.lines << QStringLiteral("%1 %2  %3").arg(QString::fromLatin1(c.verb), c.url.toString(), QString::fromUtf8(c.body));
            requests.curl << svc::curlCommand(c, QStringLiteral("operator"));
        }
    dialog.setPreflight(p, cluster, requests);
    return p;
}

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("PGHA_SCREENSHOT_DIR", QStringLiteral(PGHA_SCREENSHOT_DIR));
    QDir().mkpath(dir);
    return dir;
}

void shoot(QWidget *w, const QString &name)
{
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QTest::qWait(50);
    const QString file = screenshotDir() + QLatin1Char('/') + name;
    QVERIFY2(w->grab().save(file), qPrintable(file));
    qInfo("screenshot: %s", qPrintable(file));
}

// A profile whose endpoints answer nothing (port 1 on loopback): the window is built for real,
// and no request leaves the machine.
QString offlineProfile(const QTemporaryDir &dir, const QString &name, const QString &kind)
{
    const QString path = dir.filePath(name + QStringLiteral(".yaml"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(QStringLiteral("name: %1\nkind: %2\npatroni: [\"http://127.0.0.1:1\"]\n").arg(name, kind).toUtf8());
    return path;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}


// Three members' REST APIs on loopback that answer what Patroni answered on the lab (the
// recorded payloads under fixtures/patroni) and log every request. A real Patroni cannot be made
// to fail its /cluster or to hand the leader role over on cue between two reads, so /cluster can
// be switched to another recording or to a 500 here.
class RecordedPatroni : public QObject {
public:
    static constexpr int kMembers = 3;
    QString clusterFixture = QStringLiteral("patroni/cluster-normal.json");
    bool clusterFails = false;
    QStringList requests;   // "GET /cluster", "PATCH /config" … in arrival order

    RecordedPatroni()
    {
        for (int i = 0; i < kMembers; ++i) {
            auto *server = new QTcpServer(this);
            if (!server->listen(QHostAddress::LocalHost, 0))
                qFatal("cannot listen on loopback: %s", qPrintable(server->errorString()));
            connect(server, &QTcpServer::newConnection, this, [this, server] {
                while (QTcpSocket *s = server->nextPendingConnection()) {
                    connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
                    connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                }
            });
            m_servers.append(server);
        }
    }

    // A lab-kind profile on these APIs (pg1…pg3); the write probe aims at port 1, where nothing
    // listens, so no other lab on this machine is ever written to.
    QString profile(const QTemporaryDir &dir) const
    {
        QString yaml = QStringLiteral("name: recorded\nkind: lab\nscope: demo\ndiscover: false\nbuiltin_metrics: false\n"
                                      "read_write: {host: 127.0.0.1, port: 1}\npatroni:\n");
        for (int i = 0; i < kMembers; ++i)
            yaml += QStringLiteral("  - {name: pg%1, url: \"http://127.0.0.1:%2\"}\n").arg(i + 1).arg(m_servers[i]->serverPort());
        const QString path = dir.filePath(QStringLiteral("recorded.yaml"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(yaml.toUtf8()) < 0)
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    // Everything that would change the cluster: what must never go out unconfirmed.
    QStringList unsafeRequests() const
    {
        QStringList out;
        for (const auto &r : requests)
            if (!r.startsWith(u"GET ") && !r.startsWith(u"OPTIONS ") && !r.startsWith(u"HEAD "))
                out << r;
        return out;
    }

private:
    void onReadyRead(QTcpSocket *s)
    {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray &line : buffer.left(headerEnd).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        const QList<QByteArray> first = buffer.left(buffer.indexOf("\r\n")).split(' ');
        const QString method = QString::fromLatin1(first.value(0));
        const QString path = QString::fromLatin1(first.value(1)).section(QLatin1Char('?'), 0, 0);
        m_buffers.remove(s);
        requests << method + QLatin1Char(' ') + path;
        answer(s, method, path);
    }

    void answer(QTcpSocket *s, const QString &method, const QString &path)
    {
        auto reply = [s](const QByteArray &status, const QByteArray &body) {
            s->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                     + "\r\nConnection: close\r\n\r\n" + body);
            s->disconnectFromHost();
        };
        if (method != u"GET" && method != u"OPTIONS")
            reply("200 OK", "{}");   // logged above: the tests assert it never came
        else if (path == u"/cluster")
            clusterFails ? reply("500 Internal Server Error", "{\"error\": \"recorded failure\"}") : reply("200 OK", readFixture(clusterFixture));
        else if (path == u"/config")
            reply("200 OK", readFixture(QStringLiteral("patroni/config.json")));
        else if (path == u"/history")
            reply("200 OK", readFixture(QStringLiteral("patroni/history.json")));
        else if (path == u"/patroni" || path == u"/primary")
            reply("200 OK", readFixture(QStringLiteral("patroni/patroni-leader.json")));
        else
            reply("404 Not Found", "{}");
    }

    QList<QTcpServer *> m_servers;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TestActions : public QObject {
    Q_OBJECT
private slots:
    void bannerColourPerKind_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QColor>("colour");
        QTest::newRow("lab") << QStringLiteral("lab") << QColor(0x2e, 0x7d, 0x32);
        QTest::newRow("staging") << QStringLiteral("staging") << QColor(0xef, 0x8f, 0x00);
        QTest::newRow("production") << QStringLiteral("production") << QColor(0xc6, 0x28, 0x28);
    }
    void bannerColourPerKind()
    {
        QFETCH(QString, kind);
        QFETCH(QColor, colour);
        views::EnvironmentBanner banner;
        banner.resize(600, 40);
        banner.setProfile(QStringLiteral("demo"), kind, kind == u"lab", QStringLiteral("detail"));
        QCOMPARE(banner.color(), colour);
        // The rendered pixels, not only the property: a corner of the strip has the kind's colour.
        const QImage img = banner.grab().toImage();
        QCOMPARE(img.pixelColor(2, 2), colour);
        QVERIFY(banner.text().contains(kind.toUpper()));
        QCOMPARE(banner.text().contains(u"actions off — enable in the profile editor"), kind != u"lab");
        if (kind == u"production")
            QVERIFY(banner.text().contains(u"font-weight:800"));
    }

    // A profile without kind: is production with actions off, and the banner says it assumed so.
    void missingKindIsProductionInTheBanner()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("nokind.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name: nokind\npatroni: [\"http://127.0.0.1:1\"]\n");
        f.close();
        app::Application::Options options;
        options.profile = path;
        options.pollIntervalMs = 60000;
        app::Application application(options);
        auto *w = application.window();
        QCOMPARE(application.profile().kind, svc::Profile::Kind::Production);
        QCOMPARE(w->banner()->color(), views::EnvironmentBanner::kindColor(QStringLiteral("production")));
        QVERIFY2(w->banner()->text().contains(u"kind not set — treated as production"), qPrintable(w->banner()->text()));
        QVERIFY(w->banner()->text().contains(u"actions off"));
        QVERIFY(!w->actions()->action(views::ActionMenu::Entry::Switchover)->isEnabled());
        shoot(w, QStringLiteral("actions-window-kind-not-set.png"));
        // A profile that names its kind says nothing of the sort.
        views::EnvironmentBanner banner;
        banner.setProfile(QStringLiteral("prod"), QStringLiteral("production"), false, {});
        QVERIFY(!banner.text().contains(u"kind not set"));
    }

    // Send pressed, and the cluster cannot be read right before sending: refused, nothing sent,
    // the reason in the dialog and in the journal.
    void failedFreshReadRefusesAndSendsNothing()
    {
        RecordedPatroni api;
        QTemporaryDir dir;
        app::Application::Options options;
        options.profile = api.profile(dir);
        options.pollIntervalMs = 60000;
        app::Application application(options);
        const QString journal = dir.filePath(QStringLiteral("journal.jsonl"));
        application.actions()->setJournalPath(journal);
        auto *dialog = application.actions()->openAction(ActionKind::Pause);
        QTRY_VERIFY2_WITH_TIMEOUT(dialog->sendButton()->isEnabled(), qPrintable(dialog->problemsLabel()->text()), 10000);
        QVERIFY(!dialog->confirmField()->isVisibleTo(dialog));   // a lab: no typed name for a pause

        api.clusterFails = true;
        QSignalSpy finished(application.actions(), &app::ActionController::actionFinished);
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1 || !api.unsafeRequests().isEmpty(), 10000);
        QCOMPARE(api.unsafeRequests(), QStringList{});
        QVERIFY(api.requests.contains(u"GET /cluster"));
        const auto out = finished[0][0].value<svc::ActionOutcome>();
        QCOMPARE(out.result, svc::ActionOutcome::Result::Refused);
        QVERIFY2(out.summary.contains(u"not sent") && out.summary.contains(u"HTTP 500"), qPrintable(out.summary));
        const QString shown = dialog->progress()->outcomeLabel()->text();
        QVERIFY2(shown.contains(u"REFUSED") && shown.contains(u"could not be read right before sending"), qPrintable(shown));
        QTest::qWait(300);   // nothing trickles out later either
        QCOMPARE(api.unsafeRequests(), QStringList{});
        const auto entries = svc::Journal(journal).read();
        QVERIFY(entries);
        QCOMPARE(entries.value().size(), 1);
        QCOMPARE(entries.value()[0].value(u"outcome").toObject().value(u"result").toString(), QStringLiteral("refused"));
        QVERIFY(entries.value()[0].value(u"requests").toArray().isEmpty());
        shoot(dialog, QStringLiteral("actions-refused-fresh-read-failed.png"));
    }

    // Send pressed for a replica's restart, and that member became the leader meanwhile: the
    // fresh pre-flight wants the cluster name typed, so the dialog comes back asking for it and
    // nothing is sent until it is typed.
    void becameLeaderAsksForTheTypedName()
    {
        RecordedPatroni api;
        QTemporaryDir dir;
        app::Application::Options options;
        options.profile = api.profile(dir);
        options.pollIntervalMs = 60000;
        app::Application application(options);
        application.actions()->setJournalPath(dir.filePath(QStringLiteral("journal.jsonl")));
        // Opened before the first /cluster answer arrived: pg1 stays the target once it is listed.
        auto *dialog = application.actions()->openAction(ActionKind::Restart, QStringLiteral("pg1"));
        QTRY_VERIFY2_WITH_TIMEOUT(dialog->sendButton()->isEnabled(), qPrintable(dialog->sendButton()->toolTip()), 10000);
        QCOMPARE(dialog->memberPicker()->currentData().toString(), QStringLiteral("pg1"));
        QVERIFY(!dialog->confirmField()->isVisibleTo(dialog));   // pg1 is a replica on a lab profile

        api.clusterFixture = QStringLiteral("patroni/cluster-after-switchover.json");   // pg1 leads now
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->changedLabel()->isVisibleTo(dialog) || !api.unsafeRequests().isEmpty(), 10000);
        QCOMPARE(api.unsafeRequests(), QStringList{});
        QVERIFY(!dialog->isSent());
        const QString changed = dialog->changedLabel()->text();
        QVERIFY2(changed.contains(u"Not sent") && changed.contains(u"must be typed now") && changed.contains(u"pg1 is the leader"),
                 qPrintable(changed));
        QVERIFY(dialog->confirmField()->isVisibleTo(dialog));
        QVERIFY(dialog->confirmReasonLabel()->isVisibleTo(dialog));
        QVERIFY(dialog->confirmReasonLabel()->text().contains(u"pg1 is the leader"));
        QVERIFY(!dialog->sendButton()->isEnabled());
        QVERIFY(dialog->sendButton()->toolTip().contains(u"demo"));
        shoot(dialog, QStringLiteral("actions-confirm-again-became-leader.png"));
        QTest::qWait(300);
        QCOMPARE(api.unsafeRequests(), QStringList{});

        // Typed: the next fresh read agrees with what is shown, and the restart goes out.
        QTest::keyClicks(dialog->confirmField(), QStringLiteral("demo"));
        QVERIFY2(dialog->sendButton()->isEnabled(), qPrintable(dialog->sendButton()->toolTip()));
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(api.unsafeRequests(), QStringList{QStringLiteral("POST /restart")}, 15000);
        QVERIFY(!dialog->changedLabel()->isVisibleTo(dialog));
    }

    // The CLI asks on a terminal and then reads the cluster again before sending: a failed read
    // refuses, and a fresh pre-flight that asks more asks again. `script` gives it a terminal.
    void cliRereadsAfterConfirmation_data()
    {
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<bool>("readFails");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("read fails") << QStringList{QStringLiteral("pause")} << true << "could not be read right before sending";
        QTest::newRow("became leader") << QStringList{QStringLiteral("restart"), QStringLiteral("pg1")} << false
                                       << "Type the cluster name (demo) to confirm — pg1 is the leader";
    }
    void cliRereadsAfterConfirmation()
    {
        QFETCH(QStringList, command);
        QFETCH(bool, readFails);
        QFETCH(QString, mentions);
        if (QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty())
            QSKIP("util-linux script(1) is not installed: the CLI asks only on a terminal");
        RecordedPatroni api;
        QTemporaryDir dir;
        QStringList cli{QStringLiteral(PGHA_CLI)};
        cli << command << QStringLiteral("--profile") << api.profile(dir) << QStringLiteral("--journal")
            << dir.filePath(QStringLiteral("journal.jsonl"));
        for (auto &a : cli)
            a = QLatin1Char('\'') + a + QLatin1Char('\'');   // our own paths: no quote inside
        QProcess p;
        QByteArray seen;
        connect(&p, &QProcess::readyReadStandardOutput, &p, [&] { seen += p.readAllStandardOutput(); });
        p.start(QStringLiteral("script"), {QStringLiteral("-qec"), cli.join(QLatin1Char(' ')), QStringLiteral("/dev/null")});
        QTRY_VERIFY2_WITH_TIMEOUT(seen.contains("[y/N]"), seen.constData(), 10000);
        if (readFails)
            api.clusterFails = true;
        else
            api.clusterFixture = QStringLiteral("patroni/cluster-after-switchover.json");
        p.write("y\n");
        if (!readFails) {
            QTRY_VERIFY2_WITH_TIMEOUT(seen.contains(mentions.toUtf8()) || !api.unsafeRequests().isEmpty(), seen.constData(), 10000);
            QVERIFY2(seen.contains("must be typed now"), seen.constData());
            p.write("not-the-name\n");
        }
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning || !api.unsafeRequests().isEmpty(), 15000);
        QCOMPARE(api.unsafeRequests(), QStringList{});
        QVERIFY2(p.exitCode() != 0, seen.constData());
        QVERIFY2(seen.contains(mentions.toUtf8()), seen.constData());
        QVERIFY2(seen.contains("nothing sent") || seen.contains("not sent"), seen.constData());
    }

    void actionsOffSayWhy()
    {
        QWidget parent;
        views::ActionMenu menu(&parent);
        menu.setActionsEnabled(false, QStringLiteral("the profile prod does not allow operator actions"));
        auto *switchover = menu.action(views::ActionMenu::Entry::Switchover);
        QVERIFY(!switchover->isEnabled());
        QVERIFY(switchover->toolTip().contains(u"does not allow operator actions"));
        menu.setActionsEnabled(true, {});
        QVERIFY(switchover->isEnabled());
        menu.setPaused(true);
        QCOMPARE(menu.action(views::ActionMenu::Entry::PauseResume)->text(), QStringLiteral("Resume…"));
        QSignalSpy spy(&menu, &views::ActionMenu::actionRequested);
        menu.action(views::ActionMenu::Entry::PauseResume)->trigger();
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy[0][0].value<ActionKind>(), ActionKind::Resume);
    }

    void windowShowsProfileKindAndActionsOff()
    {
        // A staging profile that names no action switch: actions are off, and the window says so.
        QTemporaryDir dir;
        app::Application::Options options;
        options.profile = offlineProfile(dir, QStringLiteral("staging"), QStringLiteral("staging"));
        options.pollIntervalMs = 60000;
        app::Application application(options);
        auto *w = application.window();
        QVERIFY(w->windowTitle().contains(u"staging"));
        QVERIFY(w->windowTitle().contains(u"actions off"));
        QCOMPARE(w->banner()->color(), views::EnvironmentBanner::kindColor(QStringLiteral("staging")));
        auto *switchover = w->actions()->action(views::ActionMenu::Entry::Switchover);
        QVERIFY(!switchover->isEnabled());
        QVERIFY(switchover->toolTip().contains(u"File → Profiles"));
        shoot(w, QStringLiteral("actions-window-staging.png"));
    }

    void switchoverShowsWhyACandidateIsNotEligible()
    {
        auto cluster = fixtureCluster();
        member(cluster, QStringLiteral("pg2")).lag = {svc::MemberLag::Kind::Bytes, 50 * 1024 * 1024};
        svc::ActionRequest r;
        r.kind = ActionKind::Switchover;
        views::ActionDialog dialog(r, cluster, QStringLiteral("demo"));
        QVERIFY(!dialog.sendButton()->isEnabled());   // no pre-flight yet
        const auto p = feed(dialog, cluster);
        QVERIFY(p.allowed);
        QVERIFY(!p.typedConfirmation);
        auto *list = dialog.candidateList();
        QTreeWidgetItem *pg2 = nullptr;
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            if (list->topLevelItem(i)->text(0) == u"pg2")
                pg2 = list->topLevelItem(i);
        QVERIFY(pg2);
        QCOMPARE(pg2->text(1), QStringLiteral("not eligible"));
        QVERIFY2(pg2->text(2).contains(u"maximum_lag_on_failover"), qPrintable(pg2->text(2)));
        QVERIFY(!(pg2->flags() & Qt::ItemIsEnabled));   // greyed
        QCOMPARE(dialog.memberList()->topLevelItemCount(), 3);
        QVERIFY(dialog.sendButton()->isEnabled());
        QVERIFY(dialog.copiedCurl().contains(u"curl"));
        QVERIFY(dialog.copiedCurl().contains(u"-u operator"));
        QVERIFY(dialog.copiedPatronictl().contains(u"patronictl"));
        QVERIFY(!dialog.expectedLabel()->text().isEmpty());

        // Choosing a candidate re-runs the pre-flight (debounced) with that candidate.
        QSignalSpy rerun(&dialog, &views::ActionDialog::requestChanged);
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            if (list->topLevelItem(i)->text(0) == u"pg1")
                list->setCurrentItem(list->topLevelItem(i));   // what a click does
        QVERIFY(!dialog.sendButton()->isEnabled());   // until the new verdict arrives
        QTRY_COMPARE(rerun.size(), 1);
        QCOMPARE(rerun[0][0].value<svc::ActionRequest>().candidate, QStringLiteral("pg1"));
        feed(dialog, cluster);
        QVERIFY(dialog.sendButton()->isEnabled());
        shoot(&dialog, QStringLiteral("actions-switchover-dialog.png"));
    }

    void typedNameNeeded_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("production");
        QTest::newRow("failover") << int(ActionKind::Failover) << false;
        QTest::newRow("reinit") << int(ActionKind::Reinit) << false;
        QTest::newRow("pause on production") << int(ActionKind::Pause) << true;
        QTest::newRow("switchover on production") << int(ActionKind::Switchover) << true;
    }
    void typedNameNeeded()
    {
        QFETCH(int, kind);
        QFETCH(bool, production);
        auto cluster = fixtureCluster();
        svc::ActionRequest r;
        r.kind = ActionKind(kind);
        if (r.kind == ActionKind::Failover) {
            member(cluster, QStringLiteral("pg3")).state = QStringLiteral("stopped");   // the leader is gone
            r.candidate = QStringLiteral("pg1");
        }
        if (r.kind == ActionKind::Reinit)
            r.members = {QStringLiteral("pg1")};
        views::ActionDialog dialog(r, cluster, QStringLiteral("demo"));
        const auto p = feed(dialog, cluster, production);
        QVERIFY2(p.allowed, qPrintable(p.blockers.join(QStringLiteral("; "))));
        QVERIFY(p.typedConfirmation);
        QVERIFY(dialog.confirmField()->isVisibleTo(&dialog));
        QVERIFY(!dialog.sendButton()->isEnabled());
        QVERIFY(dialog.sendButton()->toolTip().contains(u"demo"));
        QTest::keyClicks(dialog.confirmField(), QStringLiteral("dem"));
        QVERIFY(!dialog.sendButton()->isEnabled());
        QTest::keyClicks(dialog.confirmField(), QStringLiteral("o"));
        QVERIFY(dialog.sendButton()->isEnabled());
        QSignalSpy send(&dialog, &views::ActionDialog::sendRequested);
        QTest::mouseClick(dialog.sendButton(), Qt::LeftButton);
        QCOMPARE(send.size(), 1);
        QVERIFY(dialog.isSent());
        if (r.kind == ActionKind::Failover) {
            dialog.hide();
            QVERIFY(dialog.progress()->isVisibleTo(&dialog));
        }
    }

    void blockersDisableSend()
    {
        auto cluster = fixtureCluster();   // pg3 is a healthy leader: failover is the wrong tool
        svc::ActionRequest r;
        r.kind = ActionKind::Failover;
        r.candidate = QStringLiteral("pg1");
        views::ActionDialog dialog(r, cluster, QStringLiteral("demo"));
        const auto p = feed(dialog, cluster);
        QVERIFY(!p.allowed);
        QTest::keyClicks(dialog.confirmField(), QStringLiteral("demo"));
        QVERIFY(!dialog.sendButton()->isEnabled());
        QVERIFY(dialog.problemsLabel()->text().contains(u"healthy leader"));
        shoot(&dialog, QStringLiteral("actions-failover-refused.png"));
    }

    void progressShowsStepsAndOutcome()
    {
        auto cluster = fixtureCluster();
        svc::ActionRequest r;
        r.kind = ActionKind::Switchover;
        r.candidate = QStringLiteral("pg1");
        views::ActionDialog dialog(r, cluster, QStringLiteral("demo"));
        feed(dialog, cluster);
        using S = svc::ActionStep::State;
        QList<svc::ActionStep> steps{
            {QStringLiteral("POST /switchover to pg3"), S::Done, QStringLiteral("HTTP 200: Successfully switched over to \"pg1\""), 2710},
            {QStringLiteral("pg1 holds the leader key"), S::Done, QStringLiteral("timeline 4"), 2650},
            {QStringLiteral("writes succeed through the read-write entry point"), S::Done, QStringLiteral("127.0.0.1:5000"), 3020},
            {QStringLiteral("pg2, pg3 stream from pg1"), S::Running, QStringLiteral("pg3 is restarting as a replica"), -1},
            {QStringLiteral("every member on timeline 4"), S::Pending, QString(), -1},
        };
        dialog.setSteps(steps);
        QVERIFY(dialog.progress()->isVisibleTo(&dialog));
        QCOMPARE(dialog.progress()->stepList()->topLevelItemCount(), 5);
        QCOMPARE(dialog.progress()->stepList()->topLevelItem(0)->text(3), QStringLiteral("+2.71 s"));
        shoot(&dialog, QStringLiteral("actions-progress-running.png"));

        steps[3].state = S::Done;
        steps[3].elapsedMs = 5400;
        steps[4].state = S::Done;
        steps[4].elapsedMs = 5480;
        svc::ActionOutcome out;
        out.result = svc::ActionOutcome::Result::Succeeded;
        out.summary = QStringLiteral("pg1 leads on timeline 4; the cluster converged after 5.48 s");
        out.httpStatus = 200;
        out.requestMs = 2710;
        out.steps = steps;
        out.timeToNewLeaderMs = 2650;
        out.convergedMs = 5480;
        out.writeGapMs = 2840;
        out.writesAcknowledged = 131;
        out.writesFailed = 12;
        out.newLeader = QStringLiteral("pg1");
        out.newTimeline = 4;
        dialog.setOutcome(out);
        dialog.setJournalNote(QStringLiteral("Recorded in the operator journal /tmp/journal.jsonl"));
        const QString text = dialog.progress()->outcomeLabel()->text();
        QVERIFY(text.contains(u"SUCCEEDED"));
        QVERIFY(text.contains(u"2.84 s"));   // write gap
        QVERIFY(text.contains(u"131 / 12"));
        QVERIFY(!dialog.progress()->stopButton()->isEnabled());
        shoot(&dialog, QStringLiteral("actions-progress-outcome.png"));
    }

    void configEditorEnforcesTheTimingRule()
    {
        views::ConfigEditorDialog editor(fixtureConfig(), QStringLiteral("demo"));
        QVERIFY(editor.patch().isEmpty());
        QVERIFY(!editor.reviewButton()->isEnabled());
        editor.retryTimeoutBox()->setValue(5);   // 2 + 2 × 5 = 12 > ttl 10
        QVERIFY(!editor.errors().isEmpty());
        QVERIFY(editor.errors().join(u' ').contains(u"loop_wait + 2 × retry_timeout"));
        QVERIFY(editor.checkLabel()->text().contains(u"is over ttl"));
        QVERIFY(!editor.reviewButton()->isEnabled());
        editor.ttlBox()->setValue(20);
        QVERIFY2(editor.errors().isEmpty(), qPrintable(editor.errors().join(u'\n')));
        QVERIFY(editor.reviewButton()->isEnabled());
        editor.addParameter(QStringLiteral("work_mem"), QStringLiteral("8MB"));
        editor.synchronousBox()->setChecked(true);
        const QJsonObject patch = editor.patch();
        QCOMPARE(patch.value(u"ttl").toInt(), 20);
        QCOMPARE(patch.value(u"retry_timeout").toInt(), 5);
        QCOMPARE(patch.value(u"synchronous_mode").toBool(), true);
        QCOMPARE(patch.value(u"postgresql").toObject().value(u"parameters").toObject().value(u"work_mem").toString(), QStringLiteral("8MB"));
        QCOMPARE(editor.diffTable()->rowCount(), 4);
        QSignalSpy ready(&editor, &views::ConfigEditorDialog::patchReady);
        editor.retryTimeoutBox()->setValue(9);   // 2 + 18 = 20 ≤ 20: still fine
        QVERIFY(editor.errors().isEmpty());
        editor.loopWaitBox()->setValue(3);       // 3 + 18 = 21 > 20
        QVERIFY(!editor.reviewButton()->isEnabled());
        shoot(&editor, QStringLiteral("actions-config-editor.png"));
        editor.loopWaitBox()->setValue(2);
        QTest::mouseClick(editor.reviewButton(), Qt::LeftButton);
        QCOMPARE(ready.size(), 1);
    }

    void journalListsAndExports()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("journal.jsonl"));
        const svc::Journal journal(path);
        // A refusal as the runner records it (nothing is sent: no network needed) …
        svc::HttpClient http;
        svc::ActionRunner refused(&http, svc::ActionTarget{});
        refused.execute();
        svc::JournalContext ctx{QStringLiteral("lab"), QStringLiteral("lab"), QStringLiteral("demo"), QStringLiteral("operator"), {}};
        QVERIFY(journal.append(svc::journalEntry(refused, ctx)));
        // … and a switchover as recorded on the lab.
        QJsonObject done{
            {QStringLiteral("time"), QStringLiteral("2026-11-22T20:15:03.120Z")},
            {QStringLiteral("profile"), QStringLiteral("lab")}, {QStringLiteral("profileKind"), QStringLiteral("lab")},
            {QStringLiteral("scope"), QStringLiteral("demo")}, {QStringLiteral("action"), QStringLiteral("switchover")},
            {QStringLiteral("target"), QJsonArray{QStringLiteral("pg1")}},
            {QStringLiteral("patronictl"), QStringLiteral("patronictl switchover demo --leader pg3 --candidate pg1 --force")},
            {QStringLiteral("requests"), QJsonArray{QJsonObject{{QStringLiteral("member"), QStringLiteral("pg3")},
                                                               {QStringLiteral("method"), QStringLiteral("POST")},
                                                               {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8010/switchover")},
                                                               {QStringLiteral("body"), QStringLiteral("{\"leader\":\"pg3\",\"candidate\":\"pg1\"}")},
                                                               {QStringLiteral("curl"), QStringLiteral("curl -sS -X POST -u operator …")},
                                                               {QStringLiteral("response"), QJsonObject{{QStringLiteral("status"), 200},
                                                                                                        {QStringLiteral("body"), QStringLiteral("Successfully switched over to \"pg1\"")}}}}}},
            {QStringLiteral("outcome"), QJsonObject{{QStringLiteral("result"), QStringLiteral("succeeded")},
                                                    {QStringLiteral("summary"), QStringLiteral("pg1 leads on timeline 4")},
                                                    {QStringLiteral("writeGapMs"), 2840},
                                                    {QStringLiteral("timeToNewLeaderMs"), 2650},
                                                    {QStringLiteral("writesAcknowledged"), 131},
                                                    {QStringLiteral("writesFailed"), 12}}}};
        QVERIFY(journal.append(done));

        views::JournalView view;
        view.resize(1100, 520);
        view.setJournalPath(path);
        QCOMPARE(view.entryCount(), 2);
        auto *t = view.table();
        QCOMPARE(t->item(0, views::JournalView::Action)->text(), QStringLiteral("switchover"));   // newest first
        QCOMPARE(t->item(0, views::JournalView::WriteGap)->text(), QStringLiteral("2.84 s"));
        QCOMPARE(t->item(1, views::JournalView::Result)->text(), QStringLiteral("refused"));
        QVERIFY(view.details()->toPlainText().contains(u"http://127.0.0.1:8010/switchover"));
        QVERIFY(view.details()->toPlainText().contains(u"patronictl switchover"));

        const QString exported = dir.filePath(QStringLiteral("export.jsonl"));
        QVERIFY(view.exportTo(exported));
        QCOMPARE(readAll(exported).count('\n'), 2);
        QVERIFY(view.statusLabel()->text().contains(exported));
        shoot(&view, QStringLiteral("actions-journal.png"));
    }

    void profileEditorSavesAtomicallyAndRefusesBadYaml()
    {
        QTemporaryDir dir;
        svc::MemorySecretStore secrets;
        views::ProfileEditorDialog editor(&secrets, dir.path());
        editor.newProfile();
        editor.nameField()->setText(QStringLiteral("prod-eu"));
        editor.kindField()->setCurrentIndex(editor.kindField()->findText(QStringLiteral("production")));
        editor.actionsField()->setChecked(true);
        editor.patroniField()->setPlainText(QStringLiteral("db1 https://10.0.0.11:8008\nhttps://10.0.0.12:8008"));
        editor.restUserField()->setText(QStringLiteral("pgha"));
        editor.passwordField()->setText(QStringLiteral("s3cret-pw"));
        editor.verifyTlsField()->setChecked(false);
        QVERIFY(editor.tlsWarning()->isVisibleTo(&editor));
        QVERIFY(editor.tlsWarning()->text().contains(u"not checked"));
        shoot(&editor, QStringLiteral("actions-profile-editor-no-tls.png"));
        editor.verifyTlsField()->setChecked(true);
        QVERIFY(!editor.tlsWarning()->isVisibleTo(&editor));
        QSignalSpy saved(&editor, &views::ProfileEditorDialog::profileSaved);
        QVERIFY2(editor.save(), qPrintable(editor.errorLabel()->text()));
        QCOMPARE(saved.size(), 1);
        const QString file = dir.filePath(QStringLiteral("prod-eu.yaml"));
        QCOMPARE(editor.currentPath(), file);
        const QByteArray yaml = readAll(file);
        QVERIFY(!yaml.contains("s3cret-pw"));   // the password is in the secret store only
        auto parsed = svc::parseProfile(yaml, file);
        QVERIFY(parsed);
        QCOMPARE(parsed.value().kind, svc::Profile::Kind::Production);
        QVERIFY(parsed.value().actionsEnabled);
        QCOMPARE(parsed.value().patroni.size(), 2);
        QCOMPARE(parsed.value().patroni[0].name, QStringLiteral("db1"));
        // Stored for this file and each Patroni origin it names (not under the name the profile gives itself).
        for (const char *origin : {"https://10.0.0.11:8008", "https://10.0.0.12:8008"})
            QTRY_COMPARE(secrets.values().value(svc::secretKey(QStringLiteral("patroni-rest"), QUrl(QLatin1String(origin)), file)),
                         QStringLiteral("s3cret-pw"));
        QCOMPARE(secrets.values().size(), 2);
        // Atomic: nothing but the profile in the directory (no temp file left behind).
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("prod-eu.yaml")});
        QCOMPARE(editor.profileList()->count(), 1);
        editor.setSessionOnlyNotice(QStringLiteral("No keychain available: passwords are kept for this session only"));
        // What watching it found (ClusterObserver::discoveredSummary), shown with this profile only.
        QVERIFY(!editor.discoveredLabel()->isVisibleTo(&editor));
        editor.setDiscovered(file, {QStringLiteral("Patroni REST APIs of db3 (https://10.0.0.13:8008)"),
                                    QStringLiteral("PostgreSQL of db1 (10.0.0.11:5432), db2 (10.0.0.12:5432), db3 (10.0.0.13:5432), from /cluster")});
        QVERIFY(editor.discoveredLabel()->isVisibleTo(&editor));
        QVERIFY(editor.discoveredLabel()->text().contains(u"db3 (https://10.0.0.13:8008)"));
        shoot(&editor, QStringLiteral("actions-profile-editor.png"));
        editor.newProfile();
        QVERIFY(!editor.discoveredLabel()->isVisibleTo(&editor));
        QVERIFY(editor.selectProfile(QStringLiteral("prod-eu")));
        QVERIFY(editor.discoveredLabel()->isVisibleTo(&editor));

        // A malformed YAML: line and column shown, the file left as it was.
        editor.setPage(views::ProfileEditorDialog::Page::Yaml);
        editor.yamlEditor()->setPlainText(QStringLiteral("name: prod-eu\nkind: production\npatroni: [http://10.0.0.11:8008\n"));
        QVERIFY(!editor.save());
        const QString error = editor.errorLabel()->text();
        QVERIFY2(error.contains(u"line ") && error.contains(u"column "), qPrintable(error));
        QVERIFY(editor.errorLabel()->isVisibleTo(&editor));
        QCOMPARE(readAll(file), yaml);
        shoot(&editor, QStringLiteral("actions-profile-editor-error.png"));

        // A URL with user:password@ is refused on the form, without echoing the password.
        editor.setPage(views::ProfileEditorDialog::Page::Form);
        editor.patroniField()->setPlainText(QStringLiteral("db1 https://admin:s3cret-url@10.0.0.11:8008"));
        QVERIFY(!editor.save());
        QVERIFY2(editor.errorLabel()->text().contains(u"credentials never go into a URL"), qPrintable(editor.errorLabel()->text()));
        QVERIFY(!editor.errorLabel()->text().contains(u"s3cret-url"));
        QCOMPARE(readAll(file), yaml);
        editor.setPage(views::ProfileEditorDialog::Page::Yaml);

        // A password in the YAML is refused too, with its line.
        editor.yamlEditor()->setPlainText(QString::fromUtf8(yaml) + QStringLiteral("password: oops\n"));
        QVERIFY(!editor.save());
        QVERIFY(editor.errorLabel()->text().contains(u"line "));
        QCOMPARE(readAll(file), yaml);
    }

    void profileEditorSwitchesTheWindow()
    {
        QStandardPaths::setTestModeEnabled(true);   // profileDirectory() under ~/.qttest, not the real one
        QDir(svc::profileDirectory()).removeRecursively();
        QDir().mkpath(svc::profileDirectory());
        QTemporaryDir dir;
        auto prod = svc::loadProfileFile(offlineProfile(dir, QStringLiteral("prod"), QStringLiteral("staging"))).value();
        prod.kind = svc::Profile::Kind::Production;
        prod.actionsEnabled = true;
        QVERIFY(svc::saveProfileFile(prod, QDir(svc::profileDirectory()).filePath(QStringLiteral("prod.yaml"))));

        app::Application::Options options;
        options.profile = offlineProfile(dir, QStringLiteral("staging"), QStringLiteral("staging"));
        options.pollIntervalMs = 60000;
        app::Application application(options);
        auto *w = application.window();
        QVERIFY(!w->actions()->actionsEnabled());
        w->profilesAction()->trigger();
        auto *editor = w->findChild<views::ProfileEditorDialog *>();
        QVERIFY(editor);
        QVERIFY(editor->selectProfile(QStringLiteral("prod")));
        QTest::mouseClick(editor->findChild<QPushButton *>(QStringLiteral("useProfile")), Qt::LeftButton);
        QCOMPARE(application.profile().name, QStringLiteral("prod"));
        QVERIFY(w->windowTitle().contains(u"production"));
        QCOMPARE(w->banner()->color(), views::EnvironmentBanner::kindColor(QStringLiteral("production")));
        QVERIFY(w->actions()->actionsEnabled());
        shoot(w, QStringLiteral("actions-window-production.png"));
        editor->close();
        QDir(svc::profileDirectory()).removeRecursively();
        QStandardPaths::setTestModeEnabled(false);
    }

    // Against the shared test lab (or PGHA_ACTIONS_LIVE_LAB_DIR): the real pre-flight, one real
    // switchover sent from the dialog and followed to its outcome, a reload of one replica, and a
    // failover refused before sending.
    void liveLab()
    {
        QString labDir = qEnvironmentVariable("PGHA_ACTIONS_LIVE_LAB_DIR");
        if (labDir.isEmpty())
            labDir = qEnvironmentVariable("PGHA_LAB_DIR");
        if (labDir.isEmpty() || svc::NativeLab::inspect(labDir).status != svc::NativeLab::Status::Running)
            QSKIP("no running lab: run through ctest (fixture \"lab\") or set PGHA_ACTIONS_LIVE_LAB_DIR");
        qputenv("PGHA_LAB_DIR", labDir.toUtf8());
        QTemporaryDir dir;
        app::Application application(app::Application::Options{});
        application.actions()->setJournalPath(dir.filePath(QStringLiteral("journal.jsonl")));
        application.show();
        QTRY_VERIFY_WITH_TIMEOUT(application.clusterModel()->rowCount() >= 2, 15000);
        QVERIFY(application.window()->actions()->action(views::ActionMenu::Entry::Switchover)->isEnabled());
        auto *dialog = application.actions()->openAction(ActionKind::Switchover);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->expectedLabel()->text().contains(u"Reading"), 10000);
        QVERIFY2(dialog->sendButton()->isEnabled(), qPrintable(dialog->problemsLabel()->text()));
        QVERIFY(dialog->copiedCurl().contains(u"/switchover"));
        shoot(dialog, QStringLiteral("actions-live-switchover-preflight.png"));
        shoot(application.window(), QStringLiteral("actions-live-window.png"));
        QSignalSpy finished(application.actions(), &app::ActionController::actionFinished);
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 90000);
        const auto switched = finished[0][0].value<svc::ActionOutcome>();
        QVERIFY2(switched.ok(), qPrintable(switched.summary));
        QVERIFY(switched.writeGapMs > 0);
        QVERIFY(dialog->progress()->outcomeLabel()->text().contains(u"SUCCEEDED"));
        shoot(dialog, QStringLiteral("actions-live-switchover-outcome.png"));
        dialog->close();

        // The one action sent: a reload of one replica (harmless to anyone else using the lab),
        // followed to its outcome, journaled, and listed in the journal tab.
        auto *reload = application.actions()->openAction(ActionKind::Reload, QStringLiteral("pg2"));
        QTRY_VERIFY_WITH_TIMEOUT(reload->sendButton()->isEnabled(), 10000);
        QTest::mouseClick(reload->sendButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        const auto outcome = finished[1][0].value<svc::ActionOutcome>();
        QVERIFY2(outcome.ok(), qPrintable(outcome.summary));
        QCOMPARE(application.window()->journal()->entryCount(), 2);
        QVERIFY(reload->progress()->outcomeLabel()->text().contains(u"SUCCEEDED"));
        shoot(reload, QStringLiteral("actions-live-reload-outcome.png"));

        // A failover while the leader is healthy is refused before sending; closing the dialog
        // records the refusal, as the CLI does.
        auto *failover = application.actions()->openAction(ActionKind::Failover, QStringLiteral("pg2"));
        QTRY_VERIFY_WITH_TIMEOUT(failover->problemsLabel()->text().contains(u"healthy leader"), 10000);
        QVERIFY(!failover->sendButton()->isEnabled());
        failover->close();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 5000);
        QCOMPARE(finished[2][0].value<svc::ActionOutcome>().result, svc::ActionOutcome::Result::Refused);
        QCOMPARE(application.window()->journal()->entryCount(), 3);
    }
};

QTEST_MAIN(TestActions)
#include "tst_actions.moc"
