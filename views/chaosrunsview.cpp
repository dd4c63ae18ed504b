#include "chaosrunsview.h"

#include "savedialog.h"

#include "chaosreportcard.h"

#include "settings/usersettings.h"

#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
QTableWidgetItem *cell(const QString &text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    return item;
}

QString shortTime(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")) : iso;
}
} // namespace

namespace {
// The per-fault summary as a small table: runs, passed, RTO median / p95 / max, writes lost.
QString summaryTable(const QList<svc::ChaosSummary> &summaries)
{
    const QString head = QStringLiteral("<th align=%1 style='color:gray; font-weight:normal; padding:0 8px 0 0'>%2</th>");
    QString out = QStringLiteral("<table cellspacing=0 cellpadding=0><tr>") + head.arg(QStringLiteral("left"), ChaosRunsView::tr("fault"));
    for (const QString &h : {ChaosRunsView::tr("runs"), ChaosRunsView::tr("passed"), ChaosRunsView::tr("RTO median"), ChaosRunsView::tr("p95"),
                             ChaosRunsView::tr("max"), ChaosRunsView::tr("writes lost")})
        out += head.arg(QStringLiteral("right"), h);
    out += QStringLiteral("</tr>");
    const QString cellHtml = QStringLiteral("<td align=right style='padding:0 8px 0 0'>%1</td>");
    for (const auto &s : summaries) {
        auto sec = [&s](qint64 ms) { return s.rto.count ? svc::formatSeconds(ms) : QStringLiteral("—"); };
        out += QStringLiteral("<tr><td style='padding:0 12px 0 0'><b>%1</b></td>").arg(s.faultId.toHtmlEscaped());
        for (const QString &v : {QString::number(s.runs), QString::number(s.passed), sec(s.rto.median), sec(s.rto.p95), sec(s.rto.max),
                                 QString::number(s.lostWrites)})
            out += cellHtml.arg(v);
        out += QStringLiteral("</tr>");
    }
    return out + QStringLiteral("</table>");
}
} // namespace

ChaosRunsView::ChaosRunsView(QWidget *parent)
    : QWidget(parent),
      m_table(new QTableWidget(0, ColumnCount, this)),
      m_summary(new QLabel(this)),
      m_status(new QLabel(this)),
      m_export(new QPushButton(tr("Export…"), this))
{
    setObjectName(QStringLiteral("chaosRunsView"));
    m_table->setObjectName(QStringLiteral("chaosRunsTable"));
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Fault"), tr("Verdict"), tr("RTO"), tr("Write gap"), tr("Lost writes"), tr("Rejoin")});
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Rejoin, QHeaderView::Stretch);
    m_table->setToolTip(tr("Double-click a run to see its report card"));
    m_summary->setObjectName(QStringLiteral("chaosRunsSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("chaosRunsStatus"));
    m_status->setStyleSheet(QStringLiteral("color: gray"));
    m_status->setWordWrap(true);
    m_export->setObjectName(QStringLiteral("chaosExport"));
    m_export->setToolTip(tr("Save every kept run as JSONL (the store's own format) or CSV (one row per run)"));
    connect(m_export, &QPushButton::clicked, this, &ChaosRunsView::askExport);
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row) {
        const int index = static_cast<int>(m_runs.size()) - 1 - row;   // newest first on screen
        if (index >= 0 && index < m_runs.size())
            emit runActivated(m_runs[index]);
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addLayout(bar);
    setRuns({}, {});
}

void ChaosRunsView::setRuns(const QList<svc::ChaosReport> &runs, const QString &storePath, int skippedLines)
{
    m_runs = runs;
    m_storePath = storePath;
    m_table->setRowCount(static_cast<int>(runs.size()));
    for (int i = 0; i < runs.size(); ++i) {
        const auto &r = runs[runs.size() - 1 - i];
        const Qt::Alignment right = Qt::AlignRight | Qt::AlignVCenter;
        m_table->setItem(i, Time, cell(shortTime(r.startedAt)));
        auto *fault = cell(r.faultId);
        fault->setToolTip(r.faultTitle);
        m_table->setItem(i, Fault, fault);
        auto *verdict = cell(r.verdict, Qt::AlignCenter);
        verdict->setForeground(ChaosReportCard::verdictColor(r.verdict));
        QFont bold = m_table->font();
        bold.setBold(true);
        verdict->setFont(bold);
        verdict->setToolTip(r.error);
        m_table->setItem(i, Verdict, verdict);
        m_table->setItem(i, Rto, cell(svc::formatSeconds(r.rtoMs), right));
        m_table->setItem(i, WriteGap, cell(svc::formatSeconds(r.writeGapMs), right));
        m_table->setItem(i, LostWrites, cell(r.rpo.checked ? QString::number(r.rpo.missing) : tr("—"), right));
        // "pg1 7.64 s" when it streams again; the state only when it did not.
        const bool rejoins = !r.rejoin.state.isEmpty() && r.rejoin.state != u"not_applicable";
        const bool streams = r.rejoin.state == u"streaming" && r.rejoin.ms;
        auto *rejoin = cell(!rejoins ? tr("—")
                            : streams ? QStringLiteral("%1 %2").arg(r.rejoin.member, svc::formatSeconds(r.rejoin.ms))
                                      : QStringLiteral("%1 %2").arg(r.rejoin.member, r.rejoin.state));
        rejoin->setToolTip(rejoins ? QStringLiteral("%1: %2 %3 %4").arg(r.rejoin.member, r.rejoin.state, svc::formatSeconds(r.rejoin.ms), r.rejoin.note)
                                   : QString());
        m_table->setItem(i, Rejoin, rejoin);
    }
    QMap<QString, QList<svc::ChaosReport>> byFault;
    for (const auto &r : runs)
        byFault[r.faultId].append(r);
    m_summaries.clear();
    for (auto it = byFault.cbegin(); it != byFault.cend(); ++it)
        m_summaries.append(svc::summarizeRuns(it.value()));
    m_summary->setText(m_summaries.isEmpty() ? tr("<span style='color:gray'>No run kept yet.</span>") : summaryTable(m_summaries));
    m_export->setEnabled(!runs.isEmpty());
    QString status = storePath.isEmpty() ? QString() : tr("%1 run(s) kept in %2").arg(runs.size()).arg(storePath);
    if (skippedLines > 0)
        status += tr(" · %1 unreadable line(s) skipped").arg(skippedLines);
    m_status->setText(status);
}

void ChaosRunsView::setStoreError(const QString &error)
{
    m_status->setText(error);
    m_status->setStyleSheet(QStringLiteral("color: #c62828"));
}

svc::Result<bool> ChaosRunsView::exportTo(const QString &path)
{
    auto r = svc::exportChaosRuns(path, m_runs);
    if (r)
        svc::settings::rememberExportFile(path);   // the next export dialog opens there
    m_status->setStyleSheet(QStringLiteral("color: gray"));
    m_status->setText(r ? tr("Exported %1 run(s) to %2").arg(m_runs.size()).arg(path) : r.error().toString());
    return r;
}

void ChaosRunsView::askExport()
{
    askSavePath(this, tr("Export the chaos runs"),
                {tr("CSV, one row per run (*.csv)"), tr("JSON Lines, the whole report (*.jsonl)"), tr("All files (*)")},
                QStringLiteral("pgha-chaos-runs"), [this](const QString &file) { exportTo(file); });
}

} // namespace pgha::views
