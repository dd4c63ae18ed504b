#pragma once

#include "actions/actiontypes.h"
#include "patroni/patronitypes.h"

#include <QHash>
#include <QObject>

class QAction;
class QMenu;
class QToolBar;
class QWidget;

namespace pgha::views {

// The operator actions as QActions, shared by the Actions menu, the toolbar and the members'
// context menus, so all of them are enabled, disabled and explained in one place.
class ActionMenu : public QObject {
    Q_OBJECT
public:
    // What the window offers; RestartAll is Restart on every member (with "pending only").
    enum class Entry { Switchover, Failover, RestartMember, RestartAll, Reinit, Reload, PauseResume, EditConfig,
                       CancelSwitchover, CancelRestart };

    explicit ActionMenu(QWidget *parent);

    void fillMenu(QMenu *menu) const;
    void fillToolBar(QToolBar *toolbar) const;
    // The actions that make sense for one member (switch over to it, restart it …).
    QMenu *memberMenu(const svc::PatroniMember &member, QWidget *parent);

    // Off: every action disabled, the reason in its tooltip.
    void setActionsEnabled(bool enabled, const QString &whyNot);
    void setPaused(bool paused);    // the Pause/Resume toggle follows /cluster
    bool actionsEnabled() const { return m_enabled; }
    QAction *action(Entry e) const { return m_actions.value(e); }
    // The one-click failover demo: crash the primary of the running lab and measure it. Enabled
    // by where faults may run (a lab profile with its lab running), not by the action switch.
    QAction *failoverDemo() const { return m_demo; }
    void setFailoverDemoAvailable(bool available, const QString &whyNot);

signals:
    // `member`: the member the operator chose in a context menu ("" from the menu bar).
    void actionRequested(pgha::svc::ActionKind kind, const QString &member, bool allMembers);
    void configEditorRequested();
    void failoverDemoRequested();

private:
    QAction *make(Entry e, const QString &text, const QString &tip);

    QHash<Entry, QAction *> m_actions;
    QHash<Entry, QString> m_tips;
    QAction *m_demo;
    bool m_enabled = false;
    bool m_paused = false;
    QString m_whyNot;
};

} // namespace pgha::views
