#include "labpanel.h"

#include "labbreakdownview.h"
#include "labprogressmodel.h"
#include "rolecolors.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QProgressBar>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

#include <algorithm>

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

constexpr int kNameGap = 10;

int nameColumnWidth(const QAbstractItemModel *model, const QFontMetrics &fm)
{
    int width = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        width = std::max(width, fm.horizontalAdvance(model->index(row, 0).data(models::LabProgressModel::NameRole).toString()));
    return width;
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
        opt.rect.adjust(dot + 12, 0, -4, 0);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(stateColor(static_cast<State>(index.data(models::LabProgressModel::StateRole).toInt())));
        painter->drawEllipse(QRect(option.rect.left() + 6, option.rect.center().y() - dot / 2, dot, dot));
        painter->setPen(opt.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
        // The names line up in a column as wide as the longest ("pgbouncer-exporter1" in the
        // Docker lab), so the details start at one edge and read as a list.
        const QString name = index.data(models::LabProgressModel::NameRole).toString();
        const int nameWidth = std::min(opt.rect.width() / 2, nameColumnWidth(index.model(), opt.fontMetrics));
        painter->drawText(QRect(opt.rect.left(), opt.rect.top(), nameWidth, opt.rect.height()), Qt::AlignVCenter | Qt::AlignLeft,
                          opt.fontMetrics.elidedText(name, Qt::ElideRight, nameWidth));
        const QRect detailRect = opt.rect.adjusted(nameWidth + kNameGap, 0, 0, 0);
        painter->drawText(detailRect, Qt::AlignVCenter | Qt::AlignLeft,
                          opt.fontMetrics.elidedText(index.data(models::LabProgressModel::DetailTextRole).toString(),
                                                     Qt::ElideRight, detailRect.width()));
        painter->restore();
    }
};

} // namespace

LabPanel::LabPanel(models::LabProgressModel *model, QWidget *parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_details(new QLabel(this)),
      m_stage(new QLabel(this)),
      m_bar(new QProgressBar(this)),
      m_breakdown(new LabBreakdownView(this)),
      m_list(new QListView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *head = new QHBoxLayout;
    m_title->setObjectName(QStringLiteral("labPanelTitle"));
    head->addWidget(m_title, 1);
    m_details->setObjectName(QStringLiteral("labDetailsLink"));
    connect(m_details, &QLabel::linkActivated, this, &LabPanel::detailsRequested);
    head->addWidget(m_details);
    layout->addLayout(head);
    setFlavor(QStringLiteral("native"));
    m_stage->setWordWrap(true);
    m_stage->setObjectName(QStringLiteral("labStage"));
    layout->addWidget(m_stage);
    m_bar->setRange(0, 100);
    m_bar->setTextVisible(true);
    layout->addWidget(m_bar);
    // After a start: where its time went, between the overall bar and the components.
    m_breakdown->setBreakdown(model->breakdown(), model->breakdownHealthy());
    connect(model, &models::LabProgressModel::breakdownChanged, this,
            [this, model] { m_breakdown->setBreakdown(model->breakdown(), model->breakdownHealthy()); });
    layout->addWidget(m_breakdown);
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

void LabPanel::setFlavor(const QString &flavor)
{
    const bool docker = flavor == u"docker";
    m_title->setText(docker ? tr("<b>Bundled lab</b> (Docker Compose: containers)") : tr("<b>Bundled lab</b> (native: local processes)"));
    m_details->setText(docker ? tr("<a href='#lab'>Containers and logs</a>") : tr("<a href='#lab'>Logs</a>"));
    m_details->setToolTip(docker ? tr("The Lab tab: each container's state, health, CPU and memory, and a component's log")
                                 : tr("The Lab tab: a component's log file, followed as it grows"));
}

void LabPanel::setBusy(bool busy)
{
    m_bar->setVisible(busy || m_bar->value() > 0);
}

} // namespace pgha::views
