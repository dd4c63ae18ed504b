#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// The HTML every report is written in: a subset QTextDocument lays out for the PDF and a
// browser shows as it is. Cells and items are HTML already: their makers escape what they hold.
namespace pgha::reports::html {

inline QString esc(const QString &s) { return s.toHtmlEscaped(); }
QString table(const QStringList &header, const QList<QStringList> &rows);
QString list(const QStringList &items);
// (what, value) rows of a Bench manifest (svc::BenchManifest::toJson): versions, scale, machine.
QList<QStringList> manifestFacts(const QJsonObject &manifest);

} // namespace pgha::reports::html
