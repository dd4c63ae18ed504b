// `pgha status`: the members as the console shows them.
#include "clicontext.h"

#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "memberformat.h"
#include "patroni/patronipoller.h"
#include "profile/profile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace pgha::svc;
using namespace pgha::models;

namespace pgha::cli {

int runStatusCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show the cluster's members as Patroni reports them."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("profile"), QStringLiteral("Profile name or YAML file (default: the built-in lab profile)."),
         QStringLiteral("NAME|FILE"), QStringLiteral("lab")},
        {QStringLiteral("json"), QStringLiteral("Print JSON.")},
    });
    if (!parser.parse(args)) {
        ctx.err << "pgha: " << parser.errorText() << "\n\n" << parser.helpText();
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;

    auto profile = resolveProfile(parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << Qt::endl;
        return Failed;
    }
    HttpClient http;
    PatroniPoller poller(&http);
    QList<PatroniPoller::Endpoint> endpoints;
    for (const auto &e : profile.value().patroni)
        endpoints.append({e.name, e.url});
    poller.setEndpoints(endpoints);

    std::optional<ClusterSnapshot> snapshot;
    QString roundError;
    QObject::connect(&poller, &PatroniPoller::snapshotReady, [&](const ClusterSnapshot &s) { snapshot = s; });
    QObject::connect(&poller, &PatroniPoller::roundFinished, [&](bool, const QString &error) {
        roundError = error;
        QCoreApplication::quit();
    });
    QMetaObject::invokeMethod(&poller, &PatroniPoller::pollOnce, Qt::QueuedConnection);
    QCoreApplication::exec();

    const bool json = parser.isSet(QStringLiteral("json"));
    if (json) {
        QJsonArray members, sources;
        if (snapshot)
            for (const auto &m : snapshot->members)
                members.append(memberToJson(m));
        for (const auto &h : poller.health())
            sources.append(QJsonObject{{QStringLiteral("id"), h.id},
                                       {QStringLiteral("url"), h.url.toString()},
                                       {QStringLiteral("reachable"), h.reachable},
                                       {QStringLiteral("latencyMs"), h.latencyMs},
                                       {QStringLiteral("error"), h.lastError}});
        QJsonObject root{{QStringLiteral("profile"), profile.value().name},
                         {QStringLiteral("ok"), snapshot.has_value()},
                         {QStringLiteral("members"), members},
                         {QStringLiteral("sources"), sources}};
        if (snapshot) {
            root.insert(QStringLiteral("reportedBy"), snapshot->sourceUrl);
            root.insert(QStringLiteral("fetchedAt"), QDateTime::fromMSecsSinceEpoch(snapshot->fetchedAtMs, Qt::UTC)
                                                             .toString(Qt::ISODateWithMs));
            root.insert(QStringLiteral("leader"), snapshot->leader() ? snapshot->leader()->name : QString());
        } else {
            root.insert(QStringLiteral("error"), roundError);
        }
        ctx.out << QJsonDocument(root).toJson(QJsonDocument::Indented);
        ctx.out.flush();
    }
    if (!snapshot) {
        if (!json)
            ctx.err << "pgha: no Patroni REST API of profile \"" << profile.value().name << "\" answered: " << roundError
                    << "\n  → is the cluster running? For the lab: `pgha lab status`" << Qt::endl;
        return Failed;
    }
    if (!json) {
        const QStringList headers{QStringLiteral("MEMBER"), QStringLiteral("ROLE"), QStringLiteral("STATE"),
                                  QStringLiteral("HOST:PORT"), QStringLiteral("TL"), QStringLiteral("LAG")};
        QList<QStringList> rows;
        for (const auto &m : snapshot->members)
            rows.append({m.name, roleText(m), m.state, hostPortText(m), timelineText(m), lagText(m)});
        QList<int> widths;
        for (int c = 0; c < headers.size(); ++c) {
            int w = static_cast<int>(headers[c].size());
            for (const auto &r : rows)
                w = std::max(w, static_cast<int>(r[c].size()));
            widths.append(w + 2);
        }
        ctx.out << "profile " << profile.value().name << " · reported by " << snapshot->sourceUrl
                << (snapshot->paused ? " · MAINTENANCE MODE (paused)" : "") << '\n';
        for (int c = 0; c < headers.size(); ++c)
            ctx.out << padRight(headers[c], widths[c]);
        ctx.out << '\n';
        for (const auto &r : rows) {
            for (int c = 0; c < r.size(); ++c)
                ctx.out << padRight(r[c], widths[c]);
            ctx.out << '\n';
        }
        for (const auto &h : poller.health())
            if (!h.reachable)
                ctx.out << "warning: " << h.label << " (" << h.url.toString() << ") unreachable: " << h.lastError << '\n';
        ctx.out.flush();
    }
    return Ok;
}

} // namespace pgha::cli
