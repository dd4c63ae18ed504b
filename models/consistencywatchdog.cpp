#include "consistencywatchdog.h"

#include <QSet>

namespace pgha::models {

ConsistencyWatchdog::ConsistencyWatchdog(QObject *parent) : QObject(parent) {}

QMap<QString, QString> ConsistencyWatchdog::views() const
{
    QMap<QString, QString> out;
    for (auto it = m_views.cbegin(); it != m_views.cend(); ++it)
        if (it.value())
            out.insert(it.key(), *it.value());
    return out;
}

QString ConsistencyWatchdog::describeViews() const
{
    QStringList parts;
    for (auto it = m_views.cbegin(); it != m_views.cend(); ++it)
        if (it.value())
            parts.append(QStringLiteral("%1: %2").arg(it.key(), it.value()->isEmpty() ? QStringLiteral("none") : *it.value()));
    return parts.join(QStringLiteral(", "));
}

void ConsistencyWatchdog::report(const QString &source, const std::optional<QString> &primary, qint64 atMs)
{
    m_views.insert(source, primary);
    QSet<QString> distinct;
    int readable = 0;
    for (const auto &v : std::as_const(m_views))
        if (v) {
            distinct.insert(*v);
            ++readable;
        }
    const bool disagree = readable >= 2 && distinct.size() > 1;
    if (disagree && !m_open) {
        m_open = true;
        m_openSinceMs = atMs;
        m_viewsAtOpen = m_views;
        emit event({atMs, QStringLiteral("watchdog"), ClusterEvent::Severity::Warning, QStringLiteral("disagreement-started"),
                    QString(), tr("sources disagree about the primary: %1").arg(describeViews())});
    } else if (!disagree && m_open) {
        const qint64 duration = atMs - m_openSinceMs;
        m_longestMs = std::max(m_longestMs, duration);
        ++m_windows;
        // Name the source that lagged: the one whose view at the start differed from the
        // view everyone agrees on now.
        // Everyone readable agrees: take the view of any readable source.
        QString agreed;
        for (const auto &v : std::as_const(m_views))
            if (v) {
                agreed = *v;
                break;
            }
        QStringList laggards;
        for (auto it = m_viewsAtOpen.cbegin(); it != m_viewsAtOpen.cend(); ++it)
            if (it.value() && *it.value() != agreed)
                laggards.append(it.value()->isEmpty() ? tr("%1 had none").arg(it.key())
                                                      : tr("%1 still said %2").arg(it.key(), *it.value()));
        emit event({atMs, QStringLiteral("watchdog"), ClusterEvent::Severity::Warning, QStringLiteral("disagreement-ended"),
                    agreed,
                    tr("sources disagreed about the primary for %1 s (%2); now all say %3")
                            .arg(duration / 1000.0, 0, 'f', 1)
                            .arg(laggards.isEmpty() ? tr("views changed meanwhile") : laggards.join(QStringLiteral("; ")),
                                 agreed.isEmpty() ? tr("none") : agreed)});
        m_open = false;
    }
}

} // namespace pgha::models
