#include "experimentsview.h"

#include "savedialog.h"

#include "figureview.h"
#include "rolecolors.h"

#include "settings/usersettings.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QScrollBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

constexpr int kNameRole = Qt::UserRole + 1;
const QStringList kColumnMetrics{QStringLiteral("rto"), QStringLiteral("write_gap"), QStringLiteral("pgbench_gap"),
                                 QStringLiteral("throughput_recovery"), QStringLiteral("lost_writes"), QStringLiteral("lost_transactions")};

QString durationText(qint64 ms)
{
    const qint64 s = (ms + 500) / 1000;
    return s >= 60 ? QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60) : QObject::tr("%1 s").arg(s);
}

} // namespace

ExperimentsView::ExperimentsView(QWidget *parent)
    : QWidget(parent), m_list(new QListWidget(this)), m_where(new QLabel(this)),
      m_runPlan(new QPushButton(tr("Run a plan…"), this)), m_resume(new QPushButton(tr("Resume"), this)),
      m_stop(new QPushButton(tr("Stop"), this)), m_report(new QPushButton(tr("Report (PDF/HTML)…"), this)),
      m_progress(new QProgressBar(this)), m_progressText(new QLabel(this)), m_stage(new QLabel(this)), m_message(new QLabel(this)),
      m_title(new QLabel(this)), m_table(new QTableWidget(this)), m_metric(new QComboBox(this)),
      m_figure(new FigureView(QStringLiteral("experiment"), this))
{
    setObjectName(QStringLiteral("experimentsView"));
    m_runPlan->setToolTip(tr("Choose an experiment plan (YAML, docs/experiment-plan.md) and run every run of it, unattended"));
    m_resume->setToolTip(tr("Make the runs the selected experiment is still missing (an interrupted one is made again)"));
    m_stop->setToolTip(tr("Undo the fault in progress and stop; Resume continues later"));
    m_report->setToolTip(tr("Write the selected experiment's report: method, environment, tables and figures"));
    m_progress->setObjectName(QStringLiteral("experimentProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m runs done"));
    m_progressText->setObjectName(QStringLiteral("experimentProgressText"));
    m_stage->setStyleSheet(QStringLiteral("color: gray"));
    m_stage->setWordWrap(true);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_where->setStyleSheet(QStringLiteral("color: gray"));
    m_where->setWordWrap(true);
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runPlan);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_progressText);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Kept experiments"), left));
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_where);

    m_table->setObjectName(QStringLiteral("experimentResults"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_metric->setObjectName(QStringLiteral("experimentMetric"));
    auto *figureRow = new QHBoxLayout;
    figureRow->addWidget(new QLabel(tr("Figure:"), this));
    figureRow->addWidget(m_metric);
    figureRow->addStretch(1);
    figureRow->addWidget(m_report);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_title);
    rightLayout->addWidget(m_table);
    rightLayout->addLayout(figureRow);
    rightLayout->addWidget(m_figure, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_stage);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_runPlan, &QPushButton::clicked, this, &ExperimentsView::choosePlan);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (!selectedExperiment().isEmpty())
            emit resumeRequested(selectedExperiment());
    });
    connect(m_stop, &QPushButton::clicked, this, &ExperimentsView::stopRequested);
    connect(m_report, &QPushButton::clicked, this, &ExperimentsView::chooseReport);
    connect(m_list, &QListWidget::currentItemChanged, this, [this] {
        updateButtons();
        if (!selectedExperiment().isEmpty())
            emit experimentSelected(selectedExperiment());
    });
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ExperimentsView::updateFigure);
    clearResults(tr("Choose an experiment, or run a plan: one fault, under load or not, over a grid of settings, repeated."));
    setStage({});
    setMessage({}, false);
    updateButtons();
}

void ExperimentsView::setExperiments(const QList<Entry> &entries, const QString &where)
{
    const QString keep = selectedExperiment();
    {
        const QSignalBlocker block(m_list);
        m_list->clear();
        for (const auto &e : entries) {
            auto *item = new QListWidgetItem(tr("%1 — %2 of %3 runs").arg(e.name).arg(e.recorded).arg(e.planned), m_list);
            item->setData(kNameRole, e.name);
            item->setToolTip(e.title);
            if (e.recorded < e.planned)
                item->setForeground(pendingColor());
        }
        m_where->setText(tr("in %1").arg(where));
        selectExperiment(keep);
    }
    // The one shown before stays; else the first, so the tab never opens on nothing.
    if (selectedExperiment().isEmpty() && m_list->count() > 0)
        m_list->setCurrentRow(0);
    updateButtons();
}

void ExperimentsView::selectExperiment(const QString &name)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(kNameRole).toString() == name) {
            m_list->setCurrentRow(i);
            return;
        }
}

QString ExperimentsView::selectedExperiment() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(kNameRole).toString() : QString();
}

