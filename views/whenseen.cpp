#include "whenseen.h"

#include <QEvent>
#include <QWidget>

namespace pgha::views {

WhenSeen::WhenSeen(QWidget *widget, std::function<void()> refresh)
    : QObject(widget), m_widget(widget), m_refresh(std::move(refresh))
{
    widget->installEventFilter(this);
}

bool WhenSeen::canBeSeen() const
{
    return m_widget->isVisible() && !m_widget->window()->isMinimized();
}

void WhenSeen::request()
{
    m_due = true;
    runIfDue();
}

void WhenSeen::runIfDue()
{
    if (!m_due || !canBeSeen())
        return;
    m_due = false;
    m_refresh();
}

bool WhenSeen::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_widget && event->type() == QEvent::Show) {
        // A restored window sends no Show to its children: watch the window itself too.
        if (QWidget *window = m_widget->window(); window != m_window && window != m_widget) {
            if (m_window)
                m_window->removeEventFilter(this);
            m_window = window;
            window->installEventFilter(this);
            connect(window, &QObject::destroyed, this, [this] { m_window = nullptr; });
        }
        runIfDue();
    } else if (watched == m_window && event->type() == QEvent::WindowStateChange) {
        runIfDue();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace pgha::views
