#include "lab/logfollower.h"

#include "docker/dockercommand.h"
#include "lab/labfactory.h"
#include "lab/labfiles.h"
#include "lab/labservice.h"
#include "process/procutil.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <utility>

namespace pgha::svc {

LogFollower::LogFollower(QObject *parent) : QObject(parent)
{
    m_filePoll.setInterval(kFilePollMs);
    connect(&m_filePoll, &QTimer::timeout, this, &LogFollower::readFile);
    m_flush.setInterval(kFlushMs);
    m_flush.setSingleShot(true);
    connect(&m_flush, &QTimer::timeout, this, &LogFollower::flush);
}

LogFollower::~LogFollower()
{
    // The processes belong to the lab (which may outlive this): never leave one following.
    for (QProcess *p : std::as_const(m_processes))
        docker::cancel(p);
}

void LogFollower::setSource(LabService *lab)
{
    if (lab == m_lab)
        return;
    stop();
    m_lab = lab;
    emit sourceChanged(components());
}

QStringList LogFollower::components() const
{
    QStringList names;
    if (m_lab)
        for (const auto &c : m_lab->components())
            names << c.name;
    return names;
}

bool LogFollower::isRunning() const
{
    return !m_processes.isEmpty() || m_detecting || m_filePoll.isActive();
}

QList<qint64> LogFollower::processIds() const
{
    QList<qint64> ids;
    for (const QProcess *p : m_processes)
        if (p->state() != QProcess::NotRunning)
            ids.append(p->processId());
    return ids;
}

void LogFollower::start(const QString &component, bool follow)
{
    stop();
    m_component = component;
    m_following = follow;
    if (component.isEmpty() || !m_lab)
        return;
    if (!m_lab->hasContainers()) {
        startFile(follow);
        return;
    }
    const QString labDir = m_lab->config().labDir;
    if (recordedLabFlavor(labDir) != m_lab->flavor()) {
        // Nothing to ask the engine about yet (and no passwords for its files).
        emit waiting(component, tr("no %1 lab in %2 yet: start one first").arg(m_lab->flavor(), labDir));
        return;
    }
    startDocker(m_generation, follow);
}

void LogFollower::stop()
{
    ++m_generation;
    m_following = false;
    m_detecting = false;
    m_filePoll.stop();
    m_partial.clear();
    flush();
    for (QProcess *p : std::as_const(m_processes))
        docker::cancel(p);
    checkIdle();
}

void LogFollower::startDocker(quint64 generation, bool follow)
{
    LabService *lab = m_lab;
    if (!lab->engine()) {
        // Without detection, logs() could not hand back the process to cancel: detect first.
        m_detecting = true;
        lab->listContainers(false, this, [this, generation, follow](const Result<QList<docker::ContainerInfo>> &listed) {
            if (generation != m_generation)
                return;
            m_detecting = false;
            if (!listed) {
                emit ended(m_component, listed.error().toString());
                checkIdle();
                return;
            }
            startDocker(generation, follow);
        });
        return;
    }
    const QString component = m_component;
    QProcess *process = lab->logs(
            component, kTailLines, follow, this,
            [this, generation](const QString &line) {
                if (generation == m_generation)
                    queue(line);
            },
            [this, generation, component](const Error *error) {
                if (generation != m_generation)
                    return;   // stopped or replaced: the view has moved on
                flush();
                m_following = false;
                emit ended(component, error ? error->toString() : QString());
            });
    if (!process)
        return;   // logs() reported the failure through `done`
    m_processes.append(process);
    connect(process, &QObject::destroyed, this, [this, process] { forget(process); });
    emit started(component, QStringLiteral("%1 %2").arg(QFileInfo(process->program()).fileName(),
                                                         process->arguments().join(QLatin1Char(' '))));
}

void LogFollower::startFile(bool follow)
{
    m_file = LabLayout(m_lab->config().labDir).logFile(m_component);
    m_awaitingFile = false;
    if (!QFileInfo::exists(m_file) && !follow) {
        emit ended(m_component, tr("%1 has no log yet (%2): it was never started in this lab directory").arg(m_component, m_file));
        return;
    }
    if (!QFileInfo::exists(m_file)) {
        // Chosen before the lab started (the window opened on a lab directory still empty): its
        // log is read from its first line once the start creates it.
        emit waiting(m_component, tr("%1 has no log yet (%2): it is followed from its first line once the lab starts it")
                                          .arg(m_component, m_file));
        m_fileOffset = 0;
        m_awaitingFile = true;
        m_filePoll.start();
        return;
    }
    for (const QString &line : proc::tailOfFile(m_file, kTailLines))
        queue(line);
    m_fileOffset = QFileInfo(m_file).size();
    emit started(m_component, m_file);
    if (follow)
        m_filePoll.start();
}

void LogFollower::readFile()
{
    QFile f(m_file);
    if (!f.open(QIODevice::ReadOnly))
        return;   // rotated away for a moment (or not begun yet): look again at the next poll
    if (std::exchange(m_awaitingFile, false))
        emit started(m_component, m_file);
    if (f.size() < m_fileOffset) {
        m_fileOffset = 0;   // truncated or replaced: start over
        m_partial.clear();
    }
    if (!f.seek(m_fileOffset))
        return;
    const QByteArray added = f.read(kMaxReadBytes);
    m_fileOffset += added.size();
    m_partial += added;
    qsizetype nl;
    while ((nl = m_partial.indexOf('\n')) >= 0) {
        queue(QString::fromUtf8(m_partial.left(nl)));
        m_partial.remove(0, nl + 1);
    }
}

void LogFollower::queue(const QString &line)
{
    if (m_pending.size() >= kMaxBatchLines) {
        m_pending.removeFirst();
        ++m_droppedPending;
    }
    m_pending.append(line);
    if (!m_flush.isActive())
        m_flush.start();
}

void LogFollower::flush()
{
    m_flush.stop();
    if (m_pending.isEmpty())
        return;
    const QStringList lines = std::exchange(m_pending, {});
    emit linesArrived(lines, std::exchange(m_droppedPending, 0));
}

void LogFollower::forget(QProcess *process)
{
    m_processes.removeOne(process);
    checkIdle();
}

void LogFollower::checkIdle()
{
    if (!isRunning())
        emit idle();
}

} // namespace pgha::svc
