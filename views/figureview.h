#pragma once

#include "reportfigures.h"

#include <QWidget>

#include <optional>

namespace pgha::views {

class ChartSaveButton;

// A report's figure on screen: the very drawing the PDF, the HTML and a saved PNG/SVG get
// (reports/reportfigures), on white paper whatever the window's theme, scaled to the widget with
// its proportions kept. Save as PNG (at the chosen DPI) or SVG.
class FigureView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMinHeightPx = 220;
    FigureView(const QString &baseName, QWidget *parent = nullptr);

    void setFigure(std::optional<reports::Figure> figure);
    bool hasFigure() const { return m_figure.has_value(); }
    svc::Result<bool> saveTo(const QString &path) const;
    ChartSaveButton *saveButton() const { return m_save; }

private:
    QWidget *m_canvas;
    ChartSaveButton *m_save;
    std::optional<reports::Figure> m_figure;
};

} // namespace pgha::views
