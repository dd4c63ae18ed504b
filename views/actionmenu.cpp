#include "actionmenu.h"

#include <QAction>
#include <QMenu>
#include <QToolBar>
#include <QWidget>

namespace pgha::views {

using svc::ActionKind;

ActionMenu::ActionMenu(QWidget *parent) : QObject(parent), m_demo(new QAction(tr("Failover demo"), parent))
{
    m_demo->setObjectName(QStringLiteral("failoverDemo"));
    connect(m_demo, &QAction::triggered, this, &ActionMenu::failoverDemoRequested);
    setFailoverDemoAvailable(false, tr("no profile loaded"));
    auto request = [this](Entry e, ActionKind kind, bool all = false) {
        connect(make(e, {}, {}), &QAction::triggered, this, [this, kind, all] { emit actionRequested(kind, QString(), all); });
    };
    make(Entry::Switchover, tr("Switchover…"), tr("Hand the leader role to a healthy replica (planned)"));
    make(Entry::Failover, tr("Failover…"), tr("Promote a replica when there is no healthy leader"));
    make(Entry::RestartMember, tr("Restart member…"), tr("Restart PostgreSQL on one member"));
    make(Entry::RestartAll, tr("Restart all…"), tr("Restart PostgreSQL on every member (optionally only where a restart is pending)"));
    make(Entry::Reinit, tr("Reinitialize replica…"), tr("Rebuild a replica from the leader: its data directory is wiped"));
    make(Entry::Reload, tr("Reload…"), tr("Reload Patroni's and PostgreSQL's configuration"));
    make(Entry::PauseResume, tr("Pause…"), tr("Maintenance mode: Patroni stops managing PostgreSQL (no automatic failover)"));
    make(Entry::EditConfig, tr("Edit dynamic configuration…"), tr("ttl, loop_wait, retry_timeout, PostgreSQL parameters … (PATCH /config)"));
    make(Entry::CancelSwitchover, tr("Cancel scheduled switchover…"), tr("Remove a scheduled switchover (DELETE /switchover)"));
    make(Entry::CancelRestart, tr("Cancel scheduled restart…"), tr("Remove scheduled restarts (DELETE /restart)"));
    request(Entry::Switchover, ActionKind::Switchover);
    request(Entry::Failover, ActionKind::Failover);
    request(Entry::RestartMember, ActionKind::Restart);
    request(Entry::RestartAll, ActionKind::Restart, true);
    request(Entry::Reinit, ActionKind::Reinit);
    request(Entry::Reload, ActionKind::Reload, true);
    request(Entry::CancelSwitchover, ActionKind::CancelSwitchover);
    request(Entry::CancelRestart, ActionKind::CancelRestart, true);
    connect(m_actions[Entry::PauseResume], &QAction::triggered, this,
            [this] { emit actionRequested(m_paused ? ActionKind::Resume : ActionKind::Pause, QString(), false); });
    connect(m_actions[Entry::EditConfig], &QAction::triggered, this, &ActionMenu::configEditorRequested);
    setActionsEnabled(false, tr("no profile loaded"));
}

QAction *ActionMenu::make(Entry e, const QString &text, const QString &tip)
{
    if (auto *a = m_actions.value(e))
        return a;
    auto *a = new QAction(text, parent());
    a->setObjectName(QStringLiteral("action") + QString::number(int(e)));
    m_actions.insert(e, a);
    m_tips.insert(e, tip);
    return a;
}

void ActionMenu::fillMenu(QMenu *menu) const
{
    for (Entry e : {Entry::Switchover, Entry::Failover})
        menu->addAction(m_actions[e]);
    menu->addSeparator();
    for (Entry e : {Entry::RestartMember, Entry::RestartAll, Entry::Reinit, Entry::Reload})
        menu->addAction(m_actions[e]);
    menu->addSeparator();
    menu->addAction(m_actions[Entry::PauseResume]);
    menu->addAction(m_actions[Entry::EditConfig]);
    menu->addSeparator();
    menu->addAction(m_actions[Entry::CancelSwitchover]);
    menu->addAction(m_actions[Entry::CancelRestart]);
    menu->addSeparator();
    menu->addAction(m_demo);
}

void ActionMenu::fillToolBar(QToolBar *toolbar) const
{
    for (Entry e : {Entry::Switchover, Entry::Failover, Entry::RestartMember, Entry::Reload, Entry::PauseResume, Entry::EditConfig})
        toolbar->addAction(m_actions[e]);
    toolbar->addSeparator();
    toolbar->addAction(m_demo);
}

QMenu *ActionMenu::memberMenu(const svc::PatroniMember &m, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    auto add = [&](const QString &text, ActionKind kind) {
        QAction *a = menu->addAction(text);
        a->setEnabled(m_enabled);
        a->setToolTip(m_enabled ? QString() : m_whyNot);
        connect(a, &QAction::triggered, this, [this, kind, name = m.name] { emit actionRequested(kind, name, false); });
    };
    if (!m.isLeader()) {
        add(tr("Switch over to %1…").arg(m.name), ActionKind::Switchover);
        add(tr("Fail over to %1…").arg(m.name), ActionKind::Failover);
        menu->addSeparator();
    }
    add(tr("Restart %1…").arg(m.name), ActionKind::Restart);
    add(tr("Reload %1…").arg(m.name), ActionKind::Reload);
    if (!m.isLeader())
        add(tr("Reinitialize %1…").arg(m.name), ActionKind::Reinit);
    menu->setToolTipsVisible(true);
    return menu;
}

void ActionMenu::setActionsEnabled(bool enabled, const QString &whyNot)
{
    m_enabled = enabled;
    m_whyNot = whyNot;
    for (auto it = m_actions.begin(); it != m_actions.end(); ++it) {
        it.value()->setEnabled(enabled);
        it.value()->setToolTip(enabled ? m_tips.value(it.key()) : tr("Disabled: %1").arg(whyNot));
    }
}

void ActionMenu::setFailoverDemoAvailable(bool available, const QString &whyNot)
{
    m_demo->setEnabled(available);
    m_demo->setToolTip(available ? tr("Crash the primary of the running lab once and watch the failover: live RTO, then the "
                                      "report card (Chaos tab)")
                                 : tr("Disabled: %1").arg(whyNot));
}

void ActionMenu::setPaused(bool paused)
{
    m_paused = paused;
    QAction *a = m_actions[Entry::PauseResume];
    a->setText(paused ? tr("Resume…") : tr("Pause…"));
    m_tips[Entry::PauseResume] = paused ? tr("Leave maintenance mode: Patroni manages PostgreSQL again")
                                        : tr("Maintenance mode: Patroni stops managing PostgreSQL (no automatic failover)");
    if (m_enabled)
        a->setToolTip(m_tips[Entry::PauseResume]);
}

} // namespace pgha::views
