#pragma once

#include <QWidget>

class QLabel;
class QSplitter;

namespace pgha::models {
class ContainerTableModel;
}
namespace pgha::svc {
class ContainerPoller;
class LogFollower;
}

namespace pgha::views {

class ContainerTable;
class LogView;

// The Lab tab: for the Docker lab its containers (state, health, CPU, memory) above a
// component's log; for the native lab the log alone (its processes are in the lab panel).
class LabTab : public QWidget {
    Q_OBJECT
public:
    explicit LabTab(models::ContainerTableModel *containers, QWidget *parent = nullptr);

    // "native" or "docker"; `where` says where it lives (lab directory, Compose project).
    void setFlavor(const QString &flavor, const QString &where);
    QString flavor() const { return m_flavor; }
    // What the tab shows: a component's log, and (asked faster while the tab is shown) the containers.
    void setSources(svc::LogFollower *logs, svc::ContainerPoller *containers);
    ContainerTable *containers() const { return m_containers; }
    LogView *logView() const { return m_log; }

signals:
    // The tab is shown or hidden: the containers are asked for quickly only while shown.
    void shownChanged(bool shown);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QLabel *m_title;
    QSplitter *m_splitter;
    ContainerTable *m_containers;
    LogView *m_log;
    QString m_flavor;
};

} // namespace pgha::views
