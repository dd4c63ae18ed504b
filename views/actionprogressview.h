#pragma once

#include "actions/actiontypes.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace pgha::views {

// An action followed live: each step with its state (icon and colour) and the time since the
// request was sent, then the outcome with the figures an operator asks for afterwards — time to
// the new leader, convergence, and the write gap clients saw through the read-write entry point.
class ActionProgressView : public QWidget {
    Q_OBJECT
public:
    explicit ActionProgressView(QWidget *parent = nullptr);

    void setSteps(const QList<svc::ActionStep> &steps);
    void setOutcome(const svc::ActionOutcome &outcome);
    void setJournalNote(const QString &text);   // where the entry went, or why it did not
    void setHeading(const QString &text);       // what was sent, and when

    QTreeWidget *stepList() const { return m_steps; }
    QLabel *outcomeLabel() const { return m_outcome; }
    QPushButton *stopButton() const { return m_stop; }

    static QString durationText(qint64 ms);     // "2.71 s", "—" when unknown

signals:
    void stopFollowingRequested();

private:
    QLabel *m_heading;
    QTreeWidget *m_steps;
    QLabel *m_outcome;
    QLabel *m_journal;
    QPushButton *m_stop;
};

} // namespace pgha::views
