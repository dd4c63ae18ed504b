#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

#include <functional>

namespace pgha::views {

// One kind of source in the status bar: a coloured dot, the kind's name and a grey detail
// ("● PgBouncer 3/3 · 4 ms"). Painted directly rather than as a rich-text label: the detail
// changes every poll round, and a label would lay out an HTML document each time. The tooltip
// is asked for only when someone hovers.
class SourceChip : public QWidget {
    Q_OBJECT
public:
    explicit SourceChip(QWidget *parent = nullptr);

    // `compactDetail` is shown instead of `detail` when the bar is too narrow. False when
    // nothing changed (nothing is repainted then).
    bool setContent(const QColor &dot, const QString &name, const QString &detail, const QString &compactDetail);
    void setCompact(bool compact);
    void setToolTipSource(std::function<QString()> source) { m_toolTip = std::move(source); }

    QString plainText() const;               // "● PgBouncer 3/3 · 4 ms", as shown
    QString fullPlainText() const;           // with the full detail, whatever the mode
    QString toolTipText() const { return m_toolTip ? m_toolTip() : QString(); }
    QColor dotColor() const { return m_dot; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    const QString &shownDetail() const { return m_compact ? m_compactDetail : m_detail; }

    QColor m_dot;
    QString m_name;
    QString m_detail;
    QString m_compactDetail;
    bool m_compact = false;
    std::function<QString()> m_toolTip;
};

} // namespace pgha::views
