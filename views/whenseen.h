#pragma once

#include <QObject>

#include <functional>

class QWidget;

namespace pgha::views {

// Runs a view's refresh only while someone can see the view: at once when it is visible and
// its window not minimised, else once when it shows again (its tab chosen, the window
// restored). Data keeps arriving at 1 Hz; what nobody sees is neither laid out nor painted.
class WhenSeen : public QObject {
    Q_OBJECT
public:
    WhenSeen(QWidget *widget, std::function<void()> refresh);

    void request();
    bool isDue() const { return m_due; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool canBeSeen() const;
    void runIfDue();

    QWidget *m_widget;
    std::function<void()> m_refresh;
    QObject *m_window = nullptr;   // the top-level window watched for being restored
    bool m_due = false;
};

} // namespace pgha::views
