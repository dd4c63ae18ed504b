#include "chaosphasebar.h"

#include "rolecolors.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace pgha::views {

namespace {
constexpr int kRowHeight = 16;
constexpr int kBarHeight = 22;
constexpr int kAxisHeight = 18;
constexpr int kMargin = 8;
constexpr int kRightMargin = 36;   // room for the last axis label
constexpr int kLabelGap = 10;
constexpr int kMinWidth = 320;
constexpr double kAxisHeadroom = 1.04;
constexpr double kLabelPointScale = 0.9;

QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 2);
}

// A tick step of 1, 2 or 5 × 10^k ms giving about `target` ticks.
qint64 tickStep(qint64 spanMs, int target)
{
    const double raw = static_cast<double>(spanMs) / target;
    const double power = std::pow(10.0, std::floor(std::log10(std::max(1.0, raw))));
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (f * power >= raw)
            return static_cast<qint64>(f * power);
    return static_cast<qint64>(10 * power);
}
} // namespace

ChaosPhaseBar::ChaosPhaseBar(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("chaosPhaseBar"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMouseTracking(true);
}

void ChaosPhaseBar::setRun(std::optional<qint64> rtoMs, std::optional<qint64> budgetMs, const QList<Mark> &marks, bool passed)
{
    m_rto = rtoMs;
    m_budget = budgetMs;
    m_marks = marks;
    std::stable_sort(m_marks.begin(), m_marks.end(), [](const Mark &a, const Mark &b) { return a.atMs < b.atMs; });
    m_passed = passed;
    qint64 end = std::max<qint64>(m_rto.value_or(0), m_budget.value_or(0));
    for (const auto &m : m_marks)
        end = std::max(end, m.atMs);
    m_axisMs = std::max<qint64>(1000, static_cast<qint64>(static_cast<double>(end) * kAxisHeadroom));
    updateGeometry();
    update();
}

void ChaosPhaseBar::clear()
{
    setRun(std::nullopt, std::nullopt, {}, false);
}

QRect ChaosPhaseBar::trackRect() const
{
    int rows = 0;
    const QRect provisional(kMargin, 0, std::max(kMinWidth, width()) - kMargin - kRightMargin, kBarHeight);
    for (const auto &p : layoutMarks(provisional))
        rows = std::max(rows, p.row + 1);
    return QRect(kMargin, rows * kRowHeight + 6, provisional.width(), kBarHeight);
}

int ChaosPhaseBar::xFor(qint64 ms, const QRect &track) const
{
    const double f = std::clamp(static_cast<double>(ms) / static_cast<double>(m_axisMs), 0.0, 1.0);
    return track.left() + static_cast<int>(std::lround(f * track.width()));
}

QList<ChaosPhaseBar::Placed> ChaosPhaseBar::layoutMarks(const QRect &track) const
{
    // Earliest first, each in the row nearest the bar where it overlaps neither a label nor a
    // leader line placed before, and its own leader line down to the bar crosses no label:
    // centred on its mark if it fits, else starting at the mark, else ending at it. Phases of a
    // failover bunch up within a second; this keeps them to a few rows.
    struct Span {
        int left, right;
        bool line;
    };
    QList<Placed> out;
    QList<QList<Span>> rows;
    const QFontMetrics fm(labelFont());
    const int maxLeft = std::max(kMinWidth, width());
    auto fits = [&](int row, int left, int right) {
        for (const Span &s : rows[row]) {
            const int gap = s.line ? 2 : kLabelGap;
            if (left < s.right + gap && right + gap > s.left)
                return false;
        }
        return true;
    };
    auto lineClear = [&](int row, int x) {
        for (int below = 0; below < row; ++below)
            for (const Span &s : rows[below])
                if (!s.line && x >= s.left - 2 && x <= s.right + 2)
                    return false;
        return true;
    };
    for (const auto &m : m_marks) {
        Placed p;
        p.x = xFor(m.atMs, track);
        const int w = fm.horizontalAdvance(m.label) + 4;
        const int candidates[] = {p.x - w / 2, p.x + 3, p.x - w - 3};
        int row = 0;
        int left = -1;
        // A label that covers this mark below makes a clear line impossible at any height:
        // then the first free place will do (a new top row always has one).
        const int lastRow = static_cast<int>(rows.size());
        for (bool needClearLine : {true, false}) {
            for (row = 0; row <= lastRow && left < 0; ++row) {
                if (row == rows.size())
                    rows.append(QList<Span>{});
                if (needClearLine && !lineClear(row, p.x))
                    continue;
                for (int c : candidates) {
                    const int l = std::clamp(c, 0, std::max(0, maxLeft - w));
                    if (fits(row, l, l + w)) {
                        left = l;
                        break;
                    }
                }
            }
            if (left >= 0)
                break;
        }
        --row;   // the loop stepped past the row it placed the label in
        rows[row].append({left, left + w, false});
        for (int below = 0; below < row; ++below)
            rows[below].append({p.x - 1, p.x + 1, true});
        p.row = row;
        p.labelRect = QRect(left, 0, w, kRowHeight);
        out.append(p);
    }
    // Row 0 sits right above the bar: count rows from the top for drawing.
    const int count = static_cast<int>(rows.size());
    for (auto &p : out)
        p.labelRect.moveTop((count - 1 - p.row) * kRowHeight);
    return out;
}

QFont ChaosPhaseBar::labelFont() const
{
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * kLabelPointScale);
    return f;
}

