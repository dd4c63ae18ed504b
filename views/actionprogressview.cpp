#include "actionprogressview.h"

#include "rolecolors.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

using State = svc::ActionStep::State;
using Result = svc::ActionOutcome::Result;

QString stateGlyph(State s)
{
    switch (s) {
    case State::Pending: return QStringLiteral("○");
    case State::Running: return QStringLiteral("◔");
    case State::Done: return QStringLiteral("✔");
    case State::Failed: return QStringLiteral("✖");
    case State::Skipped: return QStringLiteral("–");
    }
    return {};
}

QColor stateColor(State s)
{
    switch (s) {
    case State::Done: return healthColor(true);
    case State::Failed: return healthColor(false);
    case State::Running: return QColor(0x15, 0x65, 0xc0);
    case State::Pending:
    case State::Skipped: break;
    }
    return QColor(0x75, 0x75, 0x75);
}

QColor resultColor(Result r)
{
    switch (r) {
    case Result::Succeeded: return healthColor(true);
    case Result::Cancelled: return QColor(0x75, 0x75, 0x75);
    case Result::TimedOut: return pendingColor();
    case Result::Failed:
    case Result::Refused: break;
    }
    return healthColor(false);
}

} // namespace

ActionProgressView::ActionProgressView(QWidget *parent)
    : QWidget(parent),
      m_heading(new QLabel(this)),
      m_steps(new QTreeWidget(this)),
      m_outcome(new QLabel(this)),
      m_journal(new QLabel(this)),
      m_stop(new QPushButton(tr("Stop following"), this))
{
    setObjectName(QStringLiteral("actionProgress"));
    m_steps->setObjectName(QStringLiteral("actionSteps"));
    m_steps->setHeaderLabels({QString(), tr("Step"), tr("State"), tr("After"), tr("Detail")});
    m_steps->setRootIsDecorated(false);
    m_steps->setUniformRowHeights(true);
    m_steps->header()->setStretchLastSection(true);
    m_steps->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_steps->header()->setSectionResizeMode(4, QHeaderView::Stretch);
    m_outcome->setObjectName(QStringLiteral("actionOutcome"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextFormat(Qt::RichText);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome->setText(tr("<i>Sending…</i>"));
    m_journal->setObjectName(QStringLiteral("actionJournalNote"));
    m_journal->setWordWrap(true);
    m_journal->setStyleSheet(QStringLiteral("color: gray"));
    m_stop->setObjectName(QStringLiteral("stopFollowing"));
    m_stop->setToolTip(tr("Stop watching the cluster; Patroni may still carry the action out"));
    connect(m_stop, &QPushButton::clicked, this, &ActionProgressView::stopFollowingRequested);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_heading->setObjectName(QStringLiteral("actionHeading"));
    m_heading->setWordWrap(true);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_heading);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_outcome);
    layout->addWidget(m_journal);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_stop);
    layout->addLayout(row);
}

QString ActionProgressView::durationText(qint64 ms)
{
    return ms < 0 ? QStringLiteral("—") : QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 2);
}

void ActionProgressView::setSteps(const QList<svc::ActionStep> &steps)
{
    // Rebuilt in place: the list is short (≤ 10) and arrives a few times a second at most.
    while (m_steps->topLevelItemCount() > steps.size())
        delete m_steps->takeTopLevelItem(m_steps->topLevelItemCount() - 1);
    for (int i = 0; i < steps.size(); ++i) {
        const auto &s = steps[i];
        auto *item = m_steps->topLevelItem(i);
        if (!item)
            item = new QTreeWidgetItem(m_steps);
        item->setText(0, stateGlyph(s.state));
        item->setForeground(0, stateColor(s.state));
        item->setText(1, s.title);
        item->setText(2, svc::stepStateName(s.state));
        item->setForeground(2, stateColor(s.state));
        item->setText(3, s.elapsedMs >= 0 ? QStringLiteral("+") + durationText(s.elapsedMs) : QString());
        item->setText(4, s.detail);
        item->setToolTip(4, s.detail);
    }
}

void ActionProgressView::setOutcome(const svc::ActionOutcome &o)
{
    if (!o.steps.isEmpty())
        setSteps(o.steps);
    m_stop->setEnabled(false);
    QString html = QStringLiteral("<p><b style='color:%1; font-size:13pt'>%2</b> — %3</p><table cellspacing=3>")
                           .arg(resultColor(o.result).name(), svc::ActionOutcome::resultName(o.result).toUpper().toHtmlEscaped(),
                                o.summary.toHtmlEscaped());
    auto row = [&html](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td style='color:gray'>%1</td><td>%2</td></tr>").arg(k.toHtmlEscaped(), v.toHtmlEscaped());
    };
    if (o.httpStatus)
        row(tr("Patroni answered"), QStringLiteral("HTTP %1 after %2").arg(o.httpStatus).arg(durationText(o.requestMs)));
    if (!o.newLeader.isEmpty())
        row(tr("Leader now"), o.newTimeline >= 0 ? tr("%1 (timeline %2)").arg(o.newLeader).arg(o.newTimeline) : o.newLeader);
    // Only the figures this action has: a reload has no new leader and no write probe.
    if (o.timeToNewLeaderMs >= 0)
        row(tr("Time to new leader"), durationText(o.timeToNewLeaderMs));
    if (o.requestMs >= 0)   // nothing sent, nothing to converge
        row(tr("Converged after"), durationText(o.convergedMs));
    const bool probed = o.writeGapMs >= 0 || o.writesAcknowledged + o.writesFailed > 0;
    if (probed) {
        row(tr("Write gap (read-write entry point)"), o.writeGapMs >= 0 ? durationText(o.writeGapMs) : tr("none seen"));
        row(tr("Writes acknowledged / failed"), QStringLiteral("%1 / %2").arg(o.writesAcknowledged).arg(o.writesFailed));
    }
    html += QStringLiteral("</table>");
    m_outcome->setText(html);
}

void ActionProgressView::setHeading(const QString &text)
{
    m_heading->setText(text);
}

void ActionProgressView::setJournalNote(const QString &text)
{
    m_journal->setText(text);
}

} // namespace pgha::views
