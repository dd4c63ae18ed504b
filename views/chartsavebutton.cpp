#include "chartsavebutton.h"

#include "savedialog.h"

#include "rolecolors.h"

#include "settings/usersettings.h"

#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace pgha::views {

ChartSaveButton::ChartSaveButton(QWidget *chart, const QString &baseName, SaveFunction save, QLabel *status, QWidget *parent)
    : QToolButton(parent), m_baseName(baseName), m_save(std::move(save)), m_status(status)
{
    auto *action = new QAction(tr("Save as PNG/SVG/CSV…"), this);
    action->setToolTip(tr("Save this figure as a PNG image (at the resolution chosen in this button's menu), an SVG "
                          "drawing or its data as CSV — on white, for a thesis or a report"));
    connect(action, &QAction::triggered, this, &ChartSaveButton::ask);
    setDefaultAction(action);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setAutoRaise(true);
    // The PNG's resolution, one choice for every chart (kept between runs).
    auto *menu = new QMenu(this);
    auto *dpis = new QActionGroup(menu);
    for (int dpi : svc::settings::kExportDpiChoices) {
        QAction *choice = menu->addAction(tr("PNG at %1 dpi").arg(dpi));
        choice->setCheckable(true);
        choice->setChecked(dpi == svc::settings::exportDpi());
        dpis->addAction(choice);
        connect(choice, &QAction::triggered, this, [dpi] { svc::settings::setValue(svc::settings::kExportDpi, dpi); });
    }
    connect(menu, &QMenu::aboutToShow, menu, [dpis] {
        for (QAction *a : dpis->actions())
            a->setChecked(a->text().contains(QString::number(svc::settings::exportDpi())));
    });
    setMenu(menu);
    setPopupMode(QToolButton::MenuButtonPopup);
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
    askSavePath(window(), tr("Save the chart"),
                {tr("PNG image (*.png)"), tr("SVG drawing (*.svg)"), tr("CSV data (*.csv)"), tr("All files (*)")}, m_baseName,
                [this](const QString &file) { saveTo(file); });
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
