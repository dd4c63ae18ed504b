#include "benchform.h"

#include "rolecolors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
constexpr int kVisibleTargets = 5;
constexpr int kProgressSteps = 1000;
constexpr int kDefaultDurationS = 10;
constexpr int kScriptRowsVisible = 3;
const QString kDefaultTarget = QStringLiteral("rw");

QLabel *caption(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(QStringLiteral("<b>%1</b>").arg(text.toHtmlEscaped()), parent);
    l->setContentsMargins(0, 6, 0, 0);
    return l;
}

QFormLayout *form()
{
    auto *f = new QFormLayout;
    f->setContentsMargins(0, 0, 0, 0);
    f->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    return f;
}
} // namespace

BenchForm::BenchForm(QWidget *parent)
    : QWidget(parent),
      m_targets(new QListWidget(this)),
      m_workload(new QComboBox(this)),
      m_scripts(new QTableWidget(0, 2, this)),
      m_clients(new QSpinBox(this)),
      m_threads(new QSpinBox(this)),
      m_duration(new QSpinBox(this)),
      m_rate(new QDoubleSpinBox(this)),
      m_mode(new QComboBox(this)),
      m_repeat(new QSpinBox(this)),
      m_sweep(new QLineEdit(this)),
      m_warmup(new QSpinBox(this)),
      m_cold(new QCheckBox(tr("Cold cache before each run"), this)),
      m_label(new QLineEdit(this)),
      m_initTarget(new QComboBox(this)),
      m_scale(new QSpinBox(this)),
      m_init(new QPushButton(tr("Initialise"), this)),
      m_initBar(new QProgressBar(this)),
      m_initStatus(new QLabel(this)),
      m_run(new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Run"), this)),
      m_stop(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"), this)),
      m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("benchForm"));
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(8, 8, 8, 8);

    v->addWidget(caption(tr("Targets"), this));
    m_targets->setObjectName(QStringLiteral("benchTargets"));
    m_targets->setToolTip(tr("Where the load goes; several are run one after the other, in this order, for a comparison"));
    v->addWidget(m_targets);
    v->addWidget(buildWorkload());

    v->addWidget(caption(tr("Series"), this));
    auto *series = form();
    m_repeat->setObjectName(QStringLiteral("benchRepeat"));
    m_repeat->setRange(1, svc::BenchPlan::kMaxRepeat);
    m_repeat->setToolTip(tr("Measured runs per configuration: a median and a 95 % interval need several; short runs are noise"));
    series->addRow(tr("Repetitions"), m_repeat);
    m_sweep->setObjectName(QStringLiteral("benchSweep"));
    m_sweep->setPlaceholderText(tr("e.g. 1,2,4,8 — instead of Clients"));
    m_sweep->setToolTip(tr("One configuration per number of clients: TPS and latency against clients"));
    series->addRow(tr("Clients sweep"), m_sweep);
    m_warmup->setObjectName(QStringLiteral("benchWarmup"));
    m_warmup->setRange(0, svc::BenchPlan::kMaxWarmupS);
    m_warmup->setSuffix(tr(" s"));
    m_warmup->setSpecialValueText(tr("none"));
    m_warmup->setToolTip(tr("A run of this length before each configuration, not kept: caches and connections warm"));
    series->addRow(tr("Warm-up"), m_warmup);
    m_cold->setObjectName(QStringLiteral("benchCold"));
    m_cold->setToolTip(tr("Restart the servers (and drop the page cache where possible) before each run"));
    series->addRow(QString(), m_cold);
    m_label->setObjectName(QStringLiteral("benchLabel"));
    m_label->setPlaceholderText(tr("kept with every run, e.g. thesis-A"));
    series->addRow(tr("Label"), m_label);
    v->addLayout(series);

    auto *buttons = new QHBoxLayout;
    m_run->setObjectName(QStringLiteral("benchRun"));
    m_stop->setObjectName(QStringLiteral("benchStop"));
    m_stop->setToolTip(tr("End the current run cleanly (its figures so far are kept, marked stopped); no further run starts"));
    buttons->addWidget(m_run, 1);
    buttons->addWidget(m_stop, 1);
    v->addLayout(buttons);
    m_problem->setObjectName(QStringLiteral("benchProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: %1").arg(healthColor(false).name()));
    v->addWidget(m_problem);
    v->addWidget(buildInit());
    v->addStretch(1);

    connect(m_run, &QPushButton::clicked, this, [this] {
        if (validate().isEmpty())
            emit runRequested();
    });
    connect(m_stop, &QPushButton::clicked, this, &BenchForm::stopRequested);
    connect(m_init, &QPushButton::clicked, this, &BenchForm::initRequested);
    for (QSpinBox *box : {m_clients, m_threads, m_duration, m_repeat, m_warmup})
        connect(box, &QSpinBox::valueChanged, this, &BenchForm::validate);
    connect(m_rate, &QDoubleSpinBox::valueChanged, this, &BenchForm::validate);
    connect(m_sweep, &QLineEdit::textChanged, this, &BenchForm::validate);
    connect(m_targets, &QListWidget::itemChanged, this, &BenchForm::validate);
    connect(m_scripts, &QTableWidget::itemChanged, this, &BenchForm::validate);
    connect(m_workload, &QComboBox::currentIndexChanged, this, [this] {
        m_scriptsBox->setVisible(m_workload->currentData().toString().isEmpty());
        validate();
    });
    setTargets({kDefaultTarget});
    m_scriptsBox->setVisible(false);
    updateState();
}

