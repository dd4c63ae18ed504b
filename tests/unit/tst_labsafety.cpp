// The lab directory and the files a lab writes, tried as a careless or hostile user would: a
// PGHA_LAB_DIR that is not a lab's, a symlinked or foreign-owned one, links planted where the lab
// writes, a postmaster.pid naming another process, a PID reused. Each case failed on the code
// before the hardening issue (#13): the directory was emptied, links were followed, PIDs taken
// on trust. Parts that need root (another account, chown) say why they are skipped otherwise.
#include "core/safefs.h"
#include "lab/labdir.h"
#include "lab/labfiles.h"
#include "lab/labhealth.h"
#include "lab/labstate.h"
#include "lab/nativelab.h"
#include "process/procutil.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace pgha::svc;

namespace {

void writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    f.write(text);
}

QByteArray readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

uint modeOf(const QString &path)
{
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

// A person's directory: a file, a sub-folder with a file, and a link to a folder elsewhere.
void fillForeign(const QString &dir, const QString &outside)
{
    QDir().mkpath(dir + QStringLiteral("/chapter1"));
    writeText(dir + QStringLiteral("/thesis.tex"), "\\documentclass{book}\n");
    writeText(dir + QStringLiteral("/chapter1/figures.txt"), "fig 1\n");
    QDir().mkpath(outside);
    writeText(outside + QStringLiteral("/precious.txt"), "keep me\n");
    QVERIFY(QFile::link(outside, dir + QStringLiteral("/linked")));
}

void checkForeignIntact(const QString &dir, const QString &outside, uint mode)
{
    QCOMPARE(readText(dir + QStringLiteral("/thesis.tex")), QByteArray("\\documentclass{book}\n"));
    QCOMPARE(readText(dir + QStringLiteral("/chapter1/figures.txt")), QByteArray("fig 1\n"));
    QCOMPARE(readText(outside + QStringLiteral("/precious.txt")), QByteArray("keep me\n"));
    QVERIFY(QFileInfo(dir + QStringLiteral("/linked")).isSymLink());
    QCOMPARE(modeOf(dir), mode);
}

LabOutcome startLab(const QString &labDir, LabService::StaleAction stale = LabService::StaleAction::Refuse, bool wipe = false)
{
    LabConfig config;
    config.labDir = labDir;
    config.ports = LabPorts().withOffset(3100);   // never started: every case fails before
    NativeLab lab(config, nullptr);
    QSignalSpy finished(&lab, &NativeLab::startFinished);
    LabService::StartOptions options;
    options.stale = stale;
    options.wipe = wipe;
    lab.start(options);
    if (finished.isEmpty() && !finished.wait(20000))
        return LabOutcome::failure(makeError(QStringLiteral("no answer")));
    return finished.takeFirst().at(0).value<LabOutcome>();
}

} // namespace

