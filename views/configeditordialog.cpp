#include "configeditordialog.h"

#include "actions/configpatch.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

constexpr int kMaxSeconds = 86400;          // a day: beyond any sane Patroni timing
constexpr QSize kDialogSize(760, 680);
const QColor kErrorColor(0xc6, 0x28, 0x28);
const QColor kWarningColor(0xb2, 0x6a, 0x00);

// A JSON scalar as the text the operator edits (and addAssignment parses back).
QString editText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    return svc::describeValue(v);
}

QSpinBox *secondsBox(QWidget *parent, std::optional<int> value)
{
    auto *box = new QSpinBox(parent);
    box->setRange(0, kMaxSeconds);
    box->setSuffix(QStringLiteral(" s"));
    box->setSpecialValueText(QObject::tr("(Patroni's default)"));   // 0 = not set
    box->setValue(value.value_or(0));
    return box;
}

} // namespace

ConfigEditorDialog::ConfigEditorDialog(const svc::PatroniDynamicConfig &current, const QString &clusterName, QWidget *parent)
    : QDialog(parent),
      m_current(current),
      m_ttl(secondsBox(this, current.ttl)),
      m_loopWait(secondsBox(this, current.loopWait)),
      m_retryTimeout(secondsBox(this, current.retryTimeout)),
      m_maxLag(new QLineEdit(this)),
      m_synchronous(new QCheckBox(tr("synchronous_mode"), this)),
      m_failsafe(new QCheckBox(tr("failsafe_mode"), this)),
      m_parameters(new QTableWidget(0, 2, this)),
      m_diff(new QTableWidget(0, 3, this)),
      m_check(new QLabel(this)),
      m_review(new QPushButton(tr("Review and send…"), this))
{
    setObjectName(QStringLiteral("configEditor"));
    setWindowTitle(tr("Dynamic configuration — %1").arg(clusterName));
    resize(kDialogSize);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(buildForm());
    auto *result = new QWidget(split);
    auto *rl = new QVBoxLayout(result);
    rl->setContentsMargins(0, 0, 0, 0);
    m_diff->setObjectName(QStringLiteral("configDiff"));
    m_diff->setHorizontalHeaderLabels({tr("Key"), tr("Now"), tr("After")});
    m_diff->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_diff->verticalHeader()->hide();
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_check->setObjectName(QStringLiteral("configCheck"));
    m_check->setWordWrap(true);
    m_check->setTextFormat(Qt::RichText);
    rl->addWidget(new QLabel(tr("<b>What changes</b> (PATCH /config, a JSON merge patch)"), result));
    rl->addWidget(m_diff, 1);
    rl->addWidget(m_check);
    split->addWidget(result);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    m_review->setObjectName(QStringLiteral("reviewConfig"));
    auto *close = new QPushButton(tr("Close"), this);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    connect(m_review, &QPushButton::clicked, this, [this] {
        if (!m_patch.isEmpty() && m_errors.isEmpty())
            emit patchReady(m_patch);
    });
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(close);
    buttons->addWidget(m_review);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
    rebuild();
}

