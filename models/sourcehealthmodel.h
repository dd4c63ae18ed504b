#pragma once

#include "core/sourcehealth.h"

#include <QList>
#include <QObject>

namespace pgha::models {

// The health of every data source, keyed by SourceHealth::id, in first-seen order.
class SourceHealthModel : public QObject {
    Q_OBJECT
public:
    explicit SourceHealthModel(QObject *parent = nullptr);

    void update(const svc::SourceHealth &health);
    void clear();
    const QList<svc::SourceHealth> &sources() const { return m_sources; }
    int reachableCount() const;

    // "reachable · 3 ms · 0.4 s ago" or "unreachable: <error>"
    static QString describe(const svc::SourceHealth &h, qint64 nowMs);

signals:
    void changed();

private:
    QList<svc::SourceHealth> m_sources;
};

} // namespace pgha::models
