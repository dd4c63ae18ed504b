#pragma once

#include "docker/containerlist.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <optional>

namespace pgha::svc {
class ContainerPoller;
}

namespace pgha::models {

// The Docker lab's containers as the engine last described them: one row per Compose service
// the lab runs (in start order, "not created" when it has no container) plus any other
// container of the project. When Docker stops answering, the rows stay as last seen and
// error() says why, so the table never pretends to be fresh.
class ContainerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Service, State, Health, Uptime, Ports, Cpu, Memory, ColumnCount };
    // HealthRole: int(ContainerInfo::Health), or kAbsent for a service without a container.
    // StateRole: Docker's state (running, exited, …), "" when absent. Views colour by these.
    enum DataRole { HealthRole = Qt::UserRole + 1, StateRole, ReadyRole, ContainerNameRole };
    static constexpr int kAbsent = -1;

    explicit ContainerTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Shows what `poller` lists: another lab starts over with its services and project.
    void listenTo(svc::ContainerPoller *poller);
    // The Compose project the containers belong to.
    void setProject(const QString &project);
    QString project() const { return m_project; }
    // The services the lab should run, in start order (rows even before a container exists).
    void setExpectedServices(const QStringList &services);
    // A fresh listing. CPU and memory missing from it (a listing without `docker stats`) are
    // kept from the last sample of the same container while it still runs.
    void setContainers(const QList<svc::docker::ContainerInfo> &containers, qint64 atMs);
    // Docker did not answer: the rows stay, marked by the error until the next good listing.
    void setError(const QString &error, qint64 atMs);
    // The engine and Compose the lab talks to ("20.10.24", "docker-compose 1.29.2").
    void setEngine(const QString &engineVersion, const QString &compose);
    // Forgets every container (another lab, or none).
    void clear();

    QString error() const { return m_error; }
    qint64 errorAtMs() const { return m_errorAtMs; }
    qint64 listedAtMs() const { return m_listedAtMs; }
    QString engineVersion() const { return m_engineVersion; }
    QString compose() const { return m_compose; }
    QStringList services() const;
    // nullptr when the service has no container.
    const svc::docker::ContainerInfo *container(const QString &service) const;
    int containerCount() const;
    int readyCount() const;
    // "17 of 19 containers running and healthy" (of the expected services).
    QString summary() const;

signals:
    void errorChanged(const QString &error);
    void engineChanged();
    void projectChanged();
    void listed();

private:
    struct Row {
        QString service;
        std::optional<svc::docker::ContainerInfo> container;
    };
    QVariant display(const Row &row, int column) const;
    QVariant toolTip(const Row &row, int column) const;
    QList<Row> buildRows(const QList<svc::docker::ContainerInfo> &containers) const;

    QStringList m_expected;
    QList<Row> m_rows;
    QString m_error;
    qint64 m_errorAtMs = 0;
    qint64 m_listedAtMs = 0;
    QString m_engineVersion;
    QString m_compose;
    QString m_project;
};

// "127.0.0.1:6532->5432/tcp, 2380/tcp" → "6532→5432": the published host ports, which are
// what a person connects to; the full text goes into the tooltip.
QString compactPorts(const QString &ports);
// "27.78MiB / 23.54GiB" → "27.78MiB": what the container uses, not the host's total.
QString memoryUsed(const QString &memory);

} // namespace pgha::models
