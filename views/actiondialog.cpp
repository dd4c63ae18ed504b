#include "actiondialog.h"
#include "formpage.h"

#include "actionprogressview.h"
#include "memberformat.h"
#include "rolecolors.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTime>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

using svc::ActionKind;

constexpr int kRerunDelayMs = 350;           // after the last edit, before the pre-flight runs again
constexpr int kDefaultScheduleMinutes = 10;  // a schedule starts this far ahead
constexpr QSize kDialogSize(780, 640);
constexpr int kListRows = 4;                 // visible rows of the member and candidate lists
constexpr int kRequestLines = 4;

const QColor kBlockerColor(0xc6, 0x28, 0x28);
const QColor kWarningColor(0xb2, 0x6a, 0x00);   // amber, dark enough to read on white

int listHeight(const QTreeWidget *tree, int rows)
{
    return tree->header()->sizeHint().height() + rows * (tree->fontMetrics().height() + 8) + 4;
}

} // namespace

QString ActionDialog::title(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Switchover: return tr("Switchover");
    case ActionKind::CancelSwitchover: return tr("Cancel the scheduled switchover");
    case ActionKind::Failover: return tr("Failover");
    case ActionKind::Restart: return tr("Restart");
    case ActionKind::CancelRestart: return tr("Cancel the scheduled restart");
    case ActionKind::Reinit: return tr("Reinitialize replica");
    case ActionKind::Reload: return tr("Reload");
    case ActionKind::Pause: return tr("Pause (maintenance mode)");
    case ActionKind::Resume: return tr("Resume");
    case ActionKind::ConfigPatch: return tr("Change the dynamic configuration");
    }
    return {};
}

