#pragma once

#include <QStackedWidget>

class QLabel;
class QTableView;

namespace pgha::models {
class ClusterModel;
}

namespace pgha::views {

// The members of the cluster, one row each, with the role as a coloured badge. Shows a
// placeholder that says why it is empty instead of an empty grid.
class MemberTable : public QStackedWidget {
    Q_OBJECT
public:
    MemberTable(models::ClusterModel *model, QWidget *parent = nullptr);

    void setPlaceholder(const QString &text);
    QTableView *table() const { return m_table; }

private:
    void updatePage();

    models::ClusterModel *m_model;
    QTableView *m_table;
    QLabel *m_placeholder;
};

} // namespace pgha::views
