#pragma once

#include <QHash>
#include <QTimer>
#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace pgha::models {
class SourceHealthModel;
}

namespace pgha::views {

// One chip per data source in the status bar: a coloured dot, its name and latency; the
// tooltip holds interval, age of the last success and the last error. Ages tick every second.
class SourceStatusBar : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 1000;

    SourceStatusBar(models::SourceHealthModel *model, QWidget *parent = nullptr);

    QString chipText(const QString &sourceId) const;   // for tests

private:
    void refresh();

    models::SourceHealthModel *m_model;
    QHBoxLayout *m_layout;
    QHash<QString, QLabel *> m_chips;
    QTimer m_ticker;
};

} // namespace pgha::views
