#pragma once

#include <QObject>

class QSocketNotifier;

namespace pgha::app {

// Turns SIGINT/SIGTERM into a Qt signal (self-pipe), so Ctrl-C during `lab start` can stop
// what was already started instead of leaving it behind.
class SignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void interrupted(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace pgha::app
