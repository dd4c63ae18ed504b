#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QWidget;

namespace pgha::views {

// "Save as…" the one way every export asks for a file: a non-modal dialog (open(), never exec():
// the console keeps polling and a run keeps running meanwhile) in the folder of the last export,
// suggesting `baseName`-yyyyMMdd-HHmm with the first filter's extension, the extension following
// the filter chosen. `filters`: "PNG image (*.png)" …; `chosen` gets the path.
void askSavePath(QWidget *parent, const QString &title, const QStringList &filters, const QString &baseName,
                 std::function<void(const QString &path)> chosen);

} // namespace pgha::views
