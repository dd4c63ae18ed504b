#include "containertablemodel.h"

#include "lab/containerpoller.h"
#include "lab/dockerlabfiles.h"

#include <QRegularExpression>

#include <algorithm>

namespace pgha::models {

using svc::docker::ContainerInfo;

namespace {

const QString kDash = QStringLiteral("—");

} // namespace

QString compactPorts(const QString &ports)
{
    // One entry per published or exposed port: "127.0.0.1:6532->5432/tcp", "[::]:80->80/tcp", "2380/tcp".
    static const QRegularExpression published(QStringLiteral(R"(:(\d+)->(\d+)/\w+$)"));
    QStringList out;
    for (const QString &entry : ports.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto m = published.match(entry.trimmed());
        if (!m.hasMatch())
            continue;   // exposed inside the Compose network only
        const QString shown = m.captured(1) == m.captured(2) ? m.captured(1)
                                                             : QStringLiteral("%1→%2").arg(m.captured(1), m.captured(2));
        if (!out.contains(shown))   // IPv4 and IPv6 bindings of the same port
            out.append(shown);
    }
    return out.join(QStringLiteral(", "));
}

QString memoryUsed(const QString &memory)
{
    return memory.section(QStringLiteral(" / "), 0, 0).trimmed();
}

ContainerTableModel::ContainerTableModel(QObject *parent) : QAbstractTableModel(parent) {}

int ContainerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ContainerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ContainerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Service: return tr("Service");
    case State: return tr("State");
    case Health: return tr("Health");
    case Uptime: return tr("Up");
    case Ports: return tr("Host ports");
    case Cpu: return tr("CPU");
    case Memory: return tr("Memory");
    default: return {};
    }
}

QVariant ContainerTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return display(row, index.column());
    case Qt::ToolTipRole: return toolTip(row, index.column());
    case Qt::TextAlignmentRole:
        return index.column() == Cpu || index.column() == Memory ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                 : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case HealthRole: return row.container ? static_cast<int>(row.container->health) : kAbsent;
    case StateRole: return row.container ? row.container->state : QString();
    case ReadyRole: return row.container && row.container->isReady();
    case ContainerNameRole: return row.container ? row.container->name : QString();
    default: return {};
    }
}

QVariant ContainerTableModel::display(const Row &row, int column) const
{
    if (column == Service)
        return row.service;
    if (!row.container)
        return column == State ? tr("not created") : QString();
    const ContainerInfo &c = *row.container;
    switch (column) {
    case State:
        return c.exitCode >= 0 && !c.isRunning() ? tr("%1 (%2)").arg(c.state).arg(c.exitCode) : c.state;
    case Health:
        if (c.health == ContainerInfo::Health::None)
            return c.isRunning() ? tr("no check") : kDash;
        return ContainerInfo::healthName(c.health);
    case Uptime: return c.isRunning() ? c.uptime : c.status;
    case Ports: return compactPorts(c.ports);
    case Cpu: return c.isRunning() ? (c.cpu.isEmpty() ? kDash : c.cpu) : QString();
    case Memory: return c.isRunning() ? (c.memory.isEmpty() ? kDash : memoryUsed(c.memory)) : QString();
    default: return {};
    }
}

QVariant ContainerTableModel::toolTip(const Row &row, int column) const
{
    if (!row.container)
        return tr("%1 has no container: the lab was not started, or it was removed").arg(row.service);
    const ContainerInfo &c = *row.container;
    switch (column) {
    case Service: return tr("container %1 (%2)").arg(c.name, c.id);
    case Ports: return c.ports.isEmpty() ? tr("no ports") : c.ports;
    case Cpu:
    case Memory:
        return c.cpu.isEmpty() ? tr("no sample yet (docker stats runs while the Lab tab is shown)")
                               : tr("CPU %1 · memory %2 (docker stats)").arg(c.cpu, c.memory);
    default: return c.status;
    }
}

void ContainerTableModel::setExpectedServices(const QStringList &services)
{
    if (services == m_expected)
        return;
    m_expected = services;
    QList<ContainerInfo> current;
    for (const Row &r : std::as_const(m_rows))
        if (r.container)
            current.append(*r.container);
    beginResetModel();
    m_rows = buildRows(current);
    endResetModel();
}

