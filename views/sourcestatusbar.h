#pragma once

#include <QHash>
#include <utility>
#include <QTimer>
#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace pgha::models {
class SourceHealthModel;
}

namespace pgha::views {

class WhenSeen;

// One chip per kind of data source in the status bar ("PgBouncer 3/3 · 4 ms"): the dot is
// green when all answer, orange when some do, red when none; the tooltip lists every source
// with its interval, age of the last success and last error. Ages tick every second. When the
// chips do not fit the window's width, they drop the latency (it stays in the tooltip).
class SourceStatusBar : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 1000;

    SourceStatusBar(models::SourceHealthModel *model, QWidget *parent = nullptr);

    QString chipText(const QString &sourceId) const;   // the chip of that source's kind (tests)

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void refresh();
    void fitChips();
    void requestRefresh();

    models::SourceHealthModel *m_model;
    QHBoxLayout *m_layout;
    QHash<QString, QLabel *> m_chips;
    QHash<QString, std::pair<QString, QString>> m_texts;   // kind → (full, compact)
    QHash<QString, QString> m_fullPlain;                   // kind → full text without markup
    QTimer m_ticker;
    WhenSeen *m_refresh;   // a minimised window's chips wait for it to come back
};

} // namespace pgha::views
