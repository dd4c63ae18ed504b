#pragma once

#include "core/result.h"

#include <QString>
#include <QToolButton>

#include <functional>

class QLabel;

namespace pgha::views {

// "Save as PNG/SVG/CSV…" for a chart or figure: a small button (its menu: the PNG's DPI, 300 by
// default), and the same action in the chart's context menu. It asks for a file with a non-modal dialog (open(), never exec(): the console keeps
// polling and a benchmark keeps running meanwhile) and hands the path to `save`; the outcome
// goes to `status` when given. Tests call the save function with a path instead.
class ChartSaveButton : public QToolButton {
    Q_OBJECT
public:
    using SaveFunction = std::function<svc::Result<bool>(const QString &path)>;

    // `chart`: the widget whose context menu also offers the action. `baseName`: the suggested
    // file name without extension ("bench-live-tps").
    ChartSaveButton(QWidget *chart, const QString &baseName, SaveFunction save, QLabel *status, QWidget *parent);

    // Saves to `path` and reports like the dialog would.
    svc::Result<bool> saveTo(const QString &path);

private:
    void ask();

    QString m_baseName;
    SaveFunction m_save;
    QLabel *m_status;
};

// A chart with its save button above it, right-aligned; the chart at least `minHeight` tall.
QWidget *withSaveButton(QWidget *chart, QWidget *button, int minHeight, QWidget *parent);

} // namespace pgha::views
