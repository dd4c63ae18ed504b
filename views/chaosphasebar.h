#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

namespace pgha::views {

// The outage of one chaos run drawn to scale: a bar from the fault (0) to the RTO, each
// control-plane phase marked where it happened (labels staggered so none hides another), and
// the budget the timings predict as a dashed line.
class ChaosPhaseBar : public QWidget {
    Q_OBJECT
public:
    struct Mark {
        QString label;      // short: "leader key gone"
        QString tooltip;    // the phase's full title and its source
        qint64 atMs = 0;
    };

    explicit ChaosPhaseBar(QWidget *parent = nullptr);

    void setRun(std::optional<qint64> rtoMs, std::optional<qint64> budgetMs, const QList<Mark> &marks, bool passed);
    void clear();
    const QList<Mark> &marks() const { return m_marks; }
    qint64 axisMs() const { return m_axisMs; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;   // a tooltip per mark
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Placed {
        int x = 0;
        int row = 0;
        QRect labelRect;
    };
    QList<Placed> layoutMarks(const QRect &track) const;
    QRect trackRect() const;
    QFont labelFont() const;
    int xFor(qint64 ms, const QRect &track) const;

    std::optional<qint64> m_rto;
    std::optional<qint64> m_budget;
    QList<Mark> m_marks;
    bool m_passed = false;
    qint64 m_axisMs = 0;
};

} // namespace pgha::views