ActionDialog::ActionDialog(const svc::ActionRequest &request, const svc::ClusterSnapshot &cluster, const QString &clusterName,
                           QWidget *parent)
    : QDialog(parent),
      m_initial(request),
      m_cluster(cluster),
      m_clusterName(clusterName),
      m_pages(new QStackedWidget(this)),
      m_topology(new QTreeWidget(this)),
      m_candidates(new QTreeWidget(this)),
      m_member(new QComboBox(this)),
      m_scheduleOn(new QCheckBox(tr("at"), this)),
      m_schedule(new QDateTimeEdit(this)),
      m_pendingOnly(new QCheckBox(tr("only members with a pending restart"), this)),
      m_reason(new QLineEdit(this)),
      m_expected(new QLabel(this)),
      m_problems(new QLabel(this)),
      m_changed(new QLabel(this)),
      m_requestText(new QPlainTextEdit(this)),
      m_copyCurl(new QPushButton(tr("Copy as curl"), this)),
      m_copyPatronictl(new QPushButton(tr("Copy as patronictl"), this)),
      m_confirmLabel(new QLabel(this)),
      m_confirmWhy(new QLabel(this)),
      m_confirm(new QLineEdit(this)),
      m_send(new QPushButton(tr("Send"), this)),
      m_close(new QPushButton(tr("Close"), this)),
      m_progress(new ActionProgressView(this))
{
    setObjectName(QStringLiteral("actionDialog"));
    setWindowTitle(tr("%1 — %2").arg(title(request.kind), clusterName));
    setModal(false);
    resize(kDialogSize);
    m_rerun.setSingleShot(true);
    m_rerun.setInterval(kRerunDelayMs);
    connect(&m_rerun, &QTimer::timeout, this, [this] { emit requestChanged(this->request()); });

    m_pages->addWidget(buildPreparePage());
    m_pages->addWidget(m_progress);
    connect(m_progress, &ActionProgressView::stopFollowingRequested, this, &ActionDialog::stopFollowingRequested);

    m_send->setObjectName(QStringLiteral("sendAction"));
    m_send->setDefault(false);
    m_send->setAutoDefault(false);   // Enter in the confirm field must not send by surprise
    auto *recheck = new QPushButton(tr("Check again"), this);
    recheck->setToolTip(tr("Read the cluster again and redo the pre-flight"));
    connect(recheck, &QPushButton::clicked, this, [this] {
        if (!m_sent)
            onInputChanged();
    });
    connect(m_send, &QPushButton::clicked, this, [this] {
        if (!m_send->isEnabled() || m_sent)
            return;
        m_sent = true;
        m_send->setEnabled(false);
        m_changed->hide();
        m_pages->setCurrentIndex(1);
        emit sendRequested(this->request());
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(recheck);
    buttons->addStretch(1);
    buttons->addWidget(m_close);
    buttons->addWidget(m_send);
    connect(m_pages, &QStackedWidget::currentChanged, this, [this, recheck](int page) {
        recheck->setVisible(page == 0);
        m_send->setVisible(page == 0);
        QStringList lines;
        for (const QString &l : std::as_const(m_requests.lines))
            lines << l.toHtmlEscaped();
        if (page == 1)
            m_progress->setHeading(tr("<b>%1</b> confirmed at %2 — sent only if a fresh read of the cluster still agrees<br><tt>%3</tt>")
                                           .arg(title(m_initial.kind).toHtmlEscaped(),
                                                QTime::currentTime().toString(QStringLiteral("HH:mm:ss")),
                                                lines.join(QStringLiteral("<br>"))));
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages, 1);
    layout->addLayout(buttons);

    fillTopology(cluster);
    // Until the first pre-flight: every non-leader as a candidate, verdict pending.
    QList<svc::CandidateVerdict> pending;
    for (const auto &m : cluster.members)
        if (!m.isLeader())
            pending.append({m.name, true, {tr("checking…")}});
    fillCandidates(pending);
    updateSend();
}

QWidget *ActionDialog::buildPreparePage()
{
    const auto [scroll, page, form] = makeFormPage(this);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    const ActionKind kind = m_initial.kind;

    m_changed->setObjectName(QStringLiteral("changedSinceConfirmed"));
    m_changed->setWordWrap(true);
    m_changed->setTextFormat(Qt::RichText);
    m_changed->hide();
    form->addRow(m_changed);

    m_topology->setObjectName(QStringLiteral("actionTopology"));
    m_topology->setHeaderLabels({tr("Member"), tr("Role"), tr("State"), tr("TL"), tr("Lag"), tr("Pending restart")});
    m_topology->setRootIsDecorated(false);
    m_topology->setSelectionMode(QAbstractItemView::NoSelection);
    m_topology->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_topology->setFixedHeight(listHeight(m_topology, kListRows));
    form->addRow(tr("Cluster now"), m_topology);

    m_candidates->setObjectName(QStringLiteral("candidateList"));
    m_candidates->setHeaderLabels({tr("Candidate"), tr("Eligibility"), tr("Why")});
    m_candidates->setRootIsDecorated(false);
    m_candidates->setSelectionMode(QAbstractItemView::SingleSelection);
    m_candidates->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_candidates->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_candidates->header()->setStretchLastSection(true);
    m_candidates->setWordWrap(true);
    m_candidates->setFixedHeight(listHeight(m_candidates, kListRows));
    connect(m_candidates, &QTreeWidget::itemSelectionChanged, this, &ActionDialog::onInputChanged);
    if (usesCandidate())
        form->addRow(kind == ActionKind::Failover ? tr("Promote") : tr("New leader"), m_candidates);
    else
        m_candidates->hide();

    m_member->setObjectName(QStringLiteral("memberPicker"));
    fillMembers(m_cluster);
    connect(m_member, &QComboBox::currentIndexChanged, this, &ActionDialog::onInputChanged);
    if (usesMember())
        form->addRow(tr("Member"), m_member);
    else
        m_member->hide();

    if (kind == ActionKind::Switchover || kind == ActionKind::Restart) {
        auto *when = new QWidget(page);
        auto *row = new QHBoxLayout(when);
        row->setContentsMargins(0, 0, 0, 0);
        m_scheduleOn->setObjectName(QStringLiteral("scheduleOn"));
        m_schedule->setObjectName(QStringLiteral("scheduleAt"));
        m_schedule->setCalendarPopup(true);
        m_schedule->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        const QDateTime start = m_initial.isScheduled() ? m_initial.scheduledAt
                                                        : QDateTime::currentDateTime().addSecs(kDefaultScheduleMinutes * 60);
        m_schedule->setDateTime(start);
        m_scheduleOn->setChecked(m_initial.isScheduled());
        m_schedule->setEnabled(m_initial.isScheduled());
        auto *now = new QLabel(tr("unchecked: now"), when);
        now->setStyleSheet(QStringLiteral("color: gray"));
        row->addWidget(m_scheduleOn);
        row->addWidget(m_schedule);
        row->addWidget(now);
        row->addStretch(1);
        connect(m_scheduleOn, &QCheckBox::toggled, m_schedule, &QWidget::setEnabled);
        connect(m_scheduleOn, &QCheckBox::toggled, this, &ActionDialog::onInputChanged);
        connect(m_schedule, &QDateTimeEdit::dateTimeChanged, this, &ActionDialog::onInputChanged);
        form->addRow(tr("When"), when);
    } else {
        m_scheduleOn->hide();
        m_schedule->hide();
    }
    if (kind == ActionKind::Restart) {
        m_pendingOnly->setObjectName(QStringLiteral("pendingOnly"));
        m_pendingOnly->setChecked(m_initial.pendingOnly);
        connect(m_pendingOnly, &QCheckBox::toggled, this, &ActionDialog::onInputChanged);
        form->addRow(QString(), m_pendingOnly);
    } else {
        m_pendingOnly->hide();
    }

    m_reason->setObjectName(QStringLiteral("actionReason"));
    m_reason->setPlaceholderText(tr("optional — kept in the operator journal"));
    m_reason->setText(m_initial.reason);
    form->addRow(tr("Reason"), m_reason);

    m_expected->setObjectName(QStringLiteral("expectedOutcome"));
    m_expected->setWordWrap(true);
    m_expected->setText(tr("<i>Reading the cluster…</i>"));
    form->addRow(tr("Expected"), m_expected);
    m_problems->setObjectName(QStringLiteral("preflightProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextFormat(Qt::RichText);
    form->addRow(QString(), m_problems);

    m_requestText->setObjectName(QStringLiteral("requestText"));
    m_requestText->setReadOnly(true);
    m_requestText->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_requestText->setFont(QFont(QStringLiteral("monospace")));
    m_requestText->setFixedHeight(m_requestText->fontMetrics().height() * kRequestLines + 14);
    auto *requests = new QWidget(page);
    auto *rl = new QVBoxLayout(requests);
    rl->setContentsMargins(0, 0, 0, 0);
    rl->addWidget(m_requestText);
    auto *copyRow = new QHBoxLayout;
    m_copyCurl->setObjectName(QStringLiteral("copyCurl"));
    m_copyPatronictl->setObjectName(QStringLiteral("copyPatronictl"));
    m_copyCurl->setToolTip(tr("curl asks for the password itself (-u USER): it is never copied"));
    connect(m_copyCurl, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(copiedCurl()); });
    connect(m_copyPatronictl, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(copiedPatronictl()); });
    for (QPushButton *b : {m_copyCurl, m_copyPatronictl})
        b->setMinimumWidth(b->sizeHint().width() + b->fontMetrics().averageCharWidth() * 2);   // room for the whole label
    copyRow->addWidget(m_copyCurl);
    copyRow->addWidget(m_copyPatronictl);
    copyRow->addStretch(1);
    rl->addLayout(copyRow);
    form->addRow(tr("Request"), requests);

    m_confirmLabel->setObjectName(QStringLiteral("confirmLabel"));
    m_confirmLabel->setWordWrap(true);
    m_confirm->setObjectName(QStringLiteral("confirmName"));
    m_confirm->setPlaceholderText(tr("cluster name"));
    connect(m_confirm, &QLineEdit::textChanged, this, &ActionDialog::updateSend);
    m_confirmWhy->setObjectName(QStringLiteral("confirmWhy"));
    m_confirmWhy->setWordWrap(true);
    m_confirmWhy->setStyleSheet(QStringLiteral("color: %1").arg(kWarningColor.name()));
    form->addRow(m_confirmWhy);   // the whole width: the reasons are a sentence, the label column is narrow
    form->addRow(m_confirmLabel, m_confirm);
    m_confirmWhy->hide();
    m_confirmLabel->hide();
    m_confirm->hide();

    return scroll;
}

bool ActionDialog::usesCandidate() const
{
    return m_initial.kind == ActionKind::Switchover || m_initial.kind == ActionKind::Failover;
}

bool ActionDialog::usesMember() const
{
    switch (m_initial.kind) {
    case ActionKind::Restart:
    case ActionKind::CancelRestart:
    case ActionKind::Reinit:
    case ActionKind::Reload: return true;
    default: return false;
    }
}

svc::ActionRequest ActionDialog::request() const
{
    svc::ActionRequest r = m_initial;
    if (usesCandidate()) {
        const auto selected = m_candidates->selectedItems();
        r.candidate = selected.isEmpty() ? QString() : selected.first()->data(0, Qt::UserRole).toString();
    }
    if (usesMember()) {
        const QString member = m_member->currentData().toString();
        r.members = member.isEmpty() ? QStringList{} : QStringList{member};
    }
    if (m_initial.kind == ActionKind::Switchover || m_initial.kind == ActionKind::Restart)
        r.scheduledAt = m_scheduleOn->isChecked() ? m_schedule->dateTime() : QDateTime();
    if (m_initial.kind == ActionKind::Restart)
        r.pendingOnly = m_pendingOnly->isChecked();
    r.reason = m_reason->text().trimmed();
    return r;
}

void ActionDialog::fillTopology(const svc::ClusterSnapshot &cluster)
{
    m_topology->clear();
    for (const auto &m : cluster.members) {
        auto *item = new QTreeWidgetItem(m_topology, {m.name, models::roleText(m), m.state, models::timelineText(m),
                                                      models::lagText(m), m.pendingRestart ? tr("yes") : QString()});
        item->setForeground(1, roleColor(m.role));
        if (m.isLeader()) {
            QFont f = item->font(0);
            f.setBold(true);
            item->setFont(0, f);
        }
    }
    QStringList notes;
    if (cluster.paused)
        notes << tr("maintenance mode (paused)");
    if (cluster.scheduledSwitchover)
        notes << tr("switchover scheduled at %1").arg(cluster.scheduledSwitchover->at);
    m_topology->setToolTip(notes.join(QStringLiteral("; ")));
}

void ActionDialog::fillMembers(const svc::ClusterSnapshot &cluster)
{
    const ActionKind kind = m_initial.kind;
    const QString keep = m_member->count() ? m_member->currentData().toString() : m_initial.members.value(0);
    const QSignalBlocker block(m_member);
    m_member->clear();
    if (kind == ActionKind::Restart || kind == ActionKind::Reload || kind == ActionKind::CancelRestart)
        m_member->addItem(tr("every member"), QString());
    for (const auto &m : cluster.members)
        if (kind != ActionKind::Reinit || !m.isLeader())
            m_member->addItem(QStringLiteral("%1 (%2)").arg(m.name, models::roleText(m)), m.name);
    // The target never turns into "every member" by itself: a member not (or no longer) listed —
    // the dialog opened before the first /cluster answer, or it left — stays chosen, and the
    // pre-flight says what is wrong with it.
    if (!keep.isEmpty() && m_member->findData(keep) < 0)
        m_member->addItem(keep, keep);
    if (const int i = m_member->findData(keep); i >= 0)
        m_member->setCurrentIndex(i);
}

void ActionDialog::fillCandidates(const QList<svc::CandidateVerdict> &verdicts)
{
    const auto selected = m_candidates->selectedItems();
    const QString keep = selected.isEmpty() ? m_initial.candidate : selected.first()->data(0, Qt::UserRole).toString();
    const QSignalBlocker block(m_candidates);
    m_candidates->clear();
    if (m_initial.kind == ActionKind::Switchover) {
        auto *any = new QTreeWidgetItem(m_candidates, {tr("(Patroni picks)"), tr("—"), tr("the healthiest eligible replica")});
        any->setData(0, Qt::UserRole, QString());
    }
    for (const auto &v : verdicts) {
        const QString reasons = v.reasons.join(QStringLiteral("; "));
        auto *item = new QTreeWidgetItem(m_candidates, {v.name, v.eligible ? tr("eligible") : tr("not eligible"), reasons});
        item->setData(0, Qt::UserRole, v.name);
        item->setToolTip(2, reasons);
        item->setForeground(1, v.eligible ? healthColor(true) : healthColor(false));
        if (!v.eligible)
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));   // greyed, with the reasons beside
    }
    for (int i = 0; i < m_candidates->topLevelItemCount(); ++i) {
        auto *item = m_candidates->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == keep && (item->flags() & Qt::ItemIsSelectable))
            m_candidates->setCurrentItem(item);
    }
}