QWidget *ConfigEditorDialog::buildForm()
{
    auto *box = new QWidget(this);
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *timings = new QGroupBox(tr("Timings and failover"), box);
    auto *form = new QFormLayout(timings);
    m_ttl->setObjectName(QStringLiteral("ttl"));
    m_loopWait->setObjectName(QStringLiteral("loopWait"));
    m_retryTimeout->setObjectName(QStringLiteral("retryTimeout"));
    m_maxLag->setObjectName(QStringLiteral("maximumLag"));
    m_maxLag->setPlaceholderText(tr("bytes (empty: Patroni's default)"));
    if (m_current.maximumLagOnFailover)
        m_maxLag->setText(QString::number(*m_current.maximumLagOnFailover));
    m_synchronous->setChecked(m_current.synchronousMode);
    if (m_current.synchronousQuorum)
        m_synchronous->setText(tr("synchronous_mode: quorum (Patroni 4; unchecking turns it off)"));
    m_failsafe->setChecked(m_current.failsafeMode);
    form->addRow(tr("ttl"), m_ttl);
    form->addRow(tr("loop_wait"), m_loopWait);
    form->addRow(tr("retry_timeout"), m_retryTimeout);
    form->addRow(tr("maximum_lag_on_failover"), m_maxLag);
    form->addRow(QString(), m_synchronous);
    form->addRow(QString(), m_failsafe);
    auto *rule = new QLabel(tr("Patroni's rule: loop_wait + 2 × retry_timeout ≤ ttl"), timings);
    rule->setWordWrap(true);
    rule->setStyleSheet(QStringLiteral("color: gray"));
    form->addRow(rule);
    for (QSpinBox *s : {m_ttl, m_loopWait, m_retryTimeout})
        connect(s, &QSpinBox::valueChanged, this, &ConfigEditorDialog::rebuild);
    connect(m_maxLag, &QLineEdit::textChanged, this, &ConfigEditorDialog::rebuild);
    connect(m_synchronous, &QCheckBox::toggled, this, &ConfigEditorDialog::rebuild);
    connect(m_failsafe, &QCheckBox::toggled, this, &ConfigEditorDialog::rebuild);

    auto *params = new QGroupBox(tr("postgresql.parameters"), box);
    auto *pl = new QVBoxLayout(params);
    m_parameters->setObjectName(QStringLiteral("parameters"));
    m_parameters->setHorizontalHeaderLabels({tr("Parameter"), tr("Value")});
    m_parameters->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_parameters->verticalHeader()->hide();
    m_filling = true;
    for (auto it = m_current.postgresqlParameters.begin(); it != m_current.postgresqlParameters.end(); ++it)
        addParameter(it.key(), editText(it.value()));
    m_filling = false;
    connect(m_parameters, &QTableWidget::itemChanged, this, &ConfigEditorDialog::rebuild);
    auto *add = new QPushButton(tr("Add"), params);
    auto *remove = new QPushButton(tr("Remove"), params);
    remove->setToolTip(tr("Removes the parameter from the dynamic configuration (null in the patch)"));
    connect(add, &QPushButton::clicked, this, [this] {
        addParameter(QString(), QString());
        m_parameters->editItem(m_parameters->item(m_parameters->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_parameters->currentRow();
        if (row >= 0) {
            m_parameters->removeRow(row);
            rebuild();
        }
    });
    auto *row = new QHBoxLayout;
    row->addWidget(add);
    row->addWidget(remove);
    row->addStretch(1);
    pl->addWidget(m_parameters, 1);
    pl->addLayout(row);

    layout->addWidget(timings, 2);
    layout->addWidget(params, 3);
    return box;
}

void ConfigEditorDialog::addParameter(const QString &name, const QString &value)
{
    const bool filling = m_filling;
    m_filling = true;
    const int row = m_parameters->rowCount();
    m_parameters->insertRow(row);
    m_parameters->setItem(row, 0, new QTableWidgetItem(name));
    m_parameters->setItem(row, 1, new QTableWidgetItem(value));
    m_filling = filling;
    if (!m_filling)
        rebuild();
}

void ConfigEditorDialog::rebuild()
{
    if (m_filling)
        return;
    QJsonObject patch;
    QStringList problems;
    auto assign = [&](const QString &key, const QString &value) {
        if (auto ok = svc::addAssignment(patch, key + QLatin1Char('=') + value); !ok)
            problems << ok.error().message;
    };
    auto seconds = [&](const char *key, QSpinBox *box, std::optional<int> now) {
        const std::optional<int> v = box->value() > 0 ? std::optional<int>(box->value()) : std::nullopt;
        if (v != now)
            assign(QLatin1String(key), v ? QString::number(*v) : QStringLiteral("null"));
    };
    seconds("ttl", m_ttl, m_current.ttl);
    seconds("loop_wait", m_loopWait, m_current.loopWait);
    seconds("retry_timeout", m_retryTimeout, m_current.retryTimeout);
    const QString lag = m_maxLag->text().trimmed();
    const QString lagNow = m_current.maximumLagOnFailover ? QString::number(*m_current.maximumLagOnFailover) : QString();
    if (lag != lagNow)
        assign(QStringLiteral("maximum_lag_on_failover"), lag.isEmpty() ? QStringLiteral("null") : lag);
    if (m_synchronous->isChecked() != m_current.synchronousMode)
        assign(QStringLiteral("synchronous_mode"), m_synchronous->isChecked() ? QStringLiteral("on") : QStringLiteral("off"));
    if (m_failsafe->isChecked() != m_current.failsafeMode)
        assign(QStringLiteral("failsafe_mode"), m_failsafe->isChecked() ? QStringLiteral("on") : QStringLiteral("off"));

    QSet<QString> kept;
    for (int r = 0; r < m_parameters->rowCount(); ++r) {
        const QString name = m_parameters->item(r, 0) ? m_parameters->item(r, 0)->text().trimmed() : QString();
        const QString value = m_parameters->item(r, 1) ? m_parameters->item(r, 1)->text().trimmed() : QString();
        if (name.isEmpty())
            continue;
        if (name.contains(QLatin1Char('.')) || name.contains(QLatin1Char('='))) {
            problems << tr("\"%1\" is not a PostgreSQL parameter name").arg(name);
            continue;
        }
        kept.insert(name);
        const QJsonValue now = m_current.postgresqlParameters.value(name);
        if (now.isUndefined() || editText(now) != value)
            assign(QStringLiteral("postgresql.parameters.") + name, value.isEmpty() ? QStringLiteral("null") : value);
    }
    for (auto it = m_current.postgresqlParameters.begin(); it != m_current.postgresqlParameters.end(); ++it)
        if (!kept.contains(it.key()))
            assign(QStringLiteral("postgresql.parameters.") + it.key(), QStringLiteral("null"));
    m_patch = patch;

    const auto changes = svc::diffConfig(m_current.raw, patch);
    m_diff->setRowCount(int(changes.size()));
    for (int i = 0; i < changes.size(); ++i) {
        const auto &c = changes[i];
        m_diff->setItem(i, 0, new QTableWidgetItem(c.key));
        m_diff->setItem(i, 1, new QTableWidgetItem(c.before.isUndefined() ? tr("(not set)") : svc::describeValue(c.before)));
        m_diff->setItem(i, 2, new QTableWidgetItem(c.after.isNull() ? tr("(removed)") : svc::describeValue(c.after)));
    }
    const auto check = svc::checkConfig(svc::applyMergePatch(m_current.raw, patch));
    m_errors = problems + check.errors;
    m_warnings = check.warnings;
    QString html;
    for (const auto &e : std::as_const(m_errors))
        html += QStringLiteral("<p style='color:%1'><b>✖ %2</b></p>").arg(kErrorColor.name(), e.toHtmlEscaped());
    for (const auto &w : std::as_const(m_warnings))
        html += QStringLiteral("<p style='color:%1'>⚠ %2</p>").arg(kWarningColor.name(), w.toHtmlEscaped());
    if (changes.isEmpty())
        html += tr("<p style='color:gray'>No change yet.</p>");
    m_check->setText(html);
    m_review->setEnabled(!patch.isEmpty() && m_errors.isEmpty());
    m_review->setToolTip(!m_errors.isEmpty() ? tr("Fix the problems in red first")
                         : patch.isEmpty()   ? tr("Nothing changed")
                                             : tr("Open the pre-flight and send PATCH /config"));
}

} // namespace pgha::views
