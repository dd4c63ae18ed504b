// The CLI's prompt for the Patroni REST password, as an operator meets it: `pgha` runs on a
// pseudo-terminal (forkpty), so the test sees what the terminal shows and its settings. The
// typed password is not echoed, and echo is back afterwards — also when Ctrl-C ends the program
// at the prompt. From a pipe, the first line is the password, read as is and never echoed. No
// lab: the profile's REST API is a closed port, so the command ends right after the prompt.
#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

class TestCliPrompt : public QObject {
    Q_OBJECT

    static constexpr int kPromptWaitMs = 15000;   // the keychain is asked first
    static constexpr int kEndWaitMs = 15000;
    static constexpr char kTyped[] = "typed s3cret";

    QTemporaryDir m_work;
    QString m_profile;

    static QString cli() { return qEnvironmentVariable("PGHA_TEST_CLI", QStringLiteral(PGHA_CLI)); }

    QStringList args() const
    {
        return {QStringLiteral("pause"), QStringLiteral("--profile"), m_profile, QStringLiteral("--yes"),
                QStringLiteral("--no-probe"), QStringLiteral("--journal"), m_work.filePath(QStringLiteral("journal.jsonl"))};
    }

    QStringList environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGHA_LAB_DIR"), m_work.filePath(QStringLiteral("no-lab")));
        return env.toStringList();
    }

    // pgha on a pseudo-terminal of its own.
    struct Pty {
        pid_t pid = -1;
        int master = -1;
        QByteArray seen;   // everything the terminal showed

        // Reads what the terminal shows until `until` appears or `ms` pass.
        bool readUntil(const QByteArray &until, int ms)
        {
            QElapsedTimer t;
            t.start();
            while (!seen.contains(until) && t.elapsed() < ms) {
                pollfd p{master, POLLIN, 0};
                if (::poll(&p, 1, 100) <= 0)
                    continue;
                char buf[4096];
                const ssize_t n = ::read(master, buf, sizeof buf);
                if (n <= 0)
                    return seen.contains(until);   // the child closed the terminal
                seen.append(buf, n);
            }
            return seen.contains(until);
        }
        bool echoOn() const
        {
            termios t{};
            return ::tcgetattr(master, &t) == 0 && (t.c_lflag & ECHO) != 0;
        }
        // The child's end: its exit code, or -signal; 0x7fff when it did not end in time.
        int wait(int ms)
        {
            QElapsedTimer t;
            t.start();
            int status = 0;
            while (t.elapsed() < ms) {
                if (::waitpid(pid, &status, WNOHANG) == pid)
                    return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
                readUntil(QByteArray("\x01never"), 50);   // keep draining its output
            }
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return 0x7fff;
        }
        ~Pty()
        {
            if (master >= 0)
                ::close(master);
        }
    };

    std::unique_ptr<Pty> spawnOnPty() const
    {
        // Everything the child needs is prepared before fork(): after it, only exec.
        const QByteArray program = cli().toLocal8Bit();
        QList<QByteArray> argStore{program};
        for (const QString &a : args())
            argStore.append(a.toLocal8Bit());
        QList<QByteArray> envStore;
        for (const QString &e : environment())
            envStore.append(e.toLocal8Bit());
        std::vector<char *> argv, envp;
        for (QByteArray &a : argStore)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (QByteArray &e : envStore)
            envp.push_back(e.data());
        envp.push_back(nullptr);

        auto pty = std::make_unique<Pty>();
        pty->pid = ::forkpty(&pty->master, nullptr, nullptr, nullptr);
        if (pty->pid == 0) {
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        return pty;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        // A REST API that refuses at once: a port that was just free.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closed = probe.serverPort();
        probe.close();
        m_profile = m_work.filePath(QStringLiteral("prompt.yaml"));
        QFile f(m_profile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        // A profile name no keychain holds a password for, so the CLI has to ask.
        f.write(QStringLiteral("name: pgha-prompt-test-%1\nkind: staging\npatroni: [{name: pg1, url: \"http://127.0.0.1:%2\"}]\n"
                               "patroni_rest: {username: pgha}\n")
                        .arg(QCoreApplication::applicationPid()).arg(closed).toUtf8());
    }

    void typedPasswordIsNotEchoed()
    {
        auto pty = spawnOnPty();
        QVERIFY(pty->pid > 0);
        QVERIFY2(pty->readUntil("REST password for pgha", kPromptWaitMs), pty->seen.constData());
        QVERIFY2(pty->readUntil("): ", kPromptWaitMs), pty->seen.constData());
        QTest::qWait(200);   // the prompt is written just before the terminal is switched
        QVERIFY2(!pty->echoOn(), "echo is on while the password is typed");
        const qsizetype before = pty->seen.size();
        QVERIFY(::write(pty->master, kTyped, sizeof kTyped - 1) > 0);
        QVERIFY(::write(pty->master, "\n", 1) == 1);
        const int end = pty->wait(kEndWaitMs);
        QVERIFY2(end == 1, qPrintable(QStringLiteral("exit %1: %2").arg(end).arg(QString::fromUtf8(pty->seen))));
        QVERIFY2(!pty->seen.mid(before).contains(kTyped), pty->seen.constData());
        QVERIFY2(pty->echoOn(), "echo was left off");
    }

    void ctrlCAtThePromptGivesEchoBack()
    {
        auto pty = spawnOnPty();
        QVERIFY(pty->pid > 0);
        QVERIFY2(pty->readUntil("): ", kPromptWaitMs), pty->seen.constData());
        QTest::qWait(200);
        QVERIFY(::write(pty->master, "\x03", 1) == 1);   // the terminal's Ctrl-C: SIGINT
        QCOMPARE(pty->wait(kEndWaitMs), -SIGINT);   // ended as Ctrl-C ends a program
        QVERIFY2(pty->echoOn(), "Ctrl-C at the prompt left the terminal without echo");
    }

    void passwordFromAPipeIsReadAsIs()
    {
        QProcess p;
        p.setEnvironment(environment());
        QSignalSpy done(&p, &QProcess::finished);
        p.start(cli(), args());
        QVERIFY(p.waitForStarted());
        p.write("  piped s3cret \n");
        p.closeWriteChannel();
        QVERIFY(done.wait(kEndWaitMs));
        const QByteArray all = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(!all.contains("s3cret"), all.constData());
        QVERIFY2(!all.contains("no Patroni REST password"), all.constData());   // it got the line
        QVERIFY2(all.contains("could not read the cluster"), all.constData());  // and went on
    }
};

QTEST_GUILESS_MAIN(TestCliPrompt)
#include "tst_cliprompt.moc"
