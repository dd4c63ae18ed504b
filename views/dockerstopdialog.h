#pragma once

#include <QMessageBox>

class QPushButton;

namespace pgha::views {

// Asks how to stop the Docker lab: keep its named volumes (every database and etcd's data; the
// default, so Enter never deletes data) or delete them too. Cancel stops nothing.
class DockerStopDialog : public QMessageBox {
    Q_OBJECT
public:
    enum class Choice { Cancel, KeepVolumes, DeleteVolumes };

    DockerStopDialog(const QString &project, QWidget *parent = nullptr);

    // What was clicked (Cancel until something was, and for Escape or the window's ×).
    Choice choice() const;
    QPushButton *keepButton() const { return m_keep; }
    QPushButton *deleteButton() const { return m_delete; }

private:
    QPushButton *m_keep;
    QPushButton *m_delete;
};

} // namespace pgha::views
