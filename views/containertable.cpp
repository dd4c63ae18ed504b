#include "containertable.h"

#include "containertablemodel.h"
#include "rolecolors.h"

#include <QApplication>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

using Health = svc::docker::ContainerInfo::Health;
using Model = models::ContainerTableModel;

const QColor kAbsentColor(0x9e, 0x9e, 0x9e);
const QColor kNoCheckColor(0x78, 0x90, 0x9c);   // running, no health check defined: neither good nor bad

constexpr int kDotLeft = 6;
constexpr int kRowPadding = 6;
constexpr int kDotGap = 6;

int dotSize(const QFontMetrics &fm)
{
    return fm.height() / 2 + 3;
}

QColor dotColor(int health)
{
    if (health == Model::kAbsent)
        return kAbsentColor;
    switch (static_cast<Health>(health)) {
    case Health::Healthy: return healthColor(true);
    case Health::Unhealthy: return healthColor(false);
    case Health::Starting: return pendingColor();
    case Health::None: break;
    }
    return kNoCheckColor;
}

// The health column as a dot and a word; a state that is not "running" in colour; a service
// without a container in grey.
class ContainerDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (index.column() == Model::Health)
            size.rwidth() += kDotLeft + dotSize(option.fontMetrics) + kDotGap;   // room for the dot beside the word
        return size;
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const int health = index.data(Model::HealthRole).toInt();
        const QString state = index.data(Model::StateRole).toString();
        if (health == Model::kAbsent) {
            opt.palette.setColor(QPalette::Text, kAbsentColor);
            opt.font.setItalic(true);
        } else if (index.column() == Model::State && state != u"running") {
            opt.palette.setColor(QPalette::Text, state == u"exited" || state == u"dead" ? healthColor(false) : pendingColor());
            opt.font.setBold(true);
        }
        if (index.column() != Model::Health || health == Model::kAbsent) {
            QStyledItemDelegate::paint(painter, opt, index);
            return;
        }
        const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
        const QString text = opt.text;
        opt.text.clear();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);   // background, selection
        const int dot = dotSize(opt.fontMetrics);
        const QRect dotRect(option.rect.left() + kDotLeft, option.rect.center().y() - dot / 2, dot, dot);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(dotColor(health));
        painter->drawEllipse(dotRect);
        painter->setPen(opt.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
        const QRect textRect = option.rect.adjusted(kDotLeft + dot + kDotGap, 0, -4, 0);
        painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, opt.fontMetrics.elidedText(text, Qt::ElideRight, textRect.width()));
        painter->restore();
    }
};

} // namespace

ContainerTable::ContainerTable(models::ContainerTableModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_engine(new QLabel(this)), m_error(new QLabel(this)), m_table(new QTableView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_engine->setObjectName(QStringLiteral("dockerEngine"));
    m_engine->setTextFormat(Qt::RichText);
    m_engine->setWordWrap(true);
    layout->addWidget(m_engine);
    m_error->setObjectName(QStringLiteral("dockerError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    m_error->hide();
    layout->addWidget(m_error);

    m_table->setObjectName(QStringLiteral("containerTable"));
    m_table->setModel(model);
    m_table->setItemDelegate(new ContainerDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + kRowPadding);
    auto *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(Model::Ports, QHeaderView::Stretch);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    layout->addWidget(m_table, 1);

    connect(model, &Model::engineChanged, this, &ContainerTable::updateHeader);
    connect(model, &Model::projectChanged, this, &ContainerTable::updateHeader);
    connect(model, &Model::listed, this, &ContainerTable::updateHeader);
    connect(model, &Model::errorChanged, this, &ContainerTable::updateError);
    updateHeader();
    updateError();
}

void ContainerTable::updateHeader()
{
    QStringList parts;
    if (!m_model->project().isEmpty())
        parts << tr("Compose project <b>%1</b>").arg(m_model->project().toHtmlEscaped());
    if (!m_model->engineVersion().isEmpty())
        parts << tr("Docker engine <b>%1</b> · <b>%2</b>").arg(m_model->engineVersion().toHtmlEscaped(), m_model->compose().toHtmlEscaped());
    else
        parts << tr("<span style='color:gray'>Docker engine: not asked yet</span>");
    if (m_model->listedAtMs() > 0)
        parts << tr("%1 · listed at %2")
                         .arg(m_model->summary().toHtmlEscaped(),
                              QDateTime::fromMSecsSinceEpoch(m_model->listedAtMs()).toString(QStringLiteral("hh:mm:ss")));
    m_engine->setText(parts.join(QStringLiteral(" · ")));
}

void ContainerTable::updateError()
{
    const QString error = m_model->error();
    m_error->setVisible(!error.isEmpty());
    if (error.isEmpty())
        return;
    const QString when = QDateTime::fromMSecsSinceEpoch(m_model->errorAtMs()).toString(QStringLiteral("hh:mm:ss"));
    m_error->setText(m_model->listedAtMs() > 0
                             ? tr("Docker did not answer at %1: %2\nThe table shows what it said at %3.")
                                       .arg(when, error, QDateTime::fromMSecsSinceEpoch(m_model->listedAtMs()).toString(QStringLiteral("hh:mm:ss")))
                             : tr("Docker did not answer at %1: %2").arg(when, error));
}

} // namespace pgha::views
