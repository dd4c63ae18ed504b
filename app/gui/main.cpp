// pgha-console: the desktop console.
#include "application.h"
#include "benchcontroller.h"
#include "chaoscontroller.h"
#include "lab/dockerlabfiles.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include "mainwindow.h"
#include "signalwatcher.h"

namespace {

void nameTheApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("pgha-console"));
    QCoreApplication::setOrganizationName(QStringLiteral("pgha"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PGHA_VERSION));
}

void describeOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("Console for PostgreSQL high-availability clusters run by Patroni."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("profile"), QStringLiteral("Profile name or YAML file (default: the one watched last, at first the "
                                                   "built-in lab profile)."),
         QStringLiteral("NAME|FILE")},
        {QStringLiteral("lab"), QStringLiteral("Start the bundled lab on launch; FLAVOR is native (local processes) or docker "
                                               "(Docker Compose)."),
         QStringLiteral("FLAVOR")},
        {QStringLiteral("lab-flavor"), QStringLiteral("Which lab Start lab starts: native or docker (default: the one recorded "
                                                      "in the lab directory, else native). Switching needs the other lab stopped."),
         QStringLiteral("FLAVOR")},
        {QStringLiteral("lab-postgres"), QStringLiteral("Docker lab: the PostgreSQL major, which picks the Debian release "
                                                        "of every component: %1.")
                                                 .arg(pgha::svc::dockerlab::supportedPostgres()),
         QStringLiteral("MAJOR")},
        {QStringLiteral("interval"), QStringLiteral("Poll interval in milliseconds (250–10000; default: the one chosen last, "
                                                    "at first 1000)."),
         QStringLiteral("MS")},
        {QStringLiteral("port-offset"), QStringLiteral("Add N to every default lab port."), QStringLiteral("N"),
         QStringLiteral("0")},
        {QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window to FILE (see --screenshot-delay), then close "
                                                      "(exit status 1 when it could not be written; --keep-running stays open)."),
         QStringLiteral("FILE")},
        {QStringLiteral("keep-running"), QStringLiteral("After --screenshot, keep the console open.")},
        {QStringLiteral("minimized"), QStringLiteral("Open minimised (it keeps watching; nothing is drawn until it is restored).")},
        {QStringLiteral("tab"), QStringLiteral("Open on this tab: topology, members, lag, cluster, journal, chaos, bench or lab."),
         QStringLiteral("NAME"), QStringLiteral("topology")},
        {QStringLiteral("demo"), QStringLiteral("Run the failover demo on launch (crash the primary of the running lab once; "
                                                "after --lab FLAVOR, once the lab is up).")},
        {QStringLiteral("screenshot-delay"), QStringLiteral("Milliseconds after start to take the screenshot."),
         QStringLiteral("MS"), QStringLiteral("3000")},
    });
}

// --help and --version need no display: they are answered before the GUI starts (over SSH,
// in a package build that writes the manual page from --help).
bool asksOnlyForHelpOrVersion(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

// Without a display Qt aborts (a core dump and a hint to reinstall); say what is missing.
bool hasNoDisplay(int argc, char *argv[])
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    for (int i = 1; i < argc; ++i)
        if (QByteArray(argv[i]) == "-platform")
            return false;
    return qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
           && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
    Q_UNUSED(argc)
    Q_UNUSED(argv)
    return false;
#endif
}

} // namespace