void ExperimentsView::showResults(const svc::ExperimentPlan &plan, const QList<svc::CellSummary> &cells)
{
    m_cells = cells;
    int measured = 0;
    for (const auto &c : cells)
        measured += c.runs;
    m_title->setText(tr("<b>%1</b> — %2<br/><span style='color:gray'>%3 of %4 runs measured · %5 cell(s) × %6 repetitions · "
                        "medians (min–max)</span>")
                             .arg(plan.name.toHtmlEscaped(), plan.title.toHtmlEscaped()).arg(measured).arg(plan.runCount())
                             .arg(cells.size()).arg(plan.repetitions));
    QStringList header{tr("Cell"), tr("Runs"), tr("Passed")};
    for (const QString &id : kColumnMetrics)
        header << svc::experimentMetric(id)->title;
    m_table->clear();
    m_table->setColumnCount(static_cast<int>(header.size()));
    m_table->setHorizontalHeaderLabels(header);
    m_table->setRowCount(static_cast<int>(cells.size()));
    for (int r = 0; r < cells.size(); ++r) {
        const svc::CellSummary &c = cells[r];
        QStringList row{c.key, tr("%1 of %2").arg(c.runs).arg(c.planned), QString::number(c.passed)};
        for (const QString &id : kColumnMetrics) {
            const svc::MetricSummary *m = c.metric(id);
            row << (m ? svc::metricCellText(*svc::experimentMetric(id), *m) : QStringLiteral("—"));
        }
        for (int col = 0; col < row.size(); ++col)
            m_table->setItem(r, col, new QTableWidgetItem(row[col]));
    }
    // Every cell's row in view, with room for the horizontal scroll bar the wide table has.
    const int height = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth()
                       + m_table->horizontalScrollBar()->sizeHint().height()
                       + m_table->verticalHeader()->defaultSectionSize() * static_cast<int>(std::max<qsizetype>(cells.size(), 1));
    m_table->setFixedHeight(height);
    const QString keep = m_metric->currentData().toString();
    {
        const QSignalBlocker block(m_metric);
        m_metric->clear();
        for (const auto &def : svc::experimentMetrics()) {
            const bool any = std::any_of(cells.cbegin(), cells.cend(), [&def](const svc::CellSummary &c) { return c.metric(def.id); });
            if (any)
                m_metric->addItem(def.title, def.id);
        }
        const int i = m_metric->findData(keep.isEmpty() ? QStringLiteral("rto") : keep);
        m_metric->setCurrentIndex(std::max(0, i));
    }
    m_report->setEnabled(measured > 0);
    updateFigure();
}

void ExperimentsView::clearResults(const QString &why)
{
    m_cells.clear();
    m_title->setText(why.toHtmlEscaped());
    m_table->clear();
    m_table->setRowCount(0);
    m_table->setColumnCount(0);
    m_metric->clear();
    m_figure->setFigure(std::nullopt);
    m_report->setEnabled(false);
}

void ExperimentsView::setRunning(const QString &name)
{
    m_running = name;
    if (name.isEmpty()) {
        m_stage->clear();
    } else {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progressText->clear();
    }
    updateButtons();
}

void ExperimentsView::setProgress(int done, int total, const QString &text, std::optional<qint64> etaMs)
{
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(std::min(done, std::max(1, total)));
    m_progressText->setText(etaMs ? tr("%1 — about %2 left").arg(text, durationText(*etaMs)) : text);
}

void ExperimentsView::setStage(const QString &text)
{
    m_stage->setText(text);
    m_stage->setVisible(!text.isEmpty());
}

void ExperimentsView::setMessage(const QString &text, bool problem)
{
    m_message->setStyleSheet(problem ? QStringLiteral("color: %1").arg(healthColor(false).name()) : QString());
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void ExperimentsView::choosePlan()
{
    auto *dialog = new QFileDialog(window(), tr("Run an experiment plan"), QString(), tr("Experiment plans (*.yaml *.yml);;All files (*)"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) { emit runRequested(file, false); });
    dialog->open();
}

void ExperimentsView::chooseReport()
{
    const QString name = selectedExperiment();
    if (!name.isEmpty())
        askSavePath(window(), tr("Write the experiment's report"), {tr("PDF document (*.pdf)"), tr("HTML page (*.html)")}, name,
                    [this, name](const QString &file) { emit reportRequested(name, file); });
}

void ExperimentsView::updateFigure()
{
    const svc::ExperimentMetric *def = svc::experimentMetric(m_metric->currentData().toString());
    if (!def || m_cells.isEmpty()) {
        m_figure->setFigure(std::nullopt);
        return;
    }
    m_figure->setFigure(reports::cellDotPlot(*def, m_cells));
}

void ExperimentsView::updateButtons()
{
    const bool running = !m_running.isEmpty();
    m_runPlan->setEnabled(!running);
    m_resume->setEnabled(!running && !selectedExperiment().isEmpty());
    m_stop->setEnabled(running);
    m_progress->setVisible(running || m_progress->value() > 0);
}

} // namespace pgha::views
