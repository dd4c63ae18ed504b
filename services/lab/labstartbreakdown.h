#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace pgha::svc {

// One stage of a lab start, on the start's own monotonic clock (ms since the start began).
struct LabStartStage {
    QString key;             // stable, for programs: "prepare", "etcd", "bootstrap", "replica:pg2", "proxies", "health"
    QString label;           // for people: "etcd ×3 healthy"
    qint64 startMs = -1;
    qint64 endMs = -1;       // -1 while the stage runs (or when the start ended before it did)
    bool parallel = false;   // ran beside the critical path; not part of the sum
    QString note;            // what decided it: "pg1 leads", "3 checks; waited for: …"

    bool finished() const { return startMs >= 0 && endMs >= startMs; }
    qint64 durationMs() const { return finished() ? endMs - startMs : -1; }
    bool operator==(const LabStartStage &o) const = default;
};

// Where the time to healthy went. Critical-path stages follow one another (each begins where the
// one before ended), so their durations add up to the total and their shares to 100 %; parallel
// stages (each replica's clone, the proxies) run beside them and are listed under the stage they
// began in. Both lab flavours fill what they can observe; a stage never reached is absent, one
// begun but not ended is shown as unfinished. Filled by the lab service, carried by LabOutcome.
class LabStartBreakdown {
public:
    // Ends the running critical-path stage at `atMs` and begins `key` there.
    void advance(const QString &key, const QString &label, qint64 atMs);
    // A stage beside the critical path; begun twice, it keeps its first start.
    void beginParallel(const QString &key, const QString &label, qint64 atMs);
    // Ends a stage (either kind) once; later calls change nothing.
    void end(const QString &key, qint64 atMs);
    void setLabel(const QString &key, const QString &label);
    void setNote(const QString &key, const QString &note);
    // The start ended (healthy or not) at `totalMs`: the running critical-path stage ends there.
    void finish(qint64 totalMs);

    bool isEmpty() const { return m_stages.isEmpty(); }
    // In order of their start (a stage begun earlier comes first; ties keep the order of calls).
    const QList<LabStartStage> &stages() const { return m_stages; }
    const LabStartStage *stage(const QString &key) const;
    bool has(const QString &key) const { return stage(key) != nullptr; }
    qint64 totalMs() const { return m_totalMs; }
    // Sum of the finished critical-path stages: the total when every stage was seen.
    qint64 criticalPathMs() const;
    // Of the total, 0…1; -1 when the stage is unfinished or no total is known.
    double share(const LabStartStage &stage) const;

    // "native" or "docker", and whether the data was made now (initdb, clones) or reused.
    QString flavor;
    bool fromNothing = false;

    // The order people read it in: each critical-path stage followed by the parallel stages that
    // began while it ran (those that began before the first one come first).
    QList<const LabStartStage *> displayOrder() const;
    // A small aligned table: stage, from, to, seconds, share; parallel stages indented under the
    // stage they began in. One line each, no trailing newline.
    QStringList table() const;
    QJsonObject toJson() const;
    static LabStartBreakdown fromJson(const QJsonObject &o);
    bool operator==(const LabStartBreakdown &o) const = default;

private:
    LabStartStage *find(const QString &key);
    void insert(LabStartStage stage);

    QList<LabStartStage> m_stages;
    QString m_running;        // the critical-path stage that runs now
    qint64 m_totalMs = -1;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::LabStartBreakdown)
