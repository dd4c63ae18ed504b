#include "chaospanel.h"

#include "chaosliveview.h"
#include "chaosreportcard.h"
#include "chaosrunsview.h"
#include "rolecolors.h"
#include "rtodistributionchart.h"

#include "chaos/chaosseries.h"

#include <QComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
constexpr int kSetupWidth = 260;
constexpr int kIdRole = Qt::UserRole + 1;

QLabel *small(QWidget *parent, const QString &objectName)
{
    auto *l = new QLabel(parent);
    l->setObjectName(objectName);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return l;
}
} // namespace

ChaosPanel::ChaosPanel(QWidget *parent)
    : QWidget(parent),
      m_fault(new QComboBox(this)),
      m_what(small(this, QStringLiteral("chaosFaultWhat"))),
      m_undo(small(this, QStringLiteral("chaosFaultUndo"))),
      m_unavailable(small(this, QStringLiteral("chaosUnavailable"))),
      m_iterations(new QSpinBox(this)),
      m_sync(new QComboBox(this)),
      m_load(new QComboBox(this)),
      m_loadClients(new QSpinBox(this)),
      m_commands(new QWidget(this)),
      m_inject(new QLineEdit(m_commands)),
      m_undoCommand(new QLineEdit(m_commands)),
      m_run(new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Run"), this)),
      m_cancel(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"), this)),
      m_pages(new QTabWidget(this)),
      m_live(new ChaosLiveView(this)),
      m_card(new ChaosReportCard(this)),
      m_runs(new ChaosRunsView(this)),
      m_distribution(new RtoDistributionChart(this))
{
    setObjectName(QStringLiteral("chaosPanel"));
    m_pages->setObjectName(QStringLiteral("chaosPages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_live, tr("Live"));
    auto *cardScroll = new QScrollArea(this);
    cardScroll->setWidgetResizable(true);
    cardScroll->setFrameShape(QFrame::NoFrame);
    cardScroll->setWidget(m_card);
    m_pages->addTab(cardScroll, tr("Report card"));
    m_pages->addTab(m_runs, tr("Runs"));
    m_pages->addTab(m_distribution, tr("RTO distribution"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(buildSetup());
    auto *line = new QFrame(this);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);
    layout->addWidget(m_pages, 1);

    connect(m_fault, &QComboBox::currentIndexChanged, this, &ChaosPanel::onFaultChanged);
    connect(m_run, &QPushButton::clicked, this, [this] {
        emit runRequested(selectedFault(), iterations(), synchronousMode(), injectCommand(), undoCommand(), loadWorkload(),
                          loadClients());
    });
    connect(m_inject, &QLineEdit::textChanged, this, &ChaosPanel::updateButtons);
    connect(m_cancel, &QPushButton::clicked, this, &ChaosPanel::cancelRequested);
    connect(m_runs, &ChaosRunsView::runActivated, this, &ChaosPanel::showReport);
    showPage(Page::ReportCard);   // the last run's card, or how to make one
    updateButtons();
}

QWidget *ChaosPanel::buildSetup()
{
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("chaosSetup"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(kSetupWidth);
    auto *page = new QWidget(scroll);
    auto *v = new QVBoxLayout(page);
    v->setContentsMargins(8, 8, 8, 8);

    m_fault->setObjectName(QStringLiteral("chaosFault"));
    m_fault->setModel(new QStandardItemModel(m_fault));
    m_fault->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_fault->setMinimumContentsLength(20);
    auto *faultCaption = new QLabel(tr("<b>Fault</b>"), page);
    v->addWidget(faultCaption);
    v->addWidget(m_fault);
    v->addWidget(m_what);
    v->addWidget(m_undo);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 4, 0, 0);
    m_iterations->setObjectName(QStringLiteral("chaosIterations"));
    m_iterations->setRange(1, kMaxIterations);
    m_iterations->setToolTip(tr("Run the fault this many times, one after another, each on a healthy lab"));
    form->addRow(tr("Runs"), m_iterations);
    m_sync->setObjectName(QStringLiteral("chaosSyncMode"));
    m_sync->addItem(tr("as configured"));
    m_sync->addItem(tr("on"), true);
    m_sync->addItem(tr("off"), false);
    m_sync->setToolTip(tr("synchronous_mode for the run (PATCH /config), put back afterwards"));
    form->addRow(tr("synchronous_mode"), m_sync);
    m_load->setObjectName(QStringLiteral("chaosLoad"));
    m_load->addItem(tr("none"), QString());
    for (const char *w : {"select-only", "tpcb-like", "simple-update"})
        m_load->addItem(QString::fromLatin1(w), QString::fromLatin1(w));
    m_load->setToolTip(tr("pgbench through the fault (the tables of Bench → Initialise): 10 s of load before it, "
                          "until 10 s after the cluster is healthy again; the report card gains its gap and "
                          "throughput recovery"));
    form->addRow(tr("Load"), m_load);
    m_loadClients->setObjectName(QStringLiteral("chaosLoadClients"));
    m_loadClients->setRange(1, kMaxLoadClients);
    m_loadClients->setValue(kDefaultLoadClients);
    m_loadClients->setToolTip(tr("pgbench clients for the load"));
    form->addRow(tr("Load clients"), m_loadClients);
    connect(m_load, &QComboBox::currentIndexChanged, this, &ChaosPanel::updateButtons);
    v->addLayout(form);

    // Your own fault: the commands, with the member hit in their environment.
    auto *commands = new QVBoxLayout(m_commands);
    commands->setContentsMargins(0, 4, 0, 0);
    const QString variables = tr("Run with /bin/sh; PGHA_TARGET is the member hit (its name in /cluster), PGHA_TARGET_HOST, "
                                 "PGHA_TARGET_PORT and PGHA_TARGET_API its addresses, PGHA_SCOPE the cluster's scope. No "
                                 "password is in its environment.");
    m_inject->setObjectName(QStringLiteral("chaosInjectCommand"));
    m_inject->setPlaceholderText(QStringLiteral("docker kill $PGHA_TARGET"));
    m_inject->setToolTip(variables);
    m_undoCommand->setObjectName(QStringLiteral("chaosUndoCommand"));
    m_undoCommand->setPlaceholderText(QStringLiteral("docker start $PGHA_TARGET"));
    m_undoCommand->setToolTip(variables + tr(" Empty: the member must come back by itself."));
    commands->addWidget(new QLabel(tr("<b>Inject with</b>"), m_commands));
    commands->addWidget(m_inject);
    commands->addWidget(new QLabel(tr("<b>Undo with</b> (optional)"), m_commands));
    commands->addWidget(m_undoCommand);
    auto *hint = small(m_commands, QStringLiteral("chaosCommandHint"));
    hint->setText(tr("<span style='color:gray'>$PGHA_TARGET names the member; the console measures what clients see.</span>"));
    commands->addWidget(hint);
    v->addWidget(m_commands);

    auto *buttons = new QHBoxLayout;
    m_run->setObjectName(QStringLiteral("chaosRun"));
    m_cancel->setObjectName(QStringLiteral("chaosCancel"));
    m_cancel->setToolTip(tr("Undo the fault now and stop the series"));
    buttons->addWidget(m_run, 1);
    buttons->addWidget(m_cancel, 1);
    v->addLayout(buttons);
    m_unavailable->setStyleSheet(QStringLiteral("color: %1").arg(pendingColor().name()));
    v->addWidget(m_unavailable);
    v->addStretch(1);
    scroll->setWidget(page);
    return scroll;
}

const ChaosPanel::FaultEntry *ChaosPanel::entry(const QString &id) const
{
    for (const auto &f : m_faults)
        if (f.info.id == id)
            return &f;
    return nullptr;
}

void ChaosPanel::setFaults(const QList<FaultEntry> &faults)
{
    const QString keep = selectedFault();
    m_faults = faults;
    auto *model = static_cast<QStandardItemModel *>(m_fault->model());
    const QSignalBlocker block(m_fault);
    model->clear();
    QMap<QString, QStringList> byReason;
    int firstAvailable = -1;
    for (const auto &f : faults) {
        auto *item = new QStandardItem(f.availability.available ? f.info.title : tr("%1 (unavailable)").arg(f.info.title));
        item->setData(f.info.id, kIdRole);
        item->setEnabled(f.availability.available);
        item->setToolTip(f.availability.available ? f.info.what : tr("Unavailable: %1").arg(f.availability.reason));
        model->appendRow(item);
        if (f.availability.available && firstAvailable < 0)
            firstAvailable = model->rowCount() - 1;
        if (!f.availability.available)
            byReason[f.availability.reason] << f.info.title;
    }
    // Why not, in words next to the list, not only in a tooltip.
    QStringList lines;
    for (auto it = byReason.cbegin(); it != byReason.cend(); ++it)
        lines << (it.value().size() == faults.size() ? tr("⚠ No fault can run here: %1").arg(it.key().toHtmlEscaped())
                                                     : tr("⚠ <b>%1</b> unavailable: %2").arg(it.value().join(QStringLiteral(", ")).toHtmlEscaped(),
                                                                                            it.key().toHtmlEscaped()));
    m_unavailable->setText(lines.join(QStringLiteral("<br>")));
    m_unavailable->setVisible(!lines.isEmpty());
    if (!selectFault(keep) || !isAvailable(keep))
        m_fault->setCurrentIndex(firstAvailable >= 0 ? firstAvailable : 0);
    onFaultChanged();
}

QString ChaosPanel::selectedFault() const
{
    return m_fault->currentData(kIdRole).toString();
}

bool ChaosPanel::selectFault(const QString &id)
{
    const int i = m_fault->findData(id, kIdRole);
    if (i < 0)
        return false;
    m_fault->setCurrentIndex(i);
    return true;
}

bool ChaosPanel::isAvailable(const QString &id) const
{
    const FaultEntry *e = entry(id);
    return e && e->availability.available;
}

QString ChaosPanel::unavailableReason(const QString &id) const
{
    const FaultEntry *e = entry(id);
    return e ? e->availability.reason : tr("no fault named %1").arg(id);
}

QString ChaosPanel::injectCommand() const
{
    const FaultEntry *e = entry(selectedFault());
    return e && svc::isExternalFault(e->info.kind) ? m_inject->text().trimmed() : QString();
}

QString ChaosPanel::undoCommand() const
{
    const FaultEntry *e = entry(selectedFault());
    return e && svc::isExternalFault(e->info.kind) ? m_undoCommand->text().trimmed() : QString();
}

void ChaosPanel::setCommands(const QString &inject, const QString &undo)
{
    m_inject->setText(inject);
    m_undoCommand->setText(undo);
    updateButtons();
}

QString ChaosPanel::loadWorkload() const
{
    return m_load->currentData().toString();
}

int ChaosPanel::loadClients() const
{
    return m_loadClients->value();
}

int ChaosPanel::iterations() const
{
    return m_iterations->value();
}

std::optional<bool> ChaosPanel::synchronousMode() const
{
    const QVariant v = m_sync->currentData();
    return v.isValid() ? std::optional<bool>(v.toBool()) : std::nullopt;
}

void ChaosPanel::setRunning(bool running)
{
    m_running = running;
    updateButtons();
}

void ChaosPanel::follow(const svc::ChaosSeries *series, const QString &faultTitle)
{
    m_live->follow(series, faultTitle);
    connect(series, &svc::ChaosSeries::runStarted, this, [this] { showPage(Page::Live); });
    connect(series, &svc::ChaosSeries::storeError, m_runs, &ChaosRunsView::setStoreError);
    connect(series, &svc::ChaosSeries::runFinished, this, &ChaosPanel::showReport);
    connect(series, &svc::ChaosSeries::finished, this, [this] { setRunning(false); });
    setRunning(true);
}

void ChaosPanel::onFaultChanged()
{
    const FaultEntry *e = entry(selectedFault());
    m_what->setText(e ? e->info.what.toHtmlEscaped() : QString());
    m_undo->setText(e ? tr("<span style='color:gray'>Undo:</span> %1").arg(e->info.undo.toHtmlEscaped()) : QString());
    m_distribution->setRuns(selectedFault(), e ? e->info.title : QString(), m_runs->runs());
    m_commands->setVisible(e && svc::isExternalFault(e->info.kind));
    updateButtons();
}

void ChaosPanel::updateButtons()
{
    const QString id = selectedFault();
    const bool available = isAvailable(id);
    const FaultEntry *e = entry(id);
    const bool needsCommand = e && svc::isExternalFault(e->info.kind) && m_inject->text().trimmed().isEmpty();
    m_run->setEnabled(!m_running && available && !needsCommand);
    m_run->setToolTip(m_running     ? tr("A run is in progress")
                      : !available  ? unavailableReason(id)
                      : needsCommand ? tr("Give the command that injects the fault first")
                                     : tr("Inject the fault, measure, undo it"));
    m_cancel->setEnabled(m_running);
    m_fault->setEnabled(!m_running);
    m_iterations->setEnabled(!m_running);
    m_sync->setEnabled(!m_running);
    m_load->setEnabled(!m_running);
    m_loadClients->setEnabled(!m_running && !loadWorkload().isEmpty());
    m_inject->setEnabled(!m_running);
    m_undoCommand->setEnabled(!m_running);
}

void ChaosPanel::showPage(Page page)
{
    m_pages->setCurrentIndex(static_cast<int>(page));
}

ChaosPanel::Page ChaosPanel::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

void ChaosPanel::showReport(const svc::ChaosReport &report)
{
    m_card->setReport(report);
    showPage(Page::ReportCard);
}

void ChaosPanel::setRuns(const QList<svc::ChaosReport> &runs, const QString &storePath, int skippedLines,
                         const QString &storeError)
{
    m_runs->setRuns(runs, storePath, skippedLines);
    if (!storeError.isEmpty())
        m_runs->setStoreError(storeError);
    if (!m_card->hasReport() && !runs.isEmpty() && !m_running)
        m_card->setReport(runs.last());   // opened on the store: the latest run's card
    const FaultEntry *e = entry(selectedFault());
    m_distribution->setRuns(selectedFault(), e ? e->info.title : QString(), runs);
}

} // namespace pgha::views
