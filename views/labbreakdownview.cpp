#include "labbreakdownview.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace pgha::views {

namespace {
constexpr int kRowGap = 3;
constexpr int kIndent = 10;           // a parallel stage, under the stage it began in
constexpr int kLabelGap = 6;
constexpr int kMinBarWidth = 2;       // a stage of a few ms still shows
constexpr int kAxisTickCount = 5;     // about this many second marks under the bars
constexpr double kMaxLabelShare = 0.52;   // the labels never take more than this of the width
constexpr double kSmallPointScale = 0.9;
const QColor kCritical(0x15, 0x65, 0xc0);   // the critical path: each stage waited for the one before
const QColor kUnfinished(0xef, 0x6c, 0x00);

QString seconds(qint64 ms)
{
    return ms < 0 ? QStringLiteral("—") : QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
}

// A tick step of 1, 2 or 5 s × 10^k giving about `target` ticks over `spanMs`.
qint64 tickStep(qint64 spanMs, int target)
{
    const double raw = static_cast<double>(spanMs) / target;
    const double power = std::pow(10.0, std::floor(std::log10(std::max(1000.0, raw))));
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (f * power >= raw)
            return static_cast<qint64>(f * power);
    return static_cast<qint64>(10 * power);
}
} // namespace

LabBreakdownView::LabBreakdownView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("labBreakdown"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMouseTracking(true);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * kSmallPointScale);
    setFont(f);
}

void LabBreakdownView::setBreakdown(const svc::LabStartBreakdown &breakdown, bool healthy)
{
    m_breakdown = breakdown;
    m_healthy = healthy;
    m_rows = m_breakdown.displayOrder();
    setVisible(!m_breakdown.isEmpty());
    updateGeometry();
    update();
}

QString LabBreakdownView::title() const
{
    const QString total = seconds(m_breakdown.totalMs());
    const QString how = m_breakdown.fromNothing ? tr("from nothing") : tr("from its data");
    return m_healthy ? tr("Healthy after %1 (%2) — where the time went:").arg(total, how)
                     : tr("The start ended after %1 without a healthy lab — how far it got:").arg(total);
}

QStringList LabBreakdownView::rowTexts() const
{
    QStringList out;
    for (const auto *s : m_rows) {
        const double share = m_breakdown.share(*s);
        out << QStringLiteral("%1%2: %3%4")
                       .arg(s->parallel ? QStringLiteral("  ") : QString(), s->label, seconds(s->durationMs()),
                            share >= 0 ? QStringLiteral(" (%1 %)").arg(std::lround(share * 100)) : QString());
    }
    return out;
}

int LabBreakdownView::rowHeight() const
{
    return fontMetrics().height() + kRowGap;
}

QSize LabBreakdownView::sizeHint() const
{
    // Title, one row per stage, the axis.
    const int rows = static_cast<int>(m_rows.size()) + 2;
    return {320, rows * rowHeight() + kRowGap};
}

QSize LabBreakdownView::minimumSizeHint() const
{
    return {200, sizeHint().height()};
}

int LabBreakdownView::rowAt(int y) const
{
    const int row = y / rowHeight() - 1;   // the title is row "-1"
    return row >= 0 && row < m_rows.size() ? row : -1;
}

void LabBreakdownView::paintEvent(QPaintEvent *)
{
    if (m_rows.isEmpty())
        return;
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const int h = rowHeight();
    const QColor text = palette().color(QPalette::WindowText);
    QColor faint = text;
    faint.setAlphaF(0.5F);
    p.setPen(text);
    p.drawText(QRect(0, 0, width(), h), Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(title(), Qt::ElideRight, width()));

    // Columns: labels, bars on one axis from 0 to the total, the seconds at the right.
    int labelWidth = 0;
    for (const auto *s : m_rows)   // +1: elidedText() measures a shade wider than horizontalAdvance()
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(s->label) + 1 + (s->parallel ? kIndent : 0));
    labelWidth = std::min(labelWidth, static_cast<int>(width() * kMaxLabelShare));
    const int secondsWidth = fm.horizontalAdvance(QStringLiteral("00.0 s")) + kLabelGap;
    const int barLeft = labelWidth + kLabelGap;
    const int barWidth = std::max(10, width() - barLeft - secondsWidth);
    const qint64 totalMs = std::max<qint64>(1, m_breakdown.totalMs());
    auto xFor = [&](qint64 ms) {
        return barLeft + static_cast<int>(std::lround(std::clamp(static_cast<double>(ms) / static_cast<double>(totalMs), 0.0, 1.0) * barWidth));
    };

    for (int i = 0; i < m_rows.size(); ++i) {
        const svc::LabStartStage &s = *m_rows[i];
        const int top = (i + 1) * h;
        const int indent = s.parallel ? kIndent : 0;
        p.setPen(s.parallel ? faint : text);
        p.drawText(QRect(indent, top, labelWidth - indent, h), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(s.label, Qt::ElideRight, labelWidth - indent));
        const int x0 = xFor(s.startMs);
        const int x1 = s.finished() ? xFor(s.endMs) : xFor(totalMs);
        const QRect bar(x0, top + kRowGap, std::max(kMinBarWidth, x1 - x0), h - 2 * kRowGap);
        QColor fill = s.finished() ? kCritical : kUnfinished;
        if (s.parallel)
            fill.setAlphaF(0.4F);   // beside the critical path: it did not hold the start up by itself
        p.fillRect(bar, fill);
        p.setPen(s.parallel ? faint : text);
        p.drawText(QRect(width() - secondsWidth, top, secondsWidth, h), Qt::AlignVCenter | Qt::AlignRight,
                   seconds(s.durationMs()));
    }

    // The axis: whole seconds since the start began.
    const int axisTop = (static_cast<int>(m_rows.size()) + 1) * h;
    p.setPen(faint);
    p.drawLine(barLeft, axisTop + 1, barLeft + barWidth, axisTop + 1);
    const qint64 step = tickStep(totalMs, kAxisTickCount);
    for (qint64 t = 0; t <= totalMs; t += step) {
        const int x = xFor(t);
        p.drawLine(x, axisTop + 1, x, axisTop + 4);
        const QString label = QStringLiteral("%1 s").arg(t / 1000);
        const int w = fm.horizontalAdvance(label);
        p.drawText(QRect(std::min(x - w / 2, barLeft + barWidth - w), axisTop + 2, w + 2, h), Qt::AlignTop | Qt::AlignLeft, label);
    }
}

bool LabBreakdownView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    auto *help = static_cast<QHelpEvent *>(event);
    const int row = rowAt(help->pos().y());
    if (row < 0) {
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    const svc::LabStartStage &s = *m_rows[row];
    const double share = m_breakdown.share(s);
    QString tip = tr("%1\nfrom %2 to %3 after the start began: %4").arg(s.label, seconds(s.startMs), seconds(s.endMs), seconds(s.durationMs()));
    if (share >= 0)
        tip += tr(" (%1 % of the total)").arg(std::lround(share * 100));
    if (s.parallel)
        tip += tr("\nin parallel with the critical path (not added to the total)");
    if (!s.note.isEmpty())
        tip += QLatin1Char('\n') + s.note;
    QToolTip::showText(help->globalPos(), tip, this);
    return true;
}

} // namespace pgha::views