QWidget *BenchForm::buildWorkload()
{
    auto *box = new QWidget(this);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(caption(tr("Workload"), box));
    auto *f = form();
    m_workload->setObjectName(QStringLiteral("benchWorkload"));
    for (const char *name : {"select-only", "tpcb-like", "simple-update"})
        m_workload->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    m_workload->addItem(tr("custom scripts"), QString());
    m_workload->setToolTip(tr("pgbench's built-in scripts, or your own SQL files with weights (-f FILE@WEIGHT)"));
    f->addRow(tr("Script"), m_workload);
    v->addLayout(f);

    m_scriptsBox = new QWidget(box);
    auto *sv = new QVBoxLayout(m_scriptsBox);
    sv->setContentsMargins(0, 0, 0, 0);
    m_scripts->setObjectName(QStringLiteral("benchScripts"));
    m_scripts->setHorizontalHeaderLabels({tr("Script file"), tr("Weight")});
    m_scripts->verticalHeader()->hide();
    m_scripts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_scripts->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_scripts->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_scripts->setFixedHeight(m_scripts->horizontalHeader()->sizeHint().height()
                              + kScriptRowsVisible * m_scripts->verticalHeader()->defaultSectionSize() + 4);
    sv->addWidget(m_scripts);
    auto *scriptButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add…"), m_scriptsBox);
    auto *remove = new QPushButton(tr("Remove"), m_scriptsBox);
    connect(add, &QPushButton::clicked, this, &BenchForm::askScripts);
    connect(remove, &QPushButton::clicked, this, [this] {
        const auto rows = m_scripts->selectionModel()->selectedRows();
        for (auto it = rows.crbegin(); it != rows.crend(); ++it)
            m_scripts->removeRow(it->row());
        validate();
    });
    scriptButtons->addWidget(add);
    scriptButtons->addWidget(remove);
    scriptButtons->addStretch(1);
    sv->addLayout(scriptButtons);
    v->addWidget(m_scriptsBox);

    auto *load = form();
    m_clients->setObjectName(QStringLiteral("benchClients"));
    m_clients->setRange(1, kMaxClients);
    m_clients->setToolTip(tr("Concurrent database sessions (-c)"));
    load->addRow(tr("Clients"), m_clients);
    m_threads->setObjectName(QStringLiteral("benchThreads"));
    m_threads->setRange(1, kMaxClients);
    m_threads->setToolTip(tr("pgbench worker threads (-j), at most the clients; on a small machine pgbench itself can saturate"));
    load->addRow(tr("Threads"), m_threads);
    m_duration->setObjectName(QStringLiteral("benchDuration"));
    m_duration->setRange(1, kMaxDurationS);
    m_duration->setValue(kDefaultDurationS);
    m_duration->setSuffix(tr(" s"));
    load->addRow(tr("Duration"), m_duration);
    m_rate->setObjectName(QStringLiteral("benchRate"));
    m_rate->setRange(0, kMaxRate);
    m_rate->setDecimals(0);
    m_rate->setSuffix(tr(" tps"));
    m_rate->setSpecialValueText(tr("as fast as possible"));
    m_rate->setToolTip(tr("Target rate (-R): latency then includes the wait for the schedule"));
    load->addRow(tr("Rate"), m_rate);
    m_mode->setObjectName(QStringLiteral("benchQueryMode"));
    m_mode->addItem(tr("pgbench's default (simple)"), QString());
    for (const char *mode : {"simple", "extended", "prepared"})
        m_mode->addItem(QString::fromLatin1(mode), QString::fromLatin1(mode));
    m_mode->setToolTip(tr("Query protocol (-M); PgBouncer before 1.21 in transaction pooling refuses prepared"));
    load->addRow(tr("Query mode"), m_mode);
    v->addLayout(load);
    return box;
}

