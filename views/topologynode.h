#pragma once

#include <QColor>
#include <QGraphicsObject>
#include <QVariantAnimation>

namespace pgha::views {

// One box of the topology diagram. Its colour changes with a short animation so a role
// change is seen, not just a different picture.
class TopologyNode : public QGraphicsObject {
    Q_OBJECT
public:
    enum class Shape { Rounded, Pill, Hexagon, Cylinder, Client };

    TopologyNode(QString id, QGraphicsItem *parent = nullptr);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

    void setLook(Shape shape, const QColor &fill, bool emphasised, bool dashed);
    void setText(const QString &title, const QString &subtitle);
    void setDetails(const QString &html) { m_details = html; }
    // Below the box, a line per fact, in the alarm colour when `alarm` (a dead member, a
    // leader key counting down). Empty: nothing below.
    void setNote(const QString &note, bool alarm);
    QString note() const { return m_note; }

    QString id() const { return m_id; }
    QString title() const { return m_title; }
    QString subtitle() const { return m_subtitle; }
    QString details() const { return m_details; }
    QColor targetFill() const { return m_target; }
    bool isEmphasised() const { return m_emphasised; }

    static constexpr qreal kWidth = 150;
    static constexpr qreal kHeight = 54;
    static constexpr int kTransitionMs = 350;
    static constexpr int kMaxNoteLines = 2;
    static constexpr qreal kNoteLineHeight = 14;

signals:
    void clicked(const QString &id);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;

private:
    QString m_id;
    QString m_title;
    QString m_subtitle;
    QString m_details;
    QString m_note;
    bool m_noteAlarm = false;
    Shape m_shape = Shape::Rounded;
    QColor m_fill = QColor(0x9e, 0x9e, 0x9e);
    QColor m_target = m_fill;
    bool m_emphasised = false;
    bool m_dashed = false;
    QVariantAnimation m_fade;
};

} // namespace pgha::views