class TestLabSafety : public QObject {
    Q_OBJECT

private slots:
    // Item 1: a start on a directory that is not a lab's deletes nothing and changes nothing.
    void startRefusesAForeignDirectory_data()
    {
        QTest::addColumn<bool>("wipe");
        QTest::newRow("start") << false;
        QTest::newRow("start --wipe") << true;
    }
    void startRefusesAForeignDirectory()
    {
        QFETCH(bool, wipe);
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("mine"));
        const QString outside = tmp.filePath(QStringLiteral("elsewhere"));
        fillForeign(dir, outside);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                           | QFileDevice::ReadGroup | QFileDevice::ExeGroup);
        const uint mode = modeOf(dir);
        const LabOutcome o = startLab(dir, wipe ? LabService::StaleAction::Wipe : LabService::StaleAction::Refuse, wipe);
        QVERIFY(!o.ok);
        QVERIFY2(o.error.message.contains(dir) && o.error.message.contains(u"not a lab directory"), qPrintable(o.error.toString()));
        checkForeignIntact(dir, outside, mode);
        QVERIFY(!QFile::exists(dir + QStringLiteral("/lock")));
    }

    void symlinkedLabDirectoryIsRefused()
    {
        QTemporaryDir tmp;
        const QString real = tmp.filePath(QStringLiteral("real"));
        const QString outside = tmp.filePath(QStringLiteral("elsewhere"));
        fillForeign(real, outside);
        const uint mode = modeOf(real);
        const QString link = tmp.filePath(QStringLiteral("lab"));
        QVERIFY(QFile::link(real, link));
        const LabOutcome o = startLab(link);
        QVERIFY(!o.ok);
        QVERIFY2(o.error.message.contains(u"symbolic link"), qPrintable(o.error.toString()));
        checkForeignIntact(real, outside, mode);
        QVERIFY(!LabState::load(link).ok());
    }

    void worldWritableOrForeignOwnedIsRefused()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("open"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0777) == 0);
        auto r = checkLabDirTrusted(dir);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(u"written by other accounts"), qPrintable(r.error().toString()));
        QVERIFY(!startLab(dir).ok);
        QCOMPARE(modeOf(dir), 0777u);

        if (::geteuid() != 0) {
            qInfo("skipped the foreign-owner case: chown to another account needs root");
            return;
        }
        const QString theirs = tmp.filePath(QStringLiteral("theirs"));
        QVERIFY(QDir().mkpath(theirs));
        QVERIFY(::chmod(QFile::encodeName(theirs).constData(), 0700) == 0);
        QVERIFY(::chown(QFile::encodeName(theirs).constData(), 65534, 65534) == 0);   // nobody
        r = checkLabDirTrusted(theirs);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(u"belongs to uid 65534"), qPrintable(r.error().toString()));
        QVERIFY(!LabState::load(theirs).ok());
    }

    void emptyOrMissingDirectoriesAreClaimed()
    {
        QTemporaryDir tmp;
        bool created = false;
        QVERIFY(claimLabDir(tmp.filePath(QStringLiteral("new/lab")), false, &created).ok());
        QVERIFY(created);
        QCOMPARE(modeOf(tmp.filePath(QStringLiteral("new/lab"))), 0700u);
        const QString empty = tmp.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        QVERIFY(claimLabDir(empty, true, &created).ok());
        QVERIFY(!created);
        QCOMPARE(modeOf(empty), 0711u);
    }

    // Item 1 and issue #20: a wipe deletes one flavour's entries only — never a person's file,
    // never the other flavour's state and passwords, never through a link.
    void wipeDeletesOnlyTheFlavoursOwnEntries()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("lab"));
        QVERIFY(QDir().mkpath(dir));
        LabConfig config;
        config.labDir = dir;
        LabState native;
        native.config = config;
        native.secrets = generateSecrets();
        QVERIFY(native.save(dir).ok());
        LabState docker = native;
        docker.flavor = QStringLiteral("docker");
        docker.secrets = generateSecrets();
        QVERIFY(docker.save(dir).ok());
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/pg1/data")));
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/docker")));
        writeText(dir + QStringLiteral("/notes.txt"), "mine\n");
        const QString outside = tmp.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(outside));
        writeText(outside + QStringLiteral("/precious.txt"), "keep me\n");
        QVERIFY(QFile::link(outside, dir + QStringLiteral("/pg1/data/trap")));

        QVERIFY(wipeFlavour(dir, QStringLiteral("native"), config).ok());
        QVERIFY(!QFile::exists(dir + QStringLiteral("/pg1")));
        QVERIFY(!LabState::exists(dir, QStringLiteral("native")));
        QCOMPARE(readText(outside + QStringLiteral("/precious.txt")), QByteArray("keep me\n"));
        QCOMPARE(readText(dir + QStringLiteral("/notes.txt")), QByteArray("mine\n"));
        const auto kept = LabState::load(dir, QStringLiteral("docker"));
        QVERIFY(kept.ok());
        QCOMPARE(kept.value().secrets.superuser, docker.secrets.superuser);
        QVERIFY(QFile::exists(dir + QStringLiteral("/docker")));
        QVERIFY(!removeLabDirIfEmpty(dir));   // notes.txt and the Docker lab are still there
    }

    // Issue #20: each flavour keeps its own state and passwords; the directory's lab is the
    // one that runs, else the one used last; an old Docker state in state.json is still found.
    void flavoursKeepTheirOwnState()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        LabState native;
        native.config.labDir = dir;
        native.phase = LabState::Phase::Running;
        native.secrets = generateSecrets();
        QVERIFY(native.save(dir).ok());
        LabState docker = native;
        docker.flavor = QStringLiteral("docker");
        docker.phase = LabState::Phase::Stopped;
        docker.secrets = generateSecrets();
        QTest::qWait(5);
        QVERIFY(docker.save(dir).ok());
        QCOMPARE(LabState::load(dir).value().flavor, QStringLiteral("native"));   // running wins
        native.phase = LabState::Phase::Stopped;
        QVERIFY(native.save(dir).ok());
        QTest::qWait(5);
        QVERIFY(docker.save(dir).ok());
        QCOMPARE(LabState::load(dir).value().flavor, QStringLiteral("docker"));   // used last
        QCOMPARE(LabState::load(dir, QStringLiteral("native")).value().secrets.superuser, native.secrets.superuser);
        QCOMPARE(LabState::load(dir, QStringLiteral("docker")).value().secrets.superuser, docker.secrets.superuser);

        // A Docker lab an earlier version recorded in state.json.
        QTemporaryDir old;
        QVERIFY(fs::writeFileAtomic(old.filePath(QStringLiteral("state.json")), docker.toJson(), 0600).ok());
        QVERIFY(!LabState::exists(old.path(), QStringLiteral("native")));
        QCOMPARE(LabState::load(old.path(), QStringLiteral("docker")).value().secrets.superuser, docker.secrets.superuser);
        QVERIFY(LabState::load(old.path(), QStringLiteral("docker")).value().save(old.path()).ok());
        QVERIFY(!QFile::exists(old.filePath(QStringLiteral("state.json"))));   // moved to its own file
        QVERIFY(QFile::exists(old.filePath(QStringLiteral("docker-state.json"))));
    }

    // Item 2: a link planted where a lab file goes is replaced, never written through.
    void plantedLinksAreReplacedNotFollowed()
    {
        QTemporaryDir tmp;
        const QString target = tmp.filePath(QStringLiteral("target"));
        writeText(target, "untouched\n");
        QVERIFY(::chmod(QFile::encodeName(target).constData(), 0644) == 0);
        const QString dir = tmp.filePath(QStringLiteral("lab"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::link(target, dir + QStringLiteral("/state.json")));
        LabState s;
        s.config.labDir = dir;
        QVERIFY(!LabState::load(dir).ok());   // a linked state file is not read
        QVERIFY(s.save(dir).ok());
        QCOMPARE(readText(target), QByteArray("untouched\n"));
        QCOMPARE(modeOf(target), 0644u);
        QVERIFY(!QFileInfo(dir + QStringLiteral("/state.json")).isSymLink());
        QCOMPARE(modeOf(dir + QStringLiteral("/state.json")), 0600u);

        // A link where a directory is expected is refused.
        QVERIFY(QFile::link(tmp.path(), dir + QStringLiteral("/conf")));
        auto made = fs::makeDir(dir + QStringLiteral("/conf"), 0700);
        QVERIFY(!made.ok());
        QVERIFY(made.error().message.contains(u"symbolic link"));
    }

    // Item 2 as root: the account running the members cannot plant anything where root writes.
    void membersAccountCannotRedirectRootsWrites()
    {
        if (::geteuid() != 0)
            QSKIP("needs root: the lab then runs its members as the postgres account");
        proc::Account pg;
        if (!proc::lookupAccount(QStringLiteral("postgres"), &pg))
            QSKIP("no postgres account on this machine (Debian's postgresql-common creates it)");
        const QString base = QStringLiteral("/tmp/pgha-labsafety-%1").arg(::getpid());
        fs::removeTree(base);
        QVERIFY(QDir().mkpath(base));
        QVERIFY(::chmod(QFile::encodeName(base).constData(), 0711) == 0);
        const QString target = base + QStringLiteral("/root-only");
        writeText(target, "root's\n");
        QVERIFY(::chmod(QFile::encodeName(target).constData(), 0600) == 0);
        LabConfig config;
        config.labDir = base + QStringLiteral("/lab");
        bool created = false;
        QVERIFY(claimLabDir(config.labDir, true, &created).ok());
        LabBinaries binaries;
        binaries.pgBinDir = QStringLiteral("/usr/lib/postgresql/15/bin");
        const auto secrets = generateSecrets();
        QVERIFY(writeLabFiles(config, binaries, secrets, &pg).ok());

        auto asPostgres = [&](const QStringList &command) {
            QProcess p;
            p.start(QStringLiteral("setpriv"), QStringList{QStringLiteral("--reuid=%1").arg(pg.uid), QStringLiteral("--regid=%1").arg(pg.gid),
                                                           QStringLiteral("--clear-groups"), QStringLiteral("--")} + command);
            p.waitForFinished(10000);
            return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        };
        const LabLayout layout(config.labDir);
        const QString conf = layout.configDir(QStringLiteral("pg1"));
        // The configuration is root's: postgres reads it through its group, cannot replace it.
        QVERIFY(asPostgres({QStringLiteral("cat"), conf + QStringLiteral("/patroni.yml")}));
        QVERIFY(!asPostgres({QStringLiteral("ln"), QStringLiteral("-sf"), target, conf + QStringLiteral("/patroni.yml")}));
        QVERIFY(!asPostgres({QStringLiteral("touch"), conf + QStringLiteral("/x")}));
        QCOMPARE(QFileInfo(conf + QStringLiteral("/patroni.yml")).ownerId(), 0u);
        QCOMPARE(modeOf(conf + QStringLiteral("/patroni.yml")), 0640u);
        // Where postgres can write (its member directory), a link it plants is never written
        // through by root: root writes nothing there. Plant the old attack and write again.
        QVERIFY(asPostgres({QStringLiteral("ln"), QStringLiteral("-s"), target, layout.componentDir(QStringLiteral("pg1")) + QStringLiteral("/patroni.yml")}));
        QVERIFY(asPostgres({QStringLiteral("ln"), QStringLiteral("-s"), target, layout.componentDir(QStringLiteral("pgbouncer1")) + QStringLiteral("/userlist.txt")}));
        QVERIFY(writeLabFiles(config, binaries, secrets, &pg).ok());
        QCOMPARE(readText(target), QByteArray("root's\n"));
        QCOMPARE(QFileInfo(target).ownerId(), 0u);
        QCOMPARE(modeOf(target), 0600u);
        // A member directory swapped for a link (if root made it writable) is refused, not followed.
        QVERIFY(fs::removeTree(layout.componentDir(QStringLiteral("etcd1"))).ok());
        QVERIFY(QFile::link(base, layout.componentDir(QStringLiteral("etcd1"))));
        QVERIFY(!writeLabFiles(config, binaries, secrets, &pg).ok());
        QCOMPARE(QFileInfo(base).ownerId(), 0u);
        QVERIFY(fs::removeTree(base).ok());
    }

    // Item 11: postmaster.pid is the postgres account's file; a PID in it is believed only for
    // the data directory's own postmaster.
    void postmasterPidIsCheckedBeforeUse()
    {
        QTemporaryDir tmp;
        const QString data = tmp.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(data));
        QProcess sleeper;   // stands for the postmaster: a process running in the data directory
        sleeper.setWorkingDirectory(data);
        sleeper.start(QStringLiteral("sleep"), {QStringLiteral("30")});
        QVERIFY(sleeper.waitForStarted());
        const qint64 pid = sleeper.processId();
        const qint64 started = proc::startEpochSeconds(pid);
        QVERIFY(started > 0);
        auto file = [&](qint64 p, const QString &dir, qint64 when) {
            writeText(data + QStringLiteral("/postmaster.pid"),
                      QStringLiteral("%1\n%2\n%3\n5432\n").arg(p).arg(dir).arg(when).toUtf8());
        };
        file(pid, data, started);
        QCOMPARE(proc::postmasterPid(data), pid);
        file(::getpid(), data, proc::startEpochSeconds(::getpid()));   // a process elsewhere
        QCOMPARE(proc::postmasterPid(data), 0);
        file(pid, data, started - 3600);                              // started at another time
        QCOMPARE(proc::postmasterPid(data), 0);
        file(pid, tmp.path(), started);                               // names another directory
        QCOMPARE(proc::postmasterPid(data), 0);
        file(1, data, started);                                       // init
        QCOMPARE(proc::postmasterPid(data), 0);
        QFile::remove(data + QStringLiteral("/postmaster.pid"));
        const QString real = tmp.filePath(QStringLiteral("real.pid"));
        writeText(real, QStringLiteral("%1\n%2\n%3\n").arg(pid).arg(data).arg(started).toUtf8());
        QVERIFY(QFile::link(real, data + QStringLiteral("/postmaster.pid")));   // a planted link
        QCOMPARE(proc::postmasterPid(data), 0);
        QCOMPARE(proc::parsePostmasterFile("99999999999\n/x\n").pid, 0);
        // Root in a container (no CAP_SYS_PTRACE) cannot read the postgres account's cwd: the
        // postmaster's command line must name the directory — Patroni starts it with -D.
        const QByteArray dataArg = data.toUtf8();
        auto cmdline = [](const QList<QByteArray> &args) { return args.join('\0') + '\0'; };
        QVERIFY(proc::runsDataDir(data, {}, data));
        QVERIFY(!proc::runsDataDir(tmp.path(), cmdline({"postgres", "-D", dataArg}), data));   // a readable cwd decides
        QVERIFY(proc::runsDataDir({}, cmdline({"/usr/lib/postgresql/17/bin/postgres", "-D", dataArg, "--port=6134"}), data));
        QVERIFY(proc::runsDataDir({}, cmdline({"postgres", "-D" + dataArg}), data));
        QVERIFY(proc::runsDataDir({}, cmdline({"postgres", "--pgdata=" + dataArg}), data));
        QVERIFY(!proc::runsDataDir({}, cmdline({"postgres", "-D", tmp.path().toUtf8()}), data));
        QVERIFY(!proc::runsDataDir({}, cmdline({"postgres", "-D"}), data));
        QVERIFY(!proc::runsDataDir({}, cmdline({"postgres", dataArg}), data));   // not given as the data directory
        QVERIFY(!proc::runsDataDir({}, {}, data));
        QVERIFY(!proc::runsDataDir({}, cmdline({"postgres", "-D", dataArg}), tmp.filePath(QStringLiteral("gone"))));
        QCOMPARE(proc::parsePostmasterFile("-5\n").pid, 0);

        // A PID whose start time does not match what was recorded gets no signal.
        const qint64 ticks = proc::startTicks(pid);
        QVERIFY(!proc::signalSame(pid, ticks + 1, SIGKILL));
        QVERIFY(proc::isAlive(pid));
        QVERIFY(!proc::signalSame(pid, 0, SIGKILL));
        QVERIFY(proc::isAlive(pid));
        QVERIFY(proc::signalSame(pid, ticks, SIGKILL));
        QVERIFY(sleeper.waitForFinished(5000));
    }

    // Issue #20: a member that cannot log in to its own PostgreSQL is named at once.
    void memberLogsAreDiagnosed_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<QString>("expected");
        const QString fail = QStringLiteral("2026-12-01 10:00:0%1 UTC [123] FATAL:  password authentication failed for user \"postgres\"");
        QTest::newRow("healthy") << QStringList{QStringLiteral("=== pgha: pg1 starting"), QStringLiteral("INFO: no action. I am (pg1), the leader")} << QString();
        QTest::newRow("one rejection") << QStringList{QStringLiteral("=== pgha: pg1 starting"), fail.arg(1)} << QString();
        QTest::newRow("rejected again and again")
                << QStringList{QStringLiteral("=== pgha: pg1 starting"), fail.arg(1), QStringLiteral("retrying"), fail.arg(2), fail.arg(3)}
                << QStringLiteral("pg1: PostgreSQL rejects the lab's password for \"postgres\"");
        QTest::newRow("only rejections before this start count")
                << QStringList{fail.arg(1), fail.arg(2), fail.arg(3), QStringLiteral("=== pgha: pg1 starting"), QStringLiteral("ok")} << QString();
        QTest::newRow("other major version")
                << QStringList{QStringLiteral("=== pgha: pg1 starting"),
                               QStringLiteral("FATAL:  database files are incompatible with server"),
                               QStringLiteral("DETAIL:  The data directory was initialized by PostgreSQL version 17, which is not compatible with this version 15.20")}
                << QStringLiteral("another PostgreSQL major version");
    }
    void memberLogsAreDiagnosed()
    {
        QFETCH(QStringList, lines);
        QFETCH(QString, expected);
        const auto problem = diagnoseMemberLog(QStringLiteral("pg1"), lines, QStringLiteral("/lab"));
        if (expected.isEmpty()) {
            QVERIFY2(!problem, problem ? qPrintable(problem->toString()) : "");
            return;
        }
        QVERIFY(problem);
        QVERIFY2(problem->message.contains(expected), qPrintable(problem->toString()));
        QVERIFY(problem->message.contains(u"/lab"));
        QVERIFY(problem->hint.contains(u"--wipe"));
    }
};

QTEST_GUILESS_MAIN(TestLabSafety)
#include "tst_labsafety.moc"
