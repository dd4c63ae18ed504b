#pragma once

#include "actions/actiontarget.h"
#include "profile/profile.h"

#include <QObject>
#include <QPointer>

namespace pgha::svc {
class ActionRunner;
class HttpClient;
}
namespace pgha::models {
class ClusterObserver;
}
namespace pgha::views {
class ActionDialog;
class MainWindow;
}

namespace pgha::app {

// Carries the operator actions from the window to Patroni the way `pgha switchover …` does
// (app/cli/actioncommands.cpp): one ActionRunner per dialog runs the pre-flight whenever the
// dialog's inputs change, reads the cluster once more right before sending, follows the action
// to its outcome, and every finished or refused action goes into the operator journal and onto
// the event timeline. The dialogs never block; a closed dialog does not stop an action in flight.
class ActionController : public QObject {
    Q_OBJECT
public:
    ActionController(svc::HttpClient *http, models::ClusterObserver *observer, views::MainWindow *window,
                     QObject *parent = nullptr);

    void setProfile(const svc::Profile &profile);
    void setJournalPath(const QString &path);
    QString journalPath() const { return m_journalPath; }

    // `member` preselects the target; `allMembers` starts restart/reload on every member.
    views::ActionDialog *openAction(svc::ActionKind kind, const QString &member = {}, bool allMembers = false);
    views::ActionDialog *openRequest(const svc::ActionRequest &request);
    void openConfigEditor();

signals:
    void note(const QString &source, const QString &text, int severity);
    void actionFinished(const pgha::svc::ActionOutcome &outcome);

private:
    void record(svc::ActionRunner *runner, QPointer<views::ActionDialog> dialog);

    svc::HttpClient *m_http;
    models::ClusterObserver *m_observer;
    views::MainWindow *m_window;
    svc::Profile m_profile;
    svc::ActionTarget m_target;
    svc::JournalContext m_journalContext;
    QString m_journalPath;
};

} // namespace pgha::app
