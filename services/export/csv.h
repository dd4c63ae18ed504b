#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace pgha::svc {

// CSV for spreadsheets, the one way every export writes it (event timeline, chaos runs).
// Cells hold text other systems chose (member names, Patroni's answers, error messages), and a
// spreadsheet runs a cell starting with = + - @ (or a tab or CR before one) as a formula: such a
// cell gets a leading ' so it is shown, not run. A plain number (-12, +3.5) is no formula and
// stays a number. A field holding a comma, quote, CR or LF is quoted, its quotes doubled.
QString csvField(const QString &value);

// One record: each field through csvField, joined by commas, ended by "\n", as UTF-8.
QByteArray csvRecord(const QStringList &fields);

} // namespace pgha::svc