int main(int argc, char *argv[])
{
    if (asksOnlyForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        nameTheApplication();
        QCommandLineParser parser;
        describeOptions(parser);
        parser.process(core);   // prints and exits
        return 0;
    }
    if (hasNoDisplay(argc, argv)) {
        qCritical("pgha-console: no display (neither DISPLAY nor WAYLAND_DISPLAY is set). Run it in a desktop session or "
                  "with ssh -X; for a screenshot without one, QT_QPA_PLATFORM=offscreen pgha-console --screenshot FILE; "
                  "the command line, pgha, needs no display.");
        return 1;
    }
    QApplication qapp(argc, argv);
    nameTheApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("PG HA Console"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/pgha.svg")));
    QApplication::setQuitOnLastWindowClosed(false);   // quit only once the lab is safe

    QCommandLineParser parser;
    describeOptions(parser);
    parser.process(qapp);
    const QString flavors = pgha::svc::labFlavors().join(QStringLiteral(" or "));
    for (const char *option : {"lab", "lab-flavor"}) {
        const QString name = QString::fromLatin1(option);
        if (parser.isSet(name) && !pgha::svc::labFlavors().contains(parser.value(name))) {
            qCritical("pgha-console: unknown lab flavour \"%s\" for --%s; use %s", qPrintable(parser.value(name)), option,
                      qPrintable(flavors));
            return 2;
        }
    }
    if (parser.isSet(QStringLiteral("lab")) && parser.isSet(QStringLiteral("lab-flavor"))
        && parser.value(QStringLiteral("lab")) != parser.value(QStringLiteral("lab-flavor"))) {
        qCritical("pgha-console: --lab %s and --lab-flavor %s disagree; give one", qPrintable(parser.value(QStringLiteral("lab"))),
                  qPrintable(parser.value(QStringLiteral("lab-flavor"))));
        return 2;
    }
    using pgha::app::Application;
    // What the last run kept (settings/usersettings.h), then what the command line says.
    Application::Options options = Application::Options::remembered();
    if (parser.isSet(QStringLiteral("interval"))) {
        const int interval = parser.value(QStringLiteral("interval")).toInt();
        if (interval < Application::kMinPollIntervalMs || interval > Application::kMaxPollIntervalMs) {
            qCritical("pgha-console: --interval takes %d to %d ms", Application::kMinPollIntervalMs, Application::kMaxPollIntervalMs);
            return 2;
        }
        options.pollIntervalMs = interval;
    }
    if (parser.isSet(QStringLiteral("profile"))) {
        options.profile = parser.value(QStringLiteral("profile"));
        options.profileRemembered = false;
    }
    options.startLab = parser.isSet(QStringLiteral("lab"));
    options.labFlavor = parser.isSet(QStringLiteral("lab")) ? parser.value(QStringLiteral("lab"))
                                                            : parser.value(QStringLiteral("lab-flavor"));
    options.labPortOffset = parser.value(QStringLiteral("port-offset")).toInt();
    if (parser.isSet(QStringLiteral("lab-postgres"))) {
        options.labPostgres = parser.value(QStringLiteral("lab-postgres")).toInt();
        if (!pgha::svc::dockerlab::releaseFor(options.labPostgres)) {
            qCritical("pgha-console: --lab-postgres takes %s", qPrintable(pgha::svc::dockerlab::supportedPostgres()));
            return 2;
        }
    }
    pgha::app::Application app(options);
    QObject::connect(&qapp, &QApplication::lastWindowClosed, &qapp, [&] {
        if (!app.lab()->isBusy())
            QApplication::quit();
    });
    QObject::connect(&app, &pgha::app::Application::readyToQuit, &qapp, &QApplication::quit);
    // SIGTERM/SIGINT/SIGHUP close the window like a user would: a lab still starting is
    // stopped first, never abandoned half-started.
    pgha::app::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &pgha::app::SignalWatcher::interrupted, &app, [&app] {
        if (app.window()->isVisible())
            app.window()->close();
        if (!app.lab()->isBusy() && !app.chaos()->isRunning() && !app.bench()->isRunning())
            QApplication::quit();
    });
    // chaos:runs, chaos:distribution, bench:runs and bench:compare open that tab on that page
    // (for screenshots).
    if (!app.window()->showTab(parser.value(QStringLiteral("tab")))) {
        qCritical("pgha-console: --tab takes one of: %s", qPrintable(pgha::views::MainWindow::tabNames().join(QStringLiteral(", "))));
        return 2;
    }
    app.show();
    if (parser.isSet(QStringLiteral("minimized")))
        app.window()->showMinimized();
    if (parser.isSet(QStringLiteral("demo"))) {
        if (options.startLab)
            QObject::connect(&app, &pgha::app::Application::labStartFinished, &app, [&app](const pgha::svc::LabOutcome &o) {
                if (o.ok)
                    app.chaos()->startFailoverDemo();
            }, Qt::SingleShotConnection);
        else
            QTimer::singleShot(0, &app, [&app] { app.chaos()->startFailoverDemo(); });
    }
    if (parser.isSet(QStringLiteral("screenshot"))) {
        const QString file = parser.value(QStringLiteral("screenshot"));
        const bool keepRunning = parser.isSet(QStringLiteral("keep-running"));
        QTimer::singleShot(parser.value(QStringLiteral("screenshot-delay")).toInt(), &app, [&app, file, keepRunning] {
            // Written whole or not at all, so a script never reads half a PNG.
            const auto saved = app.window()->saveScreenshot(file);
            if (!saved) {
                qCritical("pgha-console: could not write the screenshot to %s: %s", qPrintable(file), qPrintable(saved.error().toString()));
                QCoreApplication::exit(1);
                return;
            }
            // Closed as a person closes it: a chaos fault in progress is undone first.
            if (!keepRunning)
                app.window()->close();
        });
    }
    return QApplication::exec();
}