QList<ContainerTableModel::Row> ContainerTableModel::buildRows(const QList<ContainerInfo> &containers) const
{
    QList<Row> rows;
    for (const QString &s : m_expected)
        rows.append({s, std::nullopt});
    QList<Row> others;
    for (const ContainerInfo &c : containers) {
        auto it = std::find_if(rows.begin(), rows.end(), [&](const Row &r) { return r.service == c.service; });
        if (it != rows.end())
            it->container = c;
        else
            others.append({c.service.isEmpty() ? c.name : c.service, c});
    }
    std::sort(others.begin(), others.end(), [](const Row &a, const Row &b) { return a.service < b.service; });
    return rows + others;
}

void ContainerTableModel::setContainers(const QList<ContainerInfo> &containers, qint64 atMs)
{
    QList<ContainerInfo> fresh = containers;
    for (ContainerInfo &c : fresh) {
        if (!c.cpu.isEmpty() || !c.isRunning())
            continue;
        if (const ContainerInfo *old = container(c.service); old && old->id == c.id && old->isRunning()) {
            c.cpu = old->cpu;
            c.memory = old->memory;
        }
    }
    QList<Row> rows = buildRows(fresh);
    bool sameShape = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameShape && i < rows.size(); ++i)
        sameShape = rows[i].service == m_rows[i].service;
    if (!sameShape) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    } else {
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const auto &a = rows[i].container;
            const auto &b = m_rows[i].container;
            const bool same = a.has_value() == b.has_value()
                    && (!a || (a->id == b->id && a->state == b->state && a->status == b->status && a->ports == b->ports
                               && a->cpu == b->cpu && a->memory == b->memory));
            m_rows[i] = rows[i];
            if (!same)
                emit dataChanged(index(static_cast<int>(i), 0), index(static_cast<int>(i), ColumnCount - 1));
        }
    }
    m_listedAtMs = atMs;
    if (!m_error.isEmpty()) {
        m_error.clear();
        emit errorChanged(m_error);
    }
    emit listed();
}

void ContainerTableModel::setError(const QString &error, qint64 atMs)
{
    m_errorAtMs = atMs;
    if (error == m_error)
        return;
    m_error = error;
    emit errorChanged(m_error);
}

void ContainerTableModel::setEngine(const QString &engineVersion, const QString &compose)
{
    if (engineVersion == m_engineVersion && compose == m_compose)
        return;
    m_engineVersion = engineVersion;
    m_compose = compose;
    emit engineChanged();
}

void ContainerTableModel::listenTo(svc::ContainerPoller *poller)
{
    connect(poller, &svc::ContainerPoller::labChanged, this, [this](const QStringList &services, const QString &project) {
        clear();
        setExpectedServices(services);
        setProject(project);
    });
    connect(poller, &svc::ContainerPoller::listed, this, &ContainerTableModel::setContainers);
    connect(poller, &svc::ContainerPoller::failed, this, &ContainerTableModel::setError);
    connect(poller, &svc::ContainerPoller::engineKnown, this, &ContainerTableModel::setEngine);
}

void ContainerTableModel::setProject(const QString &project)
{
    if (project == m_project)
        return;
    m_project = project;
    emit projectChanged();
}

void ContainerTableModel::clear()
{
    beginResetModel();
    m_rows = buildRows({});
    endResetModel();
    m_listedAtMs = 0;
    if (!m_error.isEmpty()) {
        m_error.clear();
        emit errorChanged(m_error);
    }
}

QStringList ContainerTableModel::services() const
{
    QStringList out;
    for (const Row &r : m_rows)
        out.append(r.service);
    return out;
}

const ContainerInfo *ContainerTableModel::container(const QString &service) const
{
    for (const Row &r : m_rows)
        if (r.service == service && r.container)
            return &*r.container;
    return nullptr;
}

int ContainerTableModel::containerCount() const
{
    return static_cast<int>(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.container.has_value(); }));
}

int ContainerTableModel::readyCount() const
{
    int n = 0;
    for (const QString &s : m_expected)
        if (const ContainerInfo *c = container(s); c && c->isReady())
            ++n;
    return n;
}

QString ContainerTableModel::summary() const
{
    return svc::dockerlab::readySummary(readyCount(), m_expected.size(), containerCount());
}

} // namespace pgha::models
