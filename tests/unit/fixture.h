#pragma once

// Recorded payloads under tests/fixtures (tests/fixtures/README.md says how each was captured).
#include "pg/pgquery.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtGlobal>

inline QByteArray readFixture(const QString &relativePath)
{
    QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/") + relativePath);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(relativePath));
    return f.readAll();
}

// A result set recorded with `psql -X --csv -P null=NULL` (no field of ours holds a comma).
// One line of `psql --csv`: a field holding a comma or a quote is quoted, its quotes doubled
// (PgBouncer's host list "a,b,c" is one such field).
inline QStringList splitCsvLine(const QString &line)
{
    QStringList out;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted && c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
            field += c;
            ++i;
        } else if (c == u'"') {
            quoted = !quoted;
        } else if (c == u',' && !quoted) {
            out.append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    out.append(field);
    return out;
}

inline pgha::svc::PgResultSet readCsvFixture(const QString &relativePath)
{
    const QList<QByteArray> lines = readFixture(relativePath).split('\n');
    pgha::svc::PgResultSet s;
    s.columns = QString::fromUtf8(lines.value(0)).split(QLatin1Char(','));
    for (int i = 1; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        QStringList row;
        QList<bool> nulls;
        for (const QString &f : splitCsvLine(QString::fromUtf8(lines[i]))) {
            nulls.append(f == u"NULL");
            row.append(f == u"NULL" ? QString() : f);
        }
        s.rows.append(row);
        s.nulls.append(nulls);
    }
    return s;
}
