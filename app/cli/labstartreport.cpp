#include "labstartreport.h"

#include "lab/labservice.h"

#include <QJsonArray>

namespace pgha::cli {

namespace {

using svc::LabOutcome;
using svc::LabStartBreakdown;

// The breakdown as the terminal shows it: a heading, the table, and what the health check
// waited for (its note: the last seconds of a start are often HAProxy's checks).
void printBreakdown(QTextStream &to, const LabStartBreakdown &b, bool healthy)
{
    if (b.isEmpty())
        return;
    const QString total = QString::number(b.totalMs() / 1000.0, 'f', 1);
    to << '\n'
       << (healthy ? QStringLiteral("where the %1 s to healthy went (%2):").arg(total, b.fromNothing ? QStringLiteral("from nothing")
                                                                                                   : QStringLiteral("from its data"))
                   : QStringLiteral("how far the start got in %1 s:").arg(total))
       << '\n';
    for (const QString &line : b.table())
        to << "  " << line << '\n';
    for (const auto *s : b.displayOrder())
        if (!s->note.isEmpty())
            to << "  " << s->label << " — " << s->note << '\n';
}

} // namespace

void printLabStartOutcome(CliContext &ctx, const LabOutcome &o, const svc::LabService &lab, bool quiet, const QString &stamp)
{
    const QString labDir = lab.config().labDir;
    if (o.ok) {
        if (!quiet)
            ctx.err << stamp << (o.alreadyRunning ? "already running: " : "") << o.health.summary() << Qt::endl;
        ctx.out << lab.flavor() << " lab " << (o.alreadyRunning ? "already running" : "started") << " in " << labDir
                << (o.alreadyRunning ? QString() : QStringLiteral(" (healthy after %1 s)").arg(o.elapsedMs / 1000.0, 0, 'f', 1))
                << "\nread-write: psql -h 127.0.0.1 -p " << lab.config().ports.haproxyReadWrite
                << "   ·   environment: eval \"$(pgha lab env)\"" << '\n';
        if (!quiet)
            printBreakdown(ctx.out, o.breakdown, true);
        ctx.out.flush();
        return;
    }
    ctx.err << "pgha: " << o.error.message << '\n';
    if (!o.error.hint.isEmpty())
        ctx.err << "  → " << o.error.hint << '\n';
    if (!quiet && !o.error.is(svc::ErrorKind::Cancelled))
        printBreakdown(ctx.err, o.breakdown, false);
    ctx.err.flush();
}

QJsonObject labStartOutcomeJson(const LabOutcome &o, const svc::LabService &lab)
{
    QJsonObject json{{QStringLiteral("ok"), o.ok},
                     {QStringLiteral("flavor"), lab.flavor()},
                     {QStringLiteral("labDir"), lab.config().labDir},
                     {QStringLiteral("alreadyRunning"), o.alreadyRunning},
                     {QStringLiteral("elapsedMs"), o.elapsedMs}};
    if (o.ok) {
        json.insert(QStringLiteral("health"),
                    QJsonObject{{QStringLiteral("leader"), o.health.leader},
                                {QStringLiteral("streamingReplicas"), QJsonArray::fromStringList(o.health.streamingReplicas)},
                                {QStringLiteral("readOnlyAnsweredBy"), o.health.readOnlyAnsweredBy},
                                {QStringLiteral("writeMs"), o.health.writeMs}});
        json.insert(QStringLiteral("readWritePort"), lab.config().ports.haproxyReadWrite);
    } else {
        json.insert(QStringLiteral("error"), o.error.message);
        json.insert(QStringLiteral("hint"), o.error.hint);
    }
    if (!o.breakdown.isEmpty())
        json.insert(QStringLiteral("breakdown"), o.breakdown.toJson());
    return json;
}

} // namespace pgha::cli
