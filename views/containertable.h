#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace pgha::models {
class ContainerTableModel;
}

namespace pgha::views {

// The Docker lab's containers: service, state, health as a coloured dot, uptime, host ports,
// CPU and memory. Above the table: which engine and Compose answer, and when Docker did not
// answer, a red line that says so (the rows then show what it said last).
class ContainerTable : public QWidget {
    Q_OBJECT
public:
    explicit ContainerTable(models::ContainerTableModel *model, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QLabel *errorLabel() const { return m_error; }

private:
    void updateHeader();
    void updateError();

    models::ContainerTableModel *m_model;
    QLabel *m_engine;
    QLabel *m_error;
    QTableView *m_table;
};

} // namespace pgha::views
