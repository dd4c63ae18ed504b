#pragma once

#include "core/endpointpoller.h"
#include "haproxy/haproxystats.h"

#include <QMetaType>

namespace pgha::svc {

// Polls HAProxy's stats page as CSV (`<base>;csv`, e.g. http://127.0.0.1:7000/stats;csv).
class HaproxyPoller : public EndpointPoller {
    Q_OBJECT
public:
    explicit HaproxyPoller(HttpClient *http, QObject *parent = nullptr);

signals:
    void statsReady(const QString &label, const pgha::svc::HaproxyStats &stats);

protected:
    void fetch(int index, quint64 generation) override;
    void roundComplete() override {}
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" stats"); }
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::HaproxyStats)
