// pgha-console's command line as a person or a script meets it, the real binary in a child
// process: help and version answer without a display (over SSH; help2man writes the manual page
// from --help at build time), no display is a clear error rather than Qt's abort, and a usage
// error names the option. Settings go to a folder of the test's own; no lab, no window shown.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kRunTimeoutMs = 20000;

struct Run {
    int code = -1;
    QString out;
    QString err;
};

} // namespace

class TestConsoleCommandLine : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;

    // platform: the QT_QPA_PLATFORM to give, or empty for none; never a DISPLAY or WAYLAND_DISPLAY.
    Run console(const QStringList &args, const QString &platform = {}) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(name));
        if (!platform.isEmpty())
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), m_home.filePath(QStringLiteral("state")));
        env.insert(QStringLiteral("PGHA_SETTINGS_DIR"), m_home.filePath(QStringLiteral("settings")));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PGHA_CONSOLE), args);
        if (!p.waitForFinished(kRunTimeoutMs)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private slots:
    void initTestCase() { QVERIFY(m_home.isValid()); }

    void versionWithoutADisplay()
    {
        const Run r = console({QStringLiteral("--version")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("pgha-console " PGHA_VERSION));
    }

    void helpWithoutADisplay()
    {
        const Run r = console({QStringLiteral("--help")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char *option : {"--profile", "--lab <FLAVOR>", "--interval <MS>", "--screenshot <FILE>", "--tab <NAME>", "--demo"})
            QVERIFY2(r.out.contains(QString::fromLatin1(option)), option);
    }

    // Qt alone would abort with "could not connect to display" and a core dump.
    void noDisplayIsAClearError()
    {
        const Run r = console({});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"no display") && r.err.contains(u"QT_QPA_PLATFORM=offscreen"), qPrintable(r.err));
        QVERIFY2(!r.err.contains(u"qt.qpa"), qPrintable(r.err));
    }

    void usageErrorsNameTheOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::addColumn<int>("code");   // 2: a usage error of ours; 1: QCommandLineParser's own
        QTest::newRow("flavour") << QStringList{QStringLiteral("--lab"), QStringLiteral("kubernetes")}
                                 << QStringLiteral("unknown lab flavour \"kubernetes\" for --lab; use native or docker") << 2;
        QTest::newRow("disagree") << QStringList{QStringLiteral("--lab"), QStringLiteral("native"), QStringLiteral("--lab-flavor"),
                                                 QStringLiteral("docker")}
                                  << QStringLiteral("--lab native and --lab-flavor docker disagree") << 2;
        QTest::newRow("interval") << QStringList{QStringLiteral("--interval"), QStringLiteral("5")}
                                  << QStringLiteral("--interval takes 250 to 10000 ms") << 2;
        QTest::newRow("postgres") << QStringList{QStringLiteral("--lab-postgres"), QStringLiteral("9")}
                                  << QStringLiteral("--lab-postgres takes 15 (Debian 12) or 17 (Debian 13)") << 2;
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--colour")} << QStringLiteral("Unknown option 'colour'") << 1;
    }

    void usageErrorsNameTheOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QFETCH(int, code);
        const Run r = console(args, QStringLiteral("offscreen"));
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestConsoleCommandLine)
#include "tst_consolecommandline.moc"
