#include "actioncontroller.h"

#include "actiondialog.h"
#include "clustermodel.h"
#include "clusterobserver.h"
#include "configeditordialog.h"
#include "mainwindow.h"

#include "actions/actionrunner.h"
#include "actions/journal.h"
#include "actions/patronicalls.h"

namespace pgha::app {

using svc::ActionKind;
using svc::ActionRunner;
using views::ActionDialog;

namespace {

// The copyable forms of what the runner would send now (never a password: curl gets -u USER).
ActionDialog::Requests requestsFor(const ActionRunner &runner, const svc::JournalContext &ctx)
{
    ActionDialog::Requests out;
    out.patronictl = svc::patronictlCommand(runner.request(), ctx.scope.isEmpty() ? runner.target().clusterName : ctx.scope);
    const auto calls = svc::buildCalls(runner.request(), runner.before(), runner.target().apis);
    if (!calls) {
        out.lines << calls.error().toString();
        return out;
    }
    for (const auto &c : calls.value()) {
        out.lines << QStringLiteral("%1 %2%3").arg(QString::fromLatin1(c.verb), c.url.toString(QUrl::RemoveUserInfo),
                                                   c.body.isEmpty() ? QString() : QStringLiteral("  ") + QString::fromUtf8(c.body));
        out.curl << svc::curlCommand(c, ctx.restUsername, ctx.caFile);
    }
    return out;
}

} // namespace

ActionController::ActionController(svc::HttpClient *http, models::ClusterObserver *observer, views::MainWindow *window,
                                   QObject *parent)
    : QObject(parent), m_http(http), m_observer(observer), m_window(window), m_journalPath(svc::Journal::defaultPath())
{
    connect(window, &views::MainWindow::actionRequested, this,
            [this](ActionKind kind, const QString &member, bool all) { openAction(kind, member, all); });
    connect(window, &views::MainWindow::configEditorRequested, this, &ActionController::openConfigEditor);
    window->setJournalPath(m_journalPath);
}

void ActionController::setProfile(const svc::Profile &profile)
{
    m_profile = profile;
    m_target = svc::actionTargetFor(profile);
    m_journalContext = svc::journalContextFor(profile);
}

void ActionController::setJournalPath(const QString &path)
{
    m_journalPath = path;
    m_window->setJournalPath(path);
}

ActionDialog *ActionController::openAction(ActionKind kind, const QString &member, bool allMembers)
{
    svc::ActionRequest r;
    r.kind = kind;
    if (kind == ActionKind::Switchover || kind == ActionKind::Failover)
        r.candidate = member;
    else if (!member.isEmpty() && !allMembers)
        r.members = {member};
    if (kind == ActionKind::Restart || kind == ActionKind::Reinit) {
        // "Restart member…" from the menu: start on the first replica, never on every member
        // by surprise; Reinit never offers the leader.
        if (r.members.isEmpty() && !allMembers)
            for (const auto &m : m_observer->cluster()->snapshot().members)
                if (!m.isLeader()) {
                    r.members = {m.name};
                    break;
                }
    }
    return openRequest(r);
}

ActionDialog *ActionController::openRequest(const svc::ActionRequest &request)
{
    auto *dialog = new ActionDialog(request, m_observer->cluster()->snapshot(), m_target.clusterName, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The runner belongs to the controller: closing the dialog must not cut off an action in flight.
    auto *runner = new ActionRunner(m_http, m_target, this);
    QPointer<ActionDialog> guard(dialog);
    // Sent: the runner is reading the cluster once more, or carrying the action out; from then on
    // finished() records it, whatever happens to the dialog.
    auto sent = std::make_shared<bool>(false);

    connect(dialog, &ActionDialog::requestChanged, runner, [runner](const svc::ActionRequest &r) { runner->prepare(r); });
    connect(runner, &ActionRunner::prepareFailed, dialog, [guard](const QString &error) {
        if (guard)
            guard->setPrepareError(error);
    });
    connect(runner, &ActionRunner::prepared, this, [this, guard, runner](const svc::Preflight &p) {
        if (guard)
            guard->setPreflight(p, runner->before(), requestsFor(*runner, m_journalContext));
    });
    // The runner reads the cluster once more and sends only what the operator confirmed; a
    // failed read ends as a refusal through finished().
    connect(dialog, &ActionDialog::sendRequested, runner, [runner, sent](const svc::ActionRequest &r) {
        *sent = true;
        runner->sendConfirmed(r);
    });
    // The fresh pre-flight asks more than the dialog showed: nothing was sent; back to the
    // operator with the new requirement, or, when nobody is there to confirm, a refusal.
    connect(runner, &ActionRunner::confirmationOutdated, this,
            [this, guard, runner, sent](const svc::Preflight &fresh, const QStringList &changes) {
                if (ActionDialog *d = guard.data(); d && d->isVisible()) {
                    *sent = false;
                    d->confirmAgain(fresh, runner->before(), requestsFor(*runner, m_journalContext), changes);
                    return;
                }
                runner->refuse(QStringLiteral("the cluster changed right before sending (%1) and the dialog was closed")
                                   .arg(changes.join(QStringLiteral("; "))));
            });
    connect(runner, &ActionRunner::stepsChanged, dialog, &ActionDialog::setSteps);
    connect(dialog, &ActionDialog::stopFollowingRequested, runner, &ActionRunner::abandon);
    connect(runner, &ActionRunner::finished, this, [this, runner, guard] { record(runner, guard); });
    // Deleted without being closed (the window goes away at shutdown): stop following quietly.
    connect(dialog, &QObject::destroyed, runner, [runner, sent] {
        if (!*sent)
            runner->deleteLater();
    });
    // On finished (the operator closed it), not on destroyed: at shutdown the window deletes its
    // dialogs without closing them, and nothing should be recorded against a dying window.
    connect(dialog, &QDialog::finished, runner, [runner, sent] {
        if (*sent)
            return;   // still reading or following: finished() records it
        // Closed without sending while the pre-flight refused: the refusal is journaled, as the
        // CLI journals "refused before sending". Closed while sendable: nothing happened.
        if (!runner->before().members.isEmpty() && !runner->preflight().allowed) {
            *sent = true;
            runner->execute();
            return;
        }
        runner->deleteLater();
    });

    runner->prepare(dialog->request());
    dialog->show();
    return dialog;
}

void ActionController::record(ActionRunner *runner, QPointer<ActionDialog> dialog)
{
    const auto &out = runner->outcome();
    const svc::Journal journal(m_journalPath);
    const auto written = journal.append(svc::journalEntry(*runner, m_journalContext));
    if (dialog) {
        dialog->setOutcome(out);
        dialog->setJournalNote(written ? tr("Recorded in the operator journal %1").arg(journal.path())
                                       : tr("Not recorded in the journal: %1").arg(written.error().toString()));
    }
    const int severity = out.ok() ? 0 : out.result == svc::ActionOutcome::Result::Cancelled ? 1 : 2;
    emit note(QStringLiteral("action"),
              tr("%1 %2: %3").arg(svc::actionName(runner->request().kind), svc::ActionOutcome::resultName(out.result), out.summary),
              severity);
    if (!written)
        emit note(QStringLiteral("action"), written.error().toString(), 2);
    m_window->refreshJournal();
    emit actionFinished(out);
    runner->deleteLater();
}

void ActionController::openConfigEditor()
{
    auto *editor = new views::ConfigEditorDialog(m_observer->dynamicConfig(), m_target.clusterName, m_window);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &views::ConfigEditorDialog::patchReady, this, [this, editor](const QJsonObject &patch) {
        svc::ActionRequest r;
        r.kind = ActionKind::ConfigPatch;
        r.configPatch = patch;
        openRequest(r);
        editor->close();
    });
    editor->show();
}

} // namespace pgha::app
