#include "labpanel.h"

#include "labprogressmodel.h"
#include "rolecolors.h"

#include <QApplication>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QProgressBar>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

using State = svc::LabComponentStatus::State;

QColor stateColor(State s)
{
    switch (s) {
    case State::Ready: return healthColor(true);
    case State::Failed: return healthColor(false);
    case State::Starting:
    case State::Stopping: return pendingColor();
    case State::Pending:
    case State::Stopped: break;
    }
    return QColor(0x9e, 0x9e, 0x9e);
}

class ComponentDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const int dot = opt.fontMetrics.height() / 2 + 2;
        const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
        style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, opt.widget);   // background only
        opt.rect.adjust(dot + 12, 0, 0, 0);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(stateColor(static_cast<State>(index.data(models::LabProgressModel::StateRole).toInt())));
        painter->drawEllipse(QRect(option.rect.left() + 6, option.rect.center().y() - dot / 2, dot, dot));
        painter->setPen(opt.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
        painter->drawText(opt.rect, Qt::AlignVCenter | Qt::AlignLeft,
                          opt.fontMetrics.elidedText(index.data().toString(), Qt::ElideRight, opt.rect.width()));
        painter->restore();
    }
};

} // namespace

LabPanel::LabPanel(models::LabProgressModel *model, QWidget *parent)
    : QWidget(parent), m_stage(new QLabel(this)), m_bar(new QProgressBar(this)), m_list(new QListView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Bundled lab</b> (native: local processes)"), this);
    layout->addWidget(title);
    m_stage->setWordWrap(true);
    m_stage->setObjectName(QStringLiteral("labStage"));
    layout->addWidget(m_stage);
    m_bar->setRange(0, 100);
    m_bar->setTextVisible(true);
    layout->addWidget(m_bar);
    m_list->setModel(model);
    m_list->setItemDelegate(new ComponentDelegate(m_list));
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    layout->addWidget(m_list, 1);

    connect(model, &models::LabProgressModel::stageChanged, this, [this](const QString &text, int percent) {
        m_stage->setText(text.isEmpty() ? tr("Not started from this window.") : text);
        m_bar->setValue(percent);
    });
    m_stage->setText(tr("Not started from this window."));
    m_bar->setValue(0);
}

void LabPanel::setBusy(bool busy)
{
    m_bar->setVisible(busy || m_bar->value() > 0);
}

} // namespace pgha::views
