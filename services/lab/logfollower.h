#pragma once

#include "lab/labservice.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

class QProcess;

namespace pgha::svc {

// One lab component's log for a log view: its last kTailLines lines, then (following)
// whatever it writes. A lab that runs containers is asked (LabService::logs: `docker compose
// logs --follow`, a child process cancelled when another component is chosen, following
// stops, or this object goes); otherwise the component's log file (<labDir>/logs/<name>.log)
// is read again every kFilePollMs. Lives beside the lab: it owns (through it) processes.
// Lines are handed on in batches every kFlushMs, so a chatty log costs one repaint per batch;
// a batch keeps its last kMaxBatchLines lines and counts the older ones it dropped.
class LogFollower : public QObject {
    Q_OBJECT
public:
    static constexpr int kTailLines = 200;
    static constexpr int kFlushMs = 100;
    static constexpr int kFilePollMs = 500;
    static constexpr qint64 kMaxReadBytes = 1 << 20;   // per file poll: a runaway log cannot stall the GUI
    static constexpr int kMaxBatchLines = 5000;         // as many as a log view keeps (views::LogView::kMaxLines)

    explicit LogFollower(QObject *parent = nullptr);
    ~LogFollower() override;

    // Where logs come from (nullptr: nowhere). Whatever ran before is cancelled; sourceChanged.
    void setSource(LabService *lab);
    LabService *source() const { return m_lab; }
    // The components whose log can be read, in the lab's start order.
    QStringList components() const;
    // Shows `component`'s log from its last kTailLines lines; with `follow`, keeps going.
    // Whatever ran before is cancelled first.
    void start(const QString &component, bool follow);
    // Cancels the follower (a docker process ends within 2 s: SIGTERM, then SIGKILL).
    void stop();

    QString component() const { return m_component; }
    bool isFollowing() const { return m_following; }
    // Something still runs: a docker logs process (also one cancelled but not yet ended), the
    // detection that precedes it, or the file poll.
    bool isRunning() const;
    // The docker logs processes still alive (for tests: none may outlive a stop).
    QList<qint64> processIds() const;

signals:
    // `dropped`: lines that came before these and were left out (the batch was full).
    void linesArrived(const QStringList &lines, qint64 dropped);
    // Another lab: its components (a view keeps its choice when it is still there).
    void sourceChanged(const QStringList &components);
    // Nothing to read yet (a lab with containers that was never started here): why, for people.
    void waiting(const QString &component, const QString &why);
    // `how` says where the lines come from ("docker-compose logs --follow pg1", a file path).
    void started(const QString &component, const QString &how);
    // The log ended by itself or failed (error empty when it simply ended). Not sent for stop().
    void ended(const QString &component, const QString &error);
    // Nothing runs any more (after stop(), once every cancelled process has ended).
    void idle();

private:
    void startDocker(quint64 generation, bool follow);
    void startFile(bool follow);
    void readFile();
    void queue(const QString &line);
    void flush();
    void forget(QProcess *process);
    void checkIdle();

    LabService *m_lab = nullptr;
    QString m_component;
    bool m_following = false;
    bool m_detecting = false;
    quint64 m_generation = 0;
    QList<QProcess *> m_processes;   // alive; each removes itself when destroyed
    QTimer m_filePoll;
    QString m_file;
    qint64 m_fileOffset = 0;
    bool m_awaitingFile = false;     // following a log its component has not begun yet
    QByteArray m_partial;            // a line the file has only half written yet
    QStringList m_pending;
    qint64 m_droppedPending = 0;
    QTimer m_flush;
};

} // namespace pgha::svc
