// Settings that last (settings/usersettings.h), offscreen and without a lab: the window's size,
// its splitters, the poll interval, the lag chart's window, the profile and the export folder
// chosen in one console are there again in the next one. The settings live in this test's own
// temporary folder (isolatedsettings.h), never in the user's.
#include "isolatedsettings.h"

#include "application.h"
#include "benchliveview.h"
#include "benchpanel.h"
#include "chaospanel.h"
#include "chaosrunsview.h"
#include "chartsavebutton.h"
#include "eventtimelinemodel.h"
#include "lagchart.h"
#include "mainwindow.h"

#include "profile/profile.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QGuiApplication>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha;
namespace settings = svc::settings;

namespace {

// Not the default size (1180×720) and above the window's minimum width.
constexpr QSize kChosenSize(1100, 680);
constexpr int kChosenIntervalMs = 2000;
constexpr qint64 kChosenLagWindowMs = 3'600'000;

QList<int> sizesOf(const views::MainWindow *w, const char *name)
{
    auto *splitter = w->findChild<QSplitter *>(QString::fromLatin1(name));
    return splitter ? splitter->sizes() : QList<int>();
}

} // namespace

class TestSettings : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    // A profile whose sources are a closed port: no lab needed, nothing polled for real.
    QString writeProfile(const QString &name)
    {
        svc::Profile p;
        p.name = name;
        p.kind = svc::Profile::Kind::Staging;
        p.patroni = {{QStringLiteral("db1"), QUrl(QStringLiteral("http://127.0.0.1:1"))}};
        const QString path = m_tmp.filePath(name + QStringLiteral(".yaml"));
        if (!svc::saveProfileFile(p, path))
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("PGHA_CHAOS_STORE", m_tmp.filePath(QStringLiteral("chaos-runs.jsonl")).toUtf8());
        qputenv("PGHA_BENCH_STORE", m_tmp.filePath(QStringLiteral("bench-runs.jsonl")).toUtf8());
        // Where this test's settings go: its own folder, not the user's.
        QVERIFY(settings::isPersistent());
        QVERIFY2(settings::location().startsWith(testsettings::folder().path()), qPrintable(settings::location()));
    }

    // No organisation name and no PGHA_SETTINGS_DIR (a test or tool that did not opt in):
    // nothing is read or written anywhere.
    void nothingKeptWithoutAPlace()
    {
        const QByteArray dir = qgetenv(settings::kDirVariable);
        qunsetenv(settings::kDirVariable);
        QVERIFY(QCoreApplication::organizationName().isEmpty());
        QVERIFY(!settings::isPersistent());
        QVERIFY(settings::location().isEmpty());
        settings::setValue(settings::kPollIntervalMs, 5000);
        QCOMPARE(settings::value(settings::kPollIntervalMs), settings::kPollIntervalMs.fallback);
        qputenv(settings::kDirVariable, dir);
        QCOMPARE(settings::value(settings::kPollIntervalMs), settings::kPollIntervalMs.fallback);
    }

    void choicesOutliveTheWindow()
    {
        // A first start: the defaults.
        app::Application::Options first = app::Application::Options::remembered();
        QCOMPARE(first.profile, QStringLiteral("lab"));
        QCOMPARE(first.pollIntervalMs, settings::kPollIntervalMs.fallback);

        const QString profile = writeProfile(QStringLiteral("kept-eu"));
        const QString charts = m_tmp.filePath(QStringLiteral("charts"));
        const QString exports = m_tmp.filePath(QStringLiteral("exports"));
        QVERIFY(QDir().mkpath(charts) && QDir().mkpath(exports));
        QList<int> mainSizes;
        QList<int> leftSizes;
        QList<int> rightSizes;
        {
            first.profile = profile;   // as --profile would
            first.profileRemembered = false;
            app::Application application(first);
            auto *w = application.window();
            // The test's offscreen screen (tests/fixtures/offscreen-screen.json) holds the size:
            // a size larger than the screen comes back smaller, on purpose (next test).
            QVERIFY2(w->screen()->availableGeometry().contains(QRect(QPoint(0, 0), kChosenSize + QSize(40, 60))),
                     qPrintable(QStringLiteral("the test screen %1×%2 is too small for the chosen size: run with the configfile of "
                                               "tests/fixtures/offscreen-screen.json (ctest does)")
                                        .arg(w->screen()->availableGeometry().width())
                                        .arg(w->screen()->availableGeometry().height())));
            w->resize(kChosenSize);
            application.show();
            QVERIFY(QTest::qWaitForWindowExposed(w));
            QCOMPARE(w->size(), kChosenSize);
            // The splitters dragged away from their defaults.
            auto *main = w->findChild<QSplitter *>(QStringLiteral("mainSplitter"));
            auto *left = w->findChild<QSplitter *>(QStringLiteral("leftSplitter"));
            auto *right = w->findChild<QSplitter *>(QStringLiteral("rightSplitter"));
            QVERIFY(main && left && right);
            const int width = main->sizes().value(0) + main->sizes().value(1);
            main->setSizes({width / 2, width - width / 2});
            const int height = left->sizes().value(0) + left->sizes().value(1);
            left->setSizes({height - 120, 120});
            const int rightHeight = right->sizes().value(0) + right->sizes().value(1);
            right->setSizes({rightHeight - 100, 100});
            mainSizes = main->sizes();
            leftSizes = left->sizes();
            rightSizes = right->sizes();
            QVERIFY(mainSizes != QList<int>({820, 340}));
            // The poll interval, as the status bar's picker chooses it.
            auto *picker = w->intervalPicker();
            const int index = picker->findData(kChosenIntervalMs);
            QVERIFY(index >= 0);
            picker->setCurrentIndex(index);
            emit picker->activated(index);
            QCOMPARE(w->intervalMs(), kChosenIntervalMs);
            // The lag chart's "1 h".
            QPushButton *hour = nullptr;
            for (auto *b : w->lagChart()->findChildren<QPushButton *>())
                if (b->text() == u"1 h")
                    hour = b;
            QVERIFY(hour);
            QTest::mouseClick(hour, Qt::LeftButton);
            QCOMPARE(w->lagChart()->windowMs(), kChosenLagWindowMs);
            // A chart saved, then the chaos runs exported elsewhere: the export folder is the last one.
            QVERIFY(w->benchPanel()->live()->tpsSaveButton()->saveTo(QDir(charts).filePath(QStringLiteral("tps.png"))));
            QCOMPARE(settings::value(settings::kLastExportFolder), charts);
            QVERIFY(w->chaosPanel()->runsView()->exportTo(QDir(exports).filePath(QStringLiteral("runs.csv"))));
            QCOMPARE(settings::value(settings::kLastExportFolder), exports);
        }   // the window goes, as at quit

        // The next start: the same choices, without a command line.
        const app::Application::Options next = app::Application::Options::remembered();
        QCOMPARE(next.profile, profile);
        QCOMPARE(next.pollIntervalMs, kChosenIntervalMs);
        app::Application application(next);
        QCOMPARE(application.profile().name, QStringLiteral("kept-eu"));
        auto *w = application.window();
        QCOMPARE(w->intervalMs(), kChosenIntervalMs);
        QCOMPARE(w->lagChart()->windowMs(), kChosenLagWindowMs);
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCOMPARE(w->size(), kChosenSize);
        QCOMPARE(sizesOf(w, "mainSplitter"), mainSizes);
        QCOMPARE(sizesOf(w, "leftSplitter"), leftSizes);
        QCOMPARE(sizesOf(w, "rightSplitter"), rightSizes);
        // A save dialog opens in the folder used last.
        w->benchPanel()->live()->tpsSaveButton()->click();
        QFileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = w->findChild<QFileDialog *>()) != nullptr);
        QCOMPARE(dialog->directory().absolutePath(), QDir(exports).absolutePath());
        dialog->reject();
    }

    // A size remembered on a larger screen (a laptop taken off its monitor): the window opens
    // within this screen, at its edges, not beyond them.
    void rememberedOnALargerScreenOpensWithinIt()
    {
        const QRect room = QGuiApplication::primaryScreen()->availableGeometry();
        const QSize tooLarge = room.size() + QSize(700, 400);
        {
            app::Application application(app::Application::Options::remembered());
            auto *w = application.window();
            application.show();
            QVERIFY(QTest::qWaitForWindowExposed(w));
            // Made larger than its screen by hand (or on a larger screen), and moved.
            w->resize(tooLarge);
            w->move(room.center());
            QTRY_COMPARE(w->size(), tooLarge);
        }
        app::Application application(app::Application::Options::remembered());
        auto *w = application.window();
        application.show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QVERIFY2(room.contains(w->frameGeometry()),
                 qPrintable(QStringLiteral("opened at %1,%2 %3×%4 on a screen of %5×%6")
                                    .arg(w->x()).arg(w->y()).arg(w->width()).arg(w->height()).arg(room.width()).arg(room.height())));
        // As large as the screen allows (Qt 6.8 leaves a margin of a few pixels).
        QVERIFY2(w->width() >= room.width() - 50 && w->height() >= room.height() - 50,
                 qPrintable(QStringLiteral("%1×%2").arg(w->width()).arg(w->height())));
    }

    // The profile watched last is gone: the built-in lab instead, and the timeline says why.
    void goneProfileFallsBackToTheLab()
    {
        settings::setValue(settings::kLastProfile, m_tmp.filePath(QStringLiteral("deleted.yaml")));
        const app::Application::Options options = app::Application::Options::remembered();
        QVERIFY(options.profileRemembered);
        app::Application application(options);
        QCOMPARE(application.profile().name, QStringLiteral("lab"));
        bool said = false;
        for (const auto &e : application.timeline()->events())
            said = said || e.text.contains(u"the profile watched last cannot be opened");
        QVERIFY(said);
        QCOMPARE(settings::value(settings::kLastProfile), QStringLiteral("lab"));
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
