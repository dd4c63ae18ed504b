#pragma once

#include "lab/labstartbreakdown.h"

#include <QWidget>

namespace pgha::views {

// Where a lab start's time went, as a row of bars on one time axis: each critical-path stage
// (preparation, etcd, bootstrap, replicas, health check) on the start's clock, the parallel ones
// (each replica's clone, the proxies) indented and lighter under the stage they began in, the
// seconds beside each bar. A row's tooltip gives its from/to, share and what decided it.
class LabBreakdownView : public QWidget {
    Q_OBJECT
public:
    explicit LabBreakdownView(QWidget *parent = nullptr);

    // `healthy`: the start ended healthy (else the title says where it stopped).
    void setBreakdown(const svc::LabStartBreakdown &breakdown, bool healthy);
    const svc::LabStartBreakdown &breakdown() const { return m_breakdown; }
    // One line per row, as drawn (for tests and accessibility).
    QStringList rowTexts() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QString title() const;
    int rowHeight() const;
    int rowAt(int y) const;

    svc::LabStartBreakdown m_breakdown;
    QList<const svc::LabStartStage *> m_rows;   // into m_breakdown, in display order
    bool m_healthy = false;
};

} // namespace pgha::views
