#include "patronipoller.h"

#include "http/httpclient.h"
#include "patroni/patroniparser.h"

#include <QDateTime>

namespace pgha::svc {

PatroniPoller::PatroniPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("patroni"), parent) {}

void PatroniPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    QUrl url = endpoint.baseUrl;
    url.setPath(QStringLiteral("/cluster"));
    http()->get(url, timeoutMs(), this, [this, index, generation, endpoint](const HttpResult &r) {
        QString error;
        if (!r.transportOk()) {
            error = r.error;
        } else if (!r.isSuccess()) {
            error = QStringLiteral("HTTP %1 from %2/cluster").arg(r.status).arg(r.url.authority());
        } else if (auto parsed = parsePatroniCluster(r.body)) {
            ClusterSnapshot snap = std::move(parsed).value();
            snap.sourceUrl = r.url.toString();
            snap.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
            m_answers.append({endpoint.label, std::move(snap)});
        } else {
            error = parsed.error().toString();
        }
        finishEndpoint(index, generation, r.elapsedMs, error);
    });
}

void PatroniPoller::roundComplete()
{
    if (m_answers.isEmpty())
        return;
    const Answer *best = &m_answers.front();
    for (const auto &a : m_answers) {
        const PatroniMember *l = a.snapshot.leader();
        if (l && l->name == a.label) {
            best = &a;
            break;
        }
    }
    emit snapshotReady(best->snapshot);
}

} // namespace pgha::svc