void ActionDialog::onInputChanged()
{
    if (m_sent)
        return;
    m_havePreflight = false;   // what is shown is for the old inputs until the new verdict arrives
    updateSend();
    m_rerun.start();
}

void ActionDialog::setPreflight(const svc::Preflight &p, const svc::ClusterSnapshot &before, const Requests &requests)
{
    m_preflight = p;
    m_requests = requests;
    m_havePreflight = !m_rerun.isActive();   // an edit after this pre-flight started wins
    m_cluster = before;
    fillTopology(before);
    // Roles move (a switchover elsewhere): the picker follows, keeping the chosen member.
    if (usesMember())
        fillMembers(before);
    if (usesCandidate())
        fillCandidates(p.candidates);
    m_expected->setText(p.expected.isEmpty() ? tr("—") : p.expected);
    QString html;
    for (const auto &b : p.blockers)
        html += QStringLiteral("<p style='color:%1'><b>✖ %2</b></p>").arg(kBlockerColor.name(), b.toHtmlEscaped());
    for (const auto &w : p.warnings)
        html += QStringLiteral("<p style='color:%1'>⚠ %2</p>").arg(kWarningColor.name(), w.toHtmlEscaped());
    m_problems->setText(html);
    m_problems->setVisible(!html.isEmpty());
    m_requestText->setPlainText(requests.lines.join(QLatin1Char('\n')));
    m_copyCurl->setEnabled(!requests.curl.isEmpty());
    m_copyPatronictl->setEnabled(!requests.patronictl.isEmpty());
    m_confirmLabel->setText(tr("Type <b>%1</b> to confirm").arg(p.confirmText.toHtmlEscaped()));
    m_confirmWhy->setText(tr("The cluster name must be typed: %1").arg(p.confirmReasons.join(QStringLiteral("; "))));
    m_confirmWhy->setVisible(p.typedConfirmation && !p.confirmReasons.isEmpty());
    m_confirmLabel->setVisible(p.typedConfirmation);
    m_confirm->setVisible(p.typedConfirmation);
    updateSend();
}