QSize ChaosPhaseBar::sizeHint() const
{
    const QRect track = trackRect();
    return {560, track.bottom() + 1 + kAxisHeight + 4};
}

QSize ChaosPhaseBar::minimumSizeHint() const
{
    return {kMinWidth, sizeHint().height()};
}

void ChaosPhaseBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect track = trackRect();
    const QColor text = palette().color(QPalette::WindowText);
    QColor faint = text;
    faint.setAlphaF(0.45F);

    // The track, and the outage from the fault to the RTO.
    p.setPen(Qt::NoPen);
    QColor groove = palette().color(QPalette::Mid);
    groove.setAlphaF(0.35F);
    p.setBrush(groove);
    p.drawRoundedRect(track, 4, 4);
    if (m_rto) {
        QColor fill = healthColor(m_passed);
        fill.setAlphaF(0.8F);
        p.setBrush(fill);
        p.drawRoundedRect(QRect(track.left(), track.top(), std::max(3, xFor(*m_rto, track) - track.left()), track.height()), 4, 4);
    }

    // Axis: seconds since the fault.
    const qint64 step = tickStep(m_axisMs, 6);
    p.setPen(faint);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    p.setFont(small);
    for (qint64 t = 0; t <= m_axisMs; t += step) {
        const int x = xFor(t, track);
        p.drawLine(x, track.bottom() + 1, x, track.bottom() + 4);
        p.drawText(QRect(x - 30, track.bottom() + 4, 60, kAxisHeight - 2), Qt::AlignHCenter | Qt::AlignTop,
                   QStringLiteral("%1 s").arg(static_cast<double>(t) / 1000.0, 0, 'g', 3));
    }
    if (m_budget) {
        const int x = xFor(*m_budget, track);
        p.setPen(QPen(text, 1.5, Qt::DashLine));
        p.drawLine(x, track.top() - 3, x, track.bottom() + 3);
        p.setPen(text);
        const QString label = tr("budget %1").arg(seconds(*m_budget));
        const int w = QFontMetrics(small).horizontalAdvance(label) + 6;
        const QRect r(std::min(x + 3, width() - w), track.bottom() + 4, w, kAxisHeight - 2);
        p.fillRect(r, palette().color(QPalette::Window));
        p.drawText(r, Qt::AlignLeft | Qt::AlignTop, label);
    }
    p.setFont(font());

    // Each phase: a tick across the bar, a leader line up to its label.
    const auto placed = layoutMarks(track);
    for (int i = 0; i < placed.size(); ++i) {
        const auto &pl = placed[i];
        p.setPen(QPen(faint, 1));
        p.drawLine(pl.x, pl.labelRect.bottom() + 1, pl.x, track.top());
        p.setPen(QPen(Qt::white, 2));
        p.drawLine(pl.x, track.top() + 2, pl.x, track.bottom() - 2);
        p.setPen(Qt::NoPen);
        p.setBrush(text);
        p.drawEllipse(QPoint(pl.x, track.top()), 3, 3);
    }
    // Labels over every leader line, so a line never runs through a word.
    p.setFont(labelFont());
    p.setPen(text);
    for (int i = 0; i < placed.size(); ++i) {
        p.fillRect(placed[i].labelRect, palette().color(QPalette::Window));
        p.drawText(placed[i].labelRect, Qt::AlignCenter, m_marks[i].label);
    }
    p.setFont(font());
    if (m_marks.isEmpty() && !m_rto) {
        p.setPen(faint);
        p.drawText(track, Qt::AlignCenter, tr("no outage measured"));
    }
}

void ChaosPhaseBar::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    updateGeometry();   // labels may need more or fewer rows at this width
}

bool ChaosPhaseBar::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        // On a label, or on its mark's tick and leader line.
        auto *help = static_cast<QHelpEvent *>(e);
        const QRect track = trackRect();
        const auto placed = layoutMarks(track);
        for (int i = 0; i < placed.size(); ++i) {
            const bool onLine = std::abs(help->pos().x() - placed[i].x) <= 3 && help->pos().y() >= placed[i].labelRect.top()
                                && help->pos().y() <= track.bottom();
            if (placed[i].labelRect.contains(help->pos()) || onLine) {
                QToolTip::showText(help->globalPos(), m_marks[i].tooltip, this);
                return true;
            }
        }
        QToolTip::hideText();
        e->ignore();
        return true;
    }
    return QWidget::event(e);
}

} // namespace pgha::views