QWidget *BenchForm::buildInit()
{
    auto *box = new QWidget(this);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(caption(tr("Prepare the database"), box));
    auto *f = form();
    m_initTarget->setObjectName(QStringLiteral("benchInitTarget"));
    m_initTarget->setToolTip(tr("pgbench -i writes tables: through a read-write target (ro reaches replicas, which refuse writes)"));
    f->addRow(tr("Through"), m_initTarget);
    m_scale->setObjectName(QStringLiteral("benchScale"));
    m_scale->setRange(1, kMaxScale);
    m_scale->setToolTip(tr("Scale factor: 100,000 accounts each (about 15 MB)"));
    auto *row = new QHBoxLayout;
    row->addWidget(m_scale, 1);
    m_init->setObjectName(QStringLiteral("benchInit"));
    m_init->setToolTip(tr("pgbench -i -s SCALE into the database \"pgbench\" (made when missing); existing tables are replaced"));
    row->addWidget(m_init);
    f->addRow(tr("Scale"), row);
    v->addLayout(f);
    m_initBar->setObjectName(QStringLiteral("benchInitProgress"));
    m_initBar->setRange(0, kProgressSteps);
    m_initBar->setValue(0);
    m_initBar->setTextVisible(true);
    m_initBar->setFormat(QStringLiteral("%p %"));
    v->addWidget(m_initBar);
    m_initStatus->setObjectName(QStringLiteral("benchInitStatus"));
    m_initStatus->setWordWrap(true);
    m_initStatus->setStyleSheet(QStringLiteral("color: gray"));
    v->addWidget(m_initStatus);
    return box;
}

void BenchForm::setTargets(const QStringList &names)
{
    QStringList checked = selectedTargets();
    if (checked.isEmpty())
        checked = {kDefaultTarget};
    const QSignalBlocker blocker(m_targets);
    m_targets->clear();
    for (const QString &name : names) {
        auto *item = new QListWidgetItem(name, m_targets);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(name) ? Qt::Checked : Qt::Unchecked);
    }
    const int rows = std::clamp(static_cast<int>(names.size()), 1, kVisibleTargets);
    m_targets->setFixedHeight(rows * m_targets->sizeHintForRow(0) + 2 * m_targets->frameWidth() + 2);
    const QString init = m_initTarget->currentText();
    m_initTarget->clear();
    for (const QString &name : names)
        if (name != u"ro")
            m_initTarget->addItem(name);
    m_initTarget->setCurrentIndex(std::max(0, m_initTarget->findText(init.isEmpty() ? kDefaultTarget : init)));
    validate();
}

