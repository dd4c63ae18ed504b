#include "topologynode.h"

#include <QCursor>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace pgha::views {

TopologyNode::TopologyNode(QString id, QGraphicsItem *parent) : QGraphicsObject(parent), m_id(std::move(id))
{
    setCursor(Qt::PointingHandCursor);
    setAcceptedMouseButtons(Qt::LeftButton);
    m_fade.setDuration(kTransitionMs);
    connect(&m_fade, &QVariantAnimation::valueChanged, this, [this](const QVariant &v) {
        m_fill = v.value<QColor>();
        update();
    });
}

QRectF TopologyNode::boundingRect() const
{
    // The note may be wider than the box (a clock time and a countdown): half a column more.
    return QRectF(-kWidth / 2 - kWidth / 4, -kHeight / 2 - 3, kWidth * 1.5, kHeight + 6 + kMaxNoteLines * kNoteLineHeight);
}

void TopologyNode::setNote(const QString &note, bool alarm)
{
    if (note == m_note && alarm == m_noteAlarm)
        return;
    m_note = note;
    m_noteAlarm = alarm;
    update();
}

void TopologyNode::setLook(Shape shape, const QColor &fill, bool emphasised, bool dashed)
{
    if (shape == m_shape && fill == m_target && emphasised == m_emphasised && dashed == m_dashed)
        return;   // refreshed every second: repaint only on a change
    m_shape = shape;
    m_emphasised = emphasised;
    m_dashed = dashed;
    if (fill != m_target) {
        m_target = fill;
        m_fade.stop();
        m_fade.setStartValue(m_fill);
        m_fade.setEndValue(fill);
        m_fade.start();
    }
    update();
}

void TopologyNode::setText(const QString &title, const QString &subtitle)
{
    if (title == m_title && subtitle == m_subtitle)
        return;
    m_title = title;
    m_subtitle = subtitle;
    update();
}

void TopologyNode::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const QRectF r(-kWidth / 2, -kHeight / 2, kWidth, kHeight);
    QPainterPath path;
    switch (m_shape) {
    case Shape::Pill: path.addRoundedRect(r, kHeight / 2, kHeight / 2); break;
    case Shape::Hexagon: {
        const qreal d = 14;
        path.moveTo(r.left() + d, r.top());
        path.lineTo(r.right() - d, r.top());
        path.lineTo(r.right(), r.center().y());
        path.lineTo(r.right() - d, r.bottom());
        path.lineTo(r.left() + d, r.bottom());
        path.lineTo(r.left(), r.center().y());
        path.closeSubpath();
        break;
    }
    case Shape::Cylinder: path.addRoundedRect(r, 18, 10); break;
    case Shape::Client: path.addEllipse(r); break;
    case Shape::Rounded: path.addRoundedRect(r, 8, 8); break;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    QPen pen(m_emphasised ? QColor(0xff, 0xc1, 0x07) : m_fill.darker(140), m_emphasised ? 4 : 1.5);
    if (m_dashed)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(m_fill);
    painter->drawPath(path);
    // Own background, so white text reads the same in light and dark themes.
    painter->setPen(Qt::white);
    QFont f = painter->font();
    f.setBold(true);
    painter->setFont(f);
    painter->drawText(r.adjusted(6, 4, -6, -kHeight / 2), Qt::AlignCenter, m_title);
    f.setBold(false);
    f.setPointSizeF(f.pointSizeF() * 0.85);
    painter->setFont(f);
    painter->drawText(r.adjusted(6, kHeight / 2 - 2, -6, -4), Qt::AlignCenter,
                      QFontMetrics(f).elidedText(m_subtitle, Qt::ElideRight, static_cast<int>(kWidth - 12)));
    if (m_note.isEmpty())
        return;
    f.setBold(true);
    painter->setFont(f);
    painter->setPen(m_noteAlarm ? QColor(0xc6, 0x28, 0x28) : QColor(0x61, 0x61, 0x61));
    const QStringList lines = m_note.split(QLatin1Char('\n')).mid(0, kMaxNoteLines);
    for (int i = 0; i < lines.size(); ++i)
        painter->drawText(QRectF(-kWidth * 0.75, kHeight / 2 + 2 + i * kNoteLineHeight, kWidth * 1.5, kNoteLineHeight), Qt::AlignCenter,
                          QFontMetrics(f).elidedText(lines[i], Qt::ElideRight, static_cast<int>(kWidth * 1.5)));
}

void TopologyNode::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    event->accept();
    emit clicked(m_id);
}

} // namespace pgha::views
