#include "figureview.h"

#include "chartsavebutton.h"

#include "settings/usersettings.h"

#include <QPainter>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

// Paints the figure of its FigureView, scaled to fit.
class FigureCanvas : public QWidget {
public:
    FigureCanvas(const std::optional<reports::Figure> *figure, QWidget *parent) : QWidget(parent), m_figure(figure) {}

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), Qt::white);
        if (!m_figure->has_value())
            return;
        const reports::Figure &f = **m_figure;
        const double scale = std::min(width() / f.sizePt.width(), height() / f.sizePt.height());
        p.setRenderHint(QPainter::Antialiasing);
        p.setRenderHint(QPainter::TextAntialiasing);
        p.translate((width() - f.sizePt.width() * scale) / 2, (height() - f.sizePt.height() * scale) / 2);
        p.scale(scale, scale);
        f.draw(p, QRectF(QPointF(0, 0), f.sizePt));
    }

private:
    const std::optional<reports::Figure> *m_figure;
};

} // namespace

FigureView::FigureView(const QString &baseName, QWidget *parent)
    : QWidget(parent), m_canvas(new FigureCanvas(&m_figure, this)), m_save(nullptr)
{
    m_save = new ChartSaveButton(m_canvas, baseName, [this](const QString &path) { return saveTo(path); }, nullptr, this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(withSaveButton(m_canvas, m_save, kMinHeightPx, this));
}

void FigureView::setFigure(std::optional<reports::Figure> figure)
{
    m_figure = std::move(figure);
    m_save->setEnabled(m_figure.has_value());
    m_canvas->update();
}

svc::Result<bool> FigureView::saveTo(const QString &path) const
{
    if (!m_figure)
        return svc::makeError(QStringLiteral("no figure to save yet"));
    return reports::saveFigure(*m_figure, path, svc::settings::exportDpi());
}

} // namespace pgha::views
