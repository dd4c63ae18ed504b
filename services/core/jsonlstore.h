#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

// Append-only stores of one JSON object per line (the chaos runs, the benchmark runs): owner-only
// from the first byte, one write per line so a reader never sees half an entry, and a torn or
// foreign line skipped (and counted) on reading, never the whole store lost.
namespace pgha::svc {

// `what` names the store in messages ("the benchmark run store").
Result<bool> appendJsonLine(const QString &path, const QJsonObject &entry, const QString &what);

struct JsonLines {
    QList<QJsonObject> objects;
    int skipped = 0;   // lines that are not a JSON object
};
JsonLines parseJsonLines(const QByteArray &bytes);
// A missing store is an empty one.
Result<JsonLines> readJsonLines(const QString &path, const QString &what);

} // namespace pgha::svc
