#include "dockerstopdialog.h"

#include <QPushButton>

namespace pgha::views {

DockerStopDialog::DockerStopDialog(const QString &project, QWidget *parent)
    : QMessageBox(QMessageBox::Question, tr("Stop the Docker lab"), tr("Stop the Docker lab?"), QMessageBox::Cancel, parent)
{
    setObjectName(QStringLiteral("dockerStopDialog"));
    setInformativeText(
            tr("Its containers (Compose project %1) are stopped and removed either way.\n\n"
               "Every database and etcd's keys live in the lab's named volumes. Keep them to start again where you "
               "left off. Delete them to start from nothing next time — deleting the volumes deletes all the lab's "
               "data and cannot be undone.")
                    .arg(project));
    m_keep = addButton(tr("Stop, keep the data"), QMessageBox::AcceptRole);
    m_keep->setObjectName(QStringLiteral("keepVolumes"));
    m_delete = addButton(tr("Stop and delete the volumes (all data)"), QMessageBox::DestructiveRole);
    m_delete->setObjectName(QStringLiteral("deleteVolumes"));
    setDefaultButton(m_keep);
    setEscapeButton(QMessageBox::Cancel);
}

DockerStopDialog::Choice DockerStopDialog::choice() const
{
    if (clickedButton() == m_keep)
        return Choice::KeepVolumes;
    if (clickedButton() == m_delete)
        return Choice::DeleteVolumes;
    return Choice::Cancel;
}

} // namespace pgha::views
