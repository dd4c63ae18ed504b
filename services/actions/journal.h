#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace pgha::svc {

class ActionRunner;

// The operator journal: one JSON object per line, appended for every action sent (or refused
// before sending), with the exact request, its curl and patronictl equivalents, Patroni's
// answer, the cluster before and after, and the outcome with its durations. Never a secret:
// curl gets `-u USER` and asks for the password itself.
class Journal {
public:
    explicit Journal(QString path = defaultPath());

    static QString defaultPath();    // <data dir>/pgha/journal.jsonl
    const QString &path() const { return m_path; }

    Result<bool> append(const QJsonObject &entry) const;
    // Every entry, oldest first; a damaged line is skipped and counted.
    Result<QList<QJsonObject>> read(int *damagedLines = nullptr) const;
    // The journal's bytes read as read() reads them (pure: the fuzzer feeds it).
    static QList<QJsonObject> parse(const QByteArray &jsonl, int *damagedLines = nullptr);
    // Entries as JSONL into `file`, written atomically.
    Result<bool> exportTo(const QString &file) const;

private:
    QString m_path;
};

struct JournalContext {
    QString profile;
    QString profileKind;
    QString scope;
    QString restUsername;     // for the curl line, never the password
    QString caFile;
};

QJsonObject journalEntry(const ActionRunner &runner, const JournalContext &context);

} // namespace pgha::svc