void ActionDialog::setPrepareError(const QString &error)
{
    m_havePreflight = false;
    m_expected->setText(tr("—"));
    m_problems->setText(QStringLiteral("<p style='color:%1'><b>✖ %2</b></p>").arg(kBlockerColor.name(), error.toHtmlEscaped()));
    m_problems->show();
    updateSend();
}

void ActionDialog::confirmAgain(const svc::Preflight &fresh, const svc::ClusterSnapshot &before, const Requests &requests,
                                const QStringList &changes)
{
    m_sent = false;
    m_confirm->clear();   // a name typed for the old verdict does not confirm the new one
    setPreflight(fresh, before, requests);
    QString html = QStringLiteral("<p style='color:%1'><b>%2</b></p><ul>")
                           .arg(kBlockerColor.name(), tr("Not sent: the cluster changed after you confirmed.").toHtmlEscaped());
    for (const auto &c : changes)
        html += QStringLiteral("<li>%1</li>").arg(c.toHtmlEscaped());
    html += QStringLiteral("</ul><p>%1</p>").arg(tr("Read the pre-flight below again and confirm once more.").toHtmlEscaped());
    m_changed->setText(html);
    m_changed->show();
    m_pages->setCurrentIndex(0);
    updateSend();
}

void ActionDialog::updateSend()
{
    QString why;
    if (m_sent)
        why = tr("already sent");
    else if (!m_havePreflight)
        why = tr("waiting for the pre-flight check");
    else if (!m_preflight.allowed)
        why = tr("the pre-flight check refuses it (in red above)");
    else if (m_preflight.typedConfirmation && m_confirm->text() != m_preflight.confirmText)
        why = tr("type the cluster name %1 to confirm").arg(m_preflight.confirmText);
    m_send->setEnabled(why.isEmpty());
    m_send->setToolTip(why.isEmpty() ? tr("Send the request(s) shown to Patroni") : why);
}

void ActionDialog::setSteps(const QList<svc::ActionStep> &steps)
{
    m_pages->setCurrentIndex(1);
    m_progress->setSteps(steps);
}

void ActionDialog::setOutcome(const svc::ActionOutcome &outcome)
{
    m_pages->setCurrentIndex(1);
    // Refused with no REST call made: say so where the heading claimed it was being sent.
    if (outcome.result == svc::ActionOutcome::Result::Refused && outcome.requestMs < 0)
        m_progress->setHeading(tr("<b>%1</b> not sent").arg(title(m_initial.kind).toHtmlEscaped()));
    m_progress->setOutcome(outcome);
}

void ActionDialog::setJournalNote(const QString &text)
{
    m_progress->setJournalNote(text);
}

} // namespace pgha::views
