#include "membertable.h"

#include "clustermodel.h"
#include "rolecolors.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTableView>

namespace pgha::views {

namespace {

constexpr int kRowHeight = 30;

// Paints the role as a pill; everything else is the default delegate.
class RoleDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const bool stale = index.data(models::ClusterModel::StaleRole).toBool();
        if (index.column() != models::ClusterModel::Role) {
            QStyleOptionViewItem opt = option;
            if (index.data(models::ClusterModel::IsLeaderRole).toBool())
                opt.font.setBold(true);
            if (stale) {   // last good data, no longer confirmed by any source
                opt.palette.setColor(QPalette::Text, QColor(0x9e, 0x9e, 0x9e));
                opt.font.setItalic(true);
            }
            QStyledItemDelegate::paint(painter, opt, index);
            return;
        }
        QStyleOptionViewItem bg = option;
        initStyleOption(&bg, index);
        bg.text.clear();
        const QStyle *style = bg.widget ? bg.widget->style() : QApplication::style();
        style->drawPrimitive(QStyle::PE_PanelItemViewItem, &bg, painter, bg.widget);   // background only
        const auto role = static_cast<svc::MemberRole>(index.data(models::ClusterModel::MemberRoleRole).toInt());
        const QString text = index.data(Qt::DisplayRole).toString();
        QFont font = option.font;
        font.setBold(true);
        const QFontMetrics fm(font);
        const int w = fm.horizontalAdvance(text) + 18;
        const int h = fm.height() + 6;
        const QRect pill(option.rect.left() + 6, option.rect.center().y() - h / 2, w, h);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(stale ? roleColor(role).lighter(170) : roleColor(role));
        painter->drawRoundedRect(pill, h / 2.0, h / 2.0);
        painter->setPen(Qt::white);
        painter->setFont(font);
        painter->drawText(pill, Qt::AlignCenter, text);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(std::max(s.height(), kRowHeight));
        if (index.column() == models::ClusterModel::Role)
            s.setWidth(s.width() + 30);
        return s;
    }
};

} // namespace

MemberTable::MemberTable(models::ClusterModel *model, QWidget *parent)
    : QStackedWidget(parent), m_model(model), m_table(new QTableView(this)), m_placeholder(new QLabel(this))
{
    m_table->setModel(model);
    m_table->setItemDelegate(new RoleDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(kRowHeight);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setColumnWidth(models::ClusterModel::Name, 110);
    m_table->setColumnWidth(models::ClusterModel::Role, 150);
    m_table->setColumnWidth(models::ClusterModel::State, 120);
    m_table->setColumnWidth(models::ClusterModel::HostPort, 150);
    m_table->setColumnWidth(models::ClusterModel::Timeline, 50);
    m_table->setColumnWidth(models::ClusterModel::Lag, 110);
    m_table->setObjectName(QStringLiteral("memberTable"));

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setObjectName(QStringLiteral("memberPlaceholder"));
    setPlaceholder(tr("Waiting for Patroni…"));

    addWidget(m_table);
    addWidget(m_placeholder);
    connect(model, &QAbstractItemModel::modelReset, this, &MemberTable::updatePage);
    connect(model, &QAbstractItemModel::rowsInserted, this, &MemberTable::updatePage);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &MemberTable::updatePage);
    updatePage();
}

void MemberTable::setPlaceholder(const QString &text)
{
    m_placeholder->setText(QStringLiteral("<p style='color:gray; font-size:13pt'>%1</p>").arg(text.toHtmlEscaped()));
}

void MemberTable::updatePage()
{
    setCurrentWidget(m_model->rowCount() > 0 ? static_cast<QWidget *>(m_table) : m_placeholder);
}

} // namespace pgha::views