void BenchForm::setSelectedTargets(const QStringList &names)
{
    for (int i = 0; i < m_targets->count(); ++i)
        m_targets->item(i)->setCheckState(names.contains(m_targets->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
    validate();
}

QStringList BenchForm::selectedTargets() const
{
    QStringList out;
    for (int i = 0; i < m_targets->count(); ++i)
        if (m_targets->item(i)->checkState() == Qt::Checked)
            out.append(m_targets->item(i)->text());
    return out;
}

void BenchForm::addScriptRow(const QString &path, int weight)
{
    const QSignalBlocker blocker(m_scripts);
    const int row = m_scripts->rowCount();
    m_scripts->insertRow(row);
    auto *file = new QTableWidgetItem(QFileInfo(path).fileName());
    file->setData(Qt::UserRole, path);
    file->setToolTip(path);
    file->setFlags(file->flags() & ~Qt::ItemIsEditable);
    m_scripts->setItem(row, 0, file);
    m_scripts->setItem(row, 1, new QTableWidgetItem(QString::number(weight)));
}

void BenchForm::setScripts(const QStringList &scripts)
{
    m_scripts->setRowCount(0);
    for (const QString &s : scripts) {
        const qsizetype at = s.lastIndexOf(u'@');
        bool ok = false;
        const int weight = at > 0 ? s.mid(at + 1).toInt(&ok) : 1;
        addScriptRow(ok ? s.left(at) : s, ok ? weight : 1);
    }
    m_workload->setCurrentIndex(scripts.isEmpty() ? 0 : m_workload->count() - 1);
    validate();
}

void BenchForm::askScripts()
{
    auto *dialog = new QFileDialog(window(), tr("Choose pgbench scripts"), QString(), tr("SQL scripts (*.sql);;All files (*)"));
    dialog->setFileMode(QFileDialog::ExistingFiles);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::filesSelected, this, [this](const QStringList &files) {
        for (const QString &f : files)
            addScriptRow(f, 1);
        validate();
    });
    dialog->open();
}

svc::Result<svc::BenchPlan> BenchForm::plan() const
{
    svc::BenchPlan p;
    p.targets = selectedTargets();
    if (p.targets.isEmpty())
        return svc::makeError(tr("choose at least one target"));
    svc::BenchWorkload &w = p.workload;
    w.builtin = m_workload->currentData().toString();
    if (w.builtin.isEmpty()) {
        for (int row = 0; row < m_scripts->rowCount(); ++row) {
            const QString path = m_scripts->item(row, 0)->data(Qt::UserRole).toString();
            bool ok = false;
            const int weight = m_scripts->item(row, 1) ? m_scripts->item(row, 1)->text().trimmed().toInt(&ok) : 0;
            if (!ok || weight < 1 || weight > kMaxScriptWeight)
                return svc::makeError(tr("the weight of %1 must be a whole number 1 … %2").arg(QFileInfo(path).fileName()).arg(kMaxScriptWeight));
            w.scripts.append(weight == 1 ? path : QStringLiteral("%1@%2").arg(path).arg(weight));
        }
        if (w.scripts.isEmpty())
            return svc::makeError(tr("add at least one script file, or choose a built-in workload"));
    }
    w.clients = m_clients->value();
    w.threads = m_threads->value();
    w.durationS = m_duration->value();
    if (m_rate->value() > 0)
        w.rate = m_rate->value();
    w.queryMode = m_mode->currentData().toString();
    p.repeat = m_repeat->value();
    p.warmupS = m_warmup->value();
    p.cold = m_cold->isChecked();
    p.label = m_label->text().trimmed();
    if (const QString sweep = m_sweep->text().trimmed(); !sweep.isEmpty()) {
        auto clients = svc::parseClientsList(sweep);
        if (!clients)
            return svc::makeError(tr("clients sweep: %1").arg(clients.error().toString()));
        p.clientsSweep = clients.value();
    }
    if (const QString problem = p.problem(); !problem.isEmpty())
        return svc::makeError(problem);
    return p;
}

QString BenchForm::validate()
{
    const auto p = plan();
    m_planOk = p.ok();
    showProblem(p ? QString() : p.error().toString());
    return p ? QString() : p.error().toString();
}

void BenchForm::showProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    updateState();
}

QString BenchForm::initTarget() const
{
    return m_initTarget->currentText();
}

int BenchForm::initScale() const
{
    return m_scale->value();
}

void BenchForm::setRunning(bool running)
{
    m_running = running;
    updateState();
}

void BenchForm::setInitRunning(bool running)
{
    m_initRunning = running;
    if (running) {
        m_initBar->setValue(0);
        m_initStatus->setStyleSheet(QStringLiteral("color: gray"));
        m_initStatus->setText(tr("pgbench -i -s %1 through %2…").arg(initScale()).arg(initTarget()));
    }
    updateState();
}

void BenchForm::setInitProgress(double fraction, const QString &text)
{
    m_initBar->setValue(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kProgressSteps));
    if (!text.isEmpty())
        m_initStatus->setText(text);
}

void BenchForm::setInitFinished(bool ok, const QString &text)
{
    m_initRunning = false;
    if (ok)
        m_initBar->setValue(kProgressSteps);
    m_initStatus->setStyleSheet(ok ? QStringLiteral("color: gray") : QStringLiteral("color: %1").arg(healthColor(false).name()));
    m_initStatus->setText(text);
    updateState();
}

void BenchForm::updateState()
{
    const bool idle = !m_running && !m_initRunning;
    m_run->setEnabled(idle && m_planOk);
    m_stop->setEnabled(m_running);
    m_init->setEnabled(idle && m_initTarget->count() > 0);
}

} // namespace pgha::views
