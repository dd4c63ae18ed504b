#pragma once

#include "core/endpointpoller.h"
#include "patroni/patronitypes.h"

namespace pgha::svc {

// Polls GET /cluster on every Patroni REST API of a profile. One merged snapshot per round:
// the account of a member that calls itself leader (it holds the leader key), else the first.
class PatroniPoller : public EndpointPoller {
    Q_OBJECT
public:
    explicit PatroniPoller(HttpClient *http, QObject *parent = nullptr);

signals:
    void snapshotReady(const pgha::svc::ClusterSnapshot &snapshot);

protected:
    void fetch(int index, quint64 generation) override;
    void roundStarting() override { m_answers.clear(); }
    void roundComplete() override;
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" REST"); }

private:
    struct Answer {
        QString label;
        ClusterSnapshot snapshot;
    };
    QList<Answer> m_answers;
};

} // namespace pgha::svc
