#include "chartsavebutton.h"

#include "rolecolors.h"

#include "settings/usersettings.h"

#include <QAction>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace pgha::views {

ChartSaveButton::ChartSaveButton(QWidget *chart, const QString &baseName, SaveFunction save, QLabel *status, QWidget *parent)
    : QToolButton(parent), m_baseName(baseName), m_save(std::move(save)), m_status(status)
{
    auto *action = new QAction(tr("Save as PNG/SVG…"), this);
    action->setToolTip(tr("Save this chart as a PNG image or an SVG drawing (for a thesis or a report)"));
    connect(action, &QAction::triggered, this, &ChartSaveButton::ask);
    setDefaultAction(action);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setAutoRaise(true);
    if (chart) {
        chart->addAction(action);
        chart->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
}

svc::Result<bool> ChartSaveButton::saveTo(const QString &path)
{
    auto r = m_save(path);
    if (r)
        svc::settings::rememberExportFile(path);   // the next save dialog opens there
    if (m_status) {
        m_status->setStyleSheet(r ? QStringLiteral("color: gray") : QStringLiteral("color: %1").arg(healthColor(false).name()));
        m_status->setText(r ? tr("Saved %1").arg(path) : r.error().toString());
    }
    return r;
}

void ChartSaveButton::ask()
{
    auto *dialog = new QFileDialog(window(), tr("Save the chart"), svc::settings::value(svc::settings::kLastExportFolder),
                                   tr("PNG image (*.png);;SVG drawing (*.svg);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("png"));
    dialog->selectFile(QStringLiteral("%1-%2.png").arg(m_baseName, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::filterSelected, dialog, [dialog](const QString &filter) {
        dialog->setDefaultSuffix(filter.contains(u"*.svg") ? QStringLiteral("svg") : QStringLiteral("png"));
    });
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) { saveTo(file); });
    dialog->open();
}

QWidget *withSaveButton(QWidget *chart, QWidget *button, int minHeight, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(0);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(button);
    v->addLayout(row);
    v->addWidget(chart, 1);
    chart->setMinimumHeight(minHeight);
    return box;
}

} // namespace pgha::views
