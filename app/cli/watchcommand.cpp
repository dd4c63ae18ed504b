// `pgha watch`: the event timeline, streamed until interrupted.
#include "clicontext.h"
#include "signalwatcher.h"
#include "sourcedeadline.h"

#include "clusterobserver.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "credentials/credentials.h"
#include "lab/labprofile.h"
#include "secrets/secretstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QTimer>

using namespace pgha::svc;
using namespace pgha::models;

namespace pgha::cli {

int runWatchCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Stream the event timeline (leader and timeline changes, members joining and leaving, HAProxy servers\n"
            "UP/DOWN, etcd leader changes, sources unreachable and recovered) until interrupted."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("profile"), QStringLiteral("Profile name or YAML file (default: the built-in lab profile)."),
         QStringLiteral("NAME|FILE"), QStringLiteral("lab")},
        {QStringLiteral("json"), QStringLiteral("One JSON object per line.")},
        {QStringLiteral("interval"), QStringLiteral("Poll interval in milliseconds (250–10000)."), QStringLiteral("MS"),
         QStringLiteral("1000")},
        {QStringLiteral("duration"), QStringLiteral("Stop after this many seconds (default: until interrupted)."),
         QStringLiteral("S"), QStringLiteral("0")},
        timeoutOption(),
    });
    if (!parser.parse(args)) {
        ctx.err << "pgha: " << parser.errorText() << "\n\n" << parser.helpText();
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    const int interval = parser.value(QStringLiteral("interval")).toInt();
    if (interval < 250 || interval > 10000) {
        ctx.err << "pgha: --interval takes 250 to 10000 ms\n";
        return Usage;
    }
    const auto timeoutMs = timeoutMsFrom(parser, ctx);
    if (!timeoutMs)
        return Usage;
    auto profile = resolveProfile(parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << Qt::endl;
        return Failed;
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    HttpClient http;
    ClusterObserver observer(&http);
    observer.setProfile(profile.value());
    observer.setIntervalMs(interval);
    QObject::connect(&observer, &ClusterObserver::eventRecorded, [&](const ClusterEvent &e) {
        if (json)
            ctx.out << QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact) << '\n';
        else
            ctx.out << QDateTime::fromMSecsSinceEpoch(e.atMs).toString(QStringLiteral("hh:mm:ss.zzz")) << "  "
                    << padRight(ClusterEvent::severityName(e.severity), 8) << padRight(e.source, 18) << e.text << '\n';
        ctx.out.flush();
    });
    app::SignalWatcher watcher;
    QObject::connect(&watcher, &app::SignalWatcher::interrupted, [] { QCoreApplication::quit(); });
    if (const int seconds = parser.value(QStringLiteral("duration")).toInt(); seconds > 0)
        QTimer::singleShot(seconds * 1000, [] { QCoreApplication::quit(); });
    // Sources failing later are events on the timeline; a first round that never ends is not
    // watching at all.
    RoundDeadline firstRound(&observer, *timeoutMs);
    QObject::connect(&firstRound, &RoundDeadline::expired, [&] {
        ctx.out.flush();
        ctx.err << "pgha: the first round of profile \"" << profile.value().name << "\" did not end within "
                << *timeoutMs / 1000 << " s (--timeout); no answer from:\n";
        for (const QString &u : firstRound.unanswered())
            ctx.err << "  " << u << '\n';
        ctx.err.flush();
        QCoreApplication::exit(Failed);
    });
    if (!json)
        ctx.err << "watching profile " << profile.value().name << " every " << interval << " ms; Ctrl-C to stop" << Qt::endl;
    firstRound.arm();
    // Polling starts at once; the passwords (the lab's state file, else the keychain, else
    // libpq's own file) join when they arrive.
    observer.start();
    KeychainSecretStore secrets;
    resolveCredentials(&secrets, profile.value(), &observer, [&ctx, &observer](const ProfileSecretsRead &r) {
        for (const QString &f : r.failed)
            ctx.err << "pgha: " << f << "\n";
        observer.setPasswords(r.passwords);
    });
    const int code = QCoreApplication::exec();
    observer.stop();
    return code == Failed ? Failed : Ok;
}

} // namespace pgha::cli
