#include "sourcedeadline.h"

#include "clicontext.h"

#include "clusterobserver.h"
#include "core/endpointpoller.h"
#include "pg/sqlsourcepoller.h"

#include <QCommandLineParser>

namespace pgha::cli {

QCommandLineOption timeoutOption()
{
    return {QStringLiteral("timeout"),
            QStringLiteral("Give up after this many seconds without an answer, naming the sources that did not answer (default %1).")
                    .arg(kDefaultTimeoutS),
            QStringLiteral("SECONDS"), QString::number(kDefaultTimeoutS)};
}

std::optional<int> timeoutMsFrom(const QCommandLineParser &parser, CliContext &ctx)
{
    bool ok = false;
    const int seconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
    if (!ok || seconds < 1 || seconds > kMaxTimeoutS) {
        ctx.err << "pgha: --timeout takes a whole number of seconds from 1 to " << kMaxTimeoutS << ", not \""
                << parser.value(QStringLiteral("timeout")) << "\"" << Qt::endl;
        return std::nullopt;
    }
    return seconds * 1000;
}

RoundDeadline::RoundDeadline(const models::ClusterObserver *observer, int timeoutMs, QObject *parent)
    : QObject(parent), m_observer(observer), m_timeoutMs(timeoutMs)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RoundDeadline::expired);
}

void RoundDeadline::arm()
{
    m_open.clear();
    for (const svc::EndpointPoller *p : m_observer->activePollers()) {
        m_open.append(p);
        connect(p, &svc::EndpointPoller::roundFinished, this, [this, p] { roundEnded(p); });
    }
    m_timer.start(m_timeoutMs);
}

void RoundDeadline::roundEnded(const svc::EndpointPoller *poller)
{
    if (!m_open.removeOne(poller) || !m_open.isEmpty())
        return;
    m_timer.stop();
    emit finished();
}

void RoundDeadline::oneMoreRound(svc::EndpointPoller *poller)
{
    const bool inRound = m_open.contains(poller);
    if (!inRound)
        connect(poller, &svc::EndpointPoller::roundFinished, this, [this, poller] { roundEnded(poller); });
    m_open.append(poller);
    if (!inRound) {
        poller->pollOnce();
        return;
    }
    // The round under way holds the old endpoint list: the next one starts when it ends.
    connect(poller, &svc::EndpointPoller::roundFinished, this, [poller] { QTimer::singleShot(0, poller, &svc::EndpointPoller::pollOnce); },
            Qt::SingleShotConnection);
}

QStringList RoundDeadline::unanswered() const
{
    QStringList out;
    for (const svc::EndpointPoller *p : m_observer->activePollers()) {
        const bool open = m_open.contains(p);
        const auto *sql = qobject_cast<const svc::SqlSourcePoller *>(p);
        for (const svc::SourceHealth &h : p->health()) {
            QString why;
            if (!h.everPolled) {
                if (!open)
                    continue;   // added after its poller's round (discovery): never asked yet
                const QString phase = sql ? sql->openExchange(h.url) : QString();
                why = QStringLiteral("no answer within %1 s").arg(m_timeoutMs / 1000.0, 0, 'g', 4)
                      + (phase.isEmpty() ? QStringLiteral(" (the request is still open)") : QStringLiteral(" (%1)").arg(phase));
            } else if (!h.reachable) {
                why = h.lastError.isEmpty() ? QStringLiteral("no answer") : h.lastError;
            } else {
                continue;
            }
            out.append(QStringLiteral("%1 (%2): %3").arg(h.label, h.url.toString(), why));
        }
    }
    return out;
}

} // namespace pgha::cli
