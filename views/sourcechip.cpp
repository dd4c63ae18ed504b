#include "sourcechip.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace pgha::views {

namespace {
const QString kDot = QStringLiteral("●");
constexpr int kGapPx = 4;   // between the dot, the name and the detail
}

SourceChip::SourceChip(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
}

bool SourceChip::setContent(const QColor &dot, const QString &name, const QString &detail, const QString &compactDetail)
{
    if (dot == m_dot && name == m_name && detail == m_detail && compactDetail == m_compactDetail)
        return false;
    const QSize before = sizeHint();
    m_dot = dot;
    m_name = name;
    m_detail = detail;
    m_compactDetail = compactDetail;
    if (sizeHint() != before)
        updateGeometry();
    update();
    return true;
}

void SourceChip::setCompact(bool compact)
{
    if (compact == m_compact)
        return;
    m_compact = compact;
    updateGeometry();
    update();
}

QString SourceChip::plainText() const
{
    return QStringLiteral("%1 %2 %3").arg(kDot, m_name, shownDetail());
}

QString SourceChip::fullPlainText() const
{
    return QStringLiteral("%1 %2 %3").arg(kDot, m_name, m_detail);
}

QSize SourceChip::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    const int width = fm.horizontalAdvance(kDot) + fm.horizontalAdvance(m_name) + fm.horizontalAdvance(shownDetail()) + 2 * kGapPx;
    return {width, fm.height()};
}

void SourceChip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const int baseline = (height() - fm.height()) / 2 + fm.ascent();
    int x = 0;
    p.setPen(m_dot);
    p.drawText(x, baseline, kDot);
    x += fm.horizontalAdvance(kDot) + kGapPx;
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(x, baseline, m_name);
    x += fm.horizontalAdvance(m_name) + kGapPx;
    p.setPen(QColor(Qt::gray));
    p.drawText(x, baseline, shownDetail());
}

bool SourceChip::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipText();
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace pgha::views
