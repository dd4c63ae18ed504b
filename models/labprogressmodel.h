#pragma once

#include "lab/labprogress.h"

#include <QAbstractListModel>

namespace pgha::models {

// One row per lab component with its state while the lab starts or stops, plus the overall
// stage text and percentage, and where the last start's time went.
class LabProgressModel : public QAbstractListModel {
    Q_OBJECT
public:
    // DetailRole: what the service said ("" when nothing); DetailTextRole: that, else the state's name.
    enum DataRole { StateRole = Qt::UserRole + 1, KindRole, DetailRole, NameRole, DetailTextRole };

    explicit LabProgressModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    void reset(const QList<svc::LabComponent> &components);
    void update(const svc::LabComponentStatus &status);
    void setStage(const QString &text, int percent);

    QString stageText() const { return m_stage; }
    int percent() const { return m_percent; }
    const QList<svc::LabComponentStatus> &components() const { return m_rows; }

    // Where the last start's time went (empty: none finished since the last reset); `healthy`:
    // it ended healthy. Kept until the next start or stop.
    void setBreakdown(const svc::LabStartBreakdown &breakdown, bool healthy);
    const svc::LabStartBreakdown &breakdown() const { return m_breakdown; }
    bool breakdownHealthy() const { return m_breakdownHealthy; }

signals:
    void stageChanged(const QString &text, int percent);
    void breakdownChanged();

private:
    QList<svc::LabComponentStatus> m_rows;
    QString m_stage;
    int m_percent = 0;
    svc::LabStartBreakdown m_breakdown;
    bool m_breakdownHealthy = false;
};

} // namespace pgha::models
