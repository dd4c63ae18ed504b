#pragma once

#include "actions/actiontypes.h"
#include "actions/preflight.h"
#include "patroni/patronitypes.h"

#include <QDialog>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTreeWidget;

namespace pgha::views {

class ActionProgressView;

// One operator action from pre-flight to outcome, never blocking the window (shown with show()
// or open(), never exec()). It only shows and asks: whoever opens it (the Application's action
// controller) runs the pre-flight whenever requestChanged() fires, feeds setPreflight(), sends
// on sendRequested(), and feeds the steps and the outcome back.
class ActionDialog : public QDialog {
    Q_OBJECT
public:
    // The copyable forms of the request(s) the pre-flight would send (never a password).
    struct Requests {
        QStringList lines;        // "POST http://…/switchover" + body
        QStringList curl;
        QString patronictl;
    };

    ActionDialog(const svc::ActionRequest &request, const svc::ClusterSnapshot &cluster, const QString &clusterName,
                 QWidget *parent = nullptr);

    // The request as the widgets say now.
    svc::ActionRequest request() const;

    void setPreflight(const svc::Preflight &preflight, const svc::ClusterSnapshot &before, const Requests &requests);
    void setPrepareError(const QString &error);
    // Nothing was sent: the pre-flight read right before sending asks more than the one
    // confirmed. Back on the first page with the fresh verdict, the changes listed on top, and
    // the confirmation to give again (a typed name is typed again).
    void confirmAgain(const svc::Preflight &fresh, const svc::ClusterSnapshot &before, const Requests &requests,
                      const QStringList &changes);
    void setSteps(const QList<svc::ActionStep> &steps);
    void setOutcome(const svc::ActionOutcome &outcome);
    void setJournalNote(const QString &text);

    // For tests and the controller.
    QPushButton *sendButton() const { return m_send; }
    QLineEdit *confirmField() const { return m_confirm; }
    QTreeWidget *candidateList() const { return m_candidates; }
    QTreeWidget *memberList() const { return m_topology; }
    QLabel *problemsLabel() const { return m_problems; }
    QLabel *expectedLabel() const { return m_expected; }
    QLabel *changedLabel() const { return m_changed; }
    QLabel *confirmReasonLabel() const { return m_confirmWhy; }
    QComboBox *memberPicker() const { return m_member; }
    QCheckBox *scheduleBox() const { return m_scheduleOn; }
    QDateTimeEdit *scheduleEdit() const { return m_schedule; }
    ActionProgressView *progress() const { return m_progress; }
    QString copiedCurl() const { return m_requests.curl.join(QLatin1Char('\n')); }
    QString copiedPatronictl() const { return m_requests.patronictl; }
    bool isSent() const { return m_sent; }

    static QString title(svc::ActionKind kind);

signals:
    void requestChanged(const pgha::svc::ActionRequest &request);
    void sendRequested(const pgha::svc::ActionRequest &request);
    void stopFollowingRequested();

private:
    QWidget *buildPreparePage();
    void fillTopology(const svc::ClusterSnapshot &cluster);
    void fillMembers(const svc::ClusterSnapshot &cluster);
    void fillCandidates(const QList<svc::CandidateVerdict> &verdicts);
    void onInputChanged();
    void updateSend();
    bool usesCandidate() const;
    bool usesMember() const;

    svc::ActionRequest m_initial;
    svc::ClusterSnapshot m_cluster;
    QString m_clusterName;
    svc::Preflight m_preflight;
    Requests m_requests;
    bool m_havePreflight = false;
    bool m_sent = false;
    QTimer m_rerun;          // one pre-flight per burst of edits, not per keystroke

    QStackedWidget *m_pages;
    QTreeWidget *m_topology;
    QTreeWidget *m_candidates;
    QComboBox *m_member;
    QCheckBox *m_scheduleOn;
    QDateTimeEdit *m_schedule;
    QCheckBox *m_pendingOnly;
    QLineEdit *m_reason;
    QLabel *m_expected;
    QLabel *m_problems;
    QLabel *m_changed;       // what changed between the confirmation and the fresh read
    QPlainTextEdit *m_requestText;
    QPushButton *m_copyCurl;
    QPushButton *m_copyPatronictl;
    QLabel *m_confirmLabel;
    QLabel *m_confirmWhy;    // why the name must be typed
    QLineEdit *m_confirm;
    QPushButton *m_send;
    QPushButton *m_close;
    ActionProgressView *m_progress;
};

} // namespace pgha::views
