#pragma once

#include <QHash>
#include <QTimer>
#include <QWidget>

class QHBoxLayout;

namespace pgha::models {
class SourceHealthModel;
}

namespace pgha::views {

class SourceChip;
class WhenSeen;

// One chip per kind of data source in the status bar ("PgBouncer 3/3 · < 10 ms"): the dot is
// green when all answer, orange when some do, red when none; the slowest answer is shown as a
// band, so that a chip repaints when something changes rather than every round (the tooltip
// lists every source with its latency, interval, age of the last success and last error, built
// when hovered). When the chips do not fit the window's width, they drop the latency.
class SourceStatusBar : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 1000;
    static constexpr int kCoalesceMs = 200;   // a round's answers arrive within this

    SourceStatusBar(models::SourceHealthModel *model, QWidget *parent = nullptr);

    QString chipText(const QString &sourceId) const;   // the chip of that source's kind (tests)
    // "< 10 ms", "< 50 ms", "< 100 ms", "< 250 ms", "< 500 ms", "< 1 s", "≥ 1 s".
    static QString latencyBand(qint64 ms);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void refresh();
    void fitChips();
    void requestRefresh();
    QString toolTip(const QString &kind) const;

    models::SourceHealthModel *m_model;
    QHBoxLayout *m_layout;
    QHash<QString, SourceChip *> m_chips;   // kind → chip
    QTimer m_ticker;
    QTimer m_coalesce;
    WhenSeen *m_refresh;   // a minimised window's chips wait for it to come back
};

} // namespace pgha::views
