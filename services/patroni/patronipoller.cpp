#include "patronipoller.h"

#include "core/hostport.h"
#include "core/logging.h"
#include "http/httpclient.h"
#include "patroni/patroniclient.h"
#include "patroni/patroniparser.h"

#include <QDateTime>

#include <algorithm>
#include <memory>

namespace pgha::svc {

namespace {
QString httpError(const HttpResult &r, PatroniEndpoint endpoint)
{
    if (!r.transportOk())
        return r.error;
    return QStringLiteral("HTTP %1 from %2%3").arg(r.status).arg(authorityOf(r.url), patroniPath(endpoint));
}
} // namespace

PatroniPoller::PatroniPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("patroni"), parent) {}

void PatroniPoller::roundStarting()
{
    m_answers.clear();
    m_reports.clear();
    m_slowTaken = false;
    if (++m_round % kSlowEveryRounds == 0)
        m_slowDue = true;
}

void PatroniPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    const QUrl base = endpoint.baseUrl;
    // /replica and /health change only with the member's state or role, which /primary's body
    // tells every round: they are asked again when that changed, and every kRoleCheckEveryRounds.
    const PatroniNodeReport previous = m_lastReports.value(endpoint.label);
    const bool askRoleChecks = previous.replicaCode == 0 || previous.healthCode == 0 || m_roleChecksDue.contains(endpoint.label)
            || m_round % kRoleCheckEveryRounds == 0;
    m_roleChecksDue.remove(endpoint.label);
    // Up to four requests to this member; its health is that of /cluster.
    auto pending = std::make_shared<int>(askRoleChecks ? 4 : 2);
    auto report = std::make_shared<PatroniNodeReport>();
    if (!askRoleChecks) {
        report->replicaCode = previous.replicaCode;
        report->healthCode = previous.healthCode;
        report->roleChecksAtMs = previous.roleChecksAtMs;
    } else {
        report->roleChecksAtMs = QDateTime::currentMSecsSinceEpoch();
    }
    auto clusterError = std::make_shared<QString>();
    auto latency = std::make_shared<qint64>(0);
    report->name = endpoint.label;
    report->baseUrl = base;
    auto oneDone = [this, index, generation, pending, report, clusterError, latency] {
        if (--*pending > 0)
            return;
        report->fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
        if (generation == currentGeneration() && (report->status || report->primaryCode != 0))
            m_reports.append(*report);
        finishEndpoint(index, generation, *latency, *clusterError);
    };

    http()->get(patroniUrl(base, PatroniEndpoint::Cluster), timeoutMs(), this,
                [this, endpoint, base, oneDone, clusterError, latency, generation](const HttpResult &r) {
                    *latency = r.elapsedMs;
                    if (generation == currentGeneration())
                        emit restReached(base, r);
                    if (!r.isSuccess()) {
                        *clusterError = httpError(r, PatroniEndpoint::Cluster);
                    } else if (auto parsed = parsePatroniCluster(r.body)) {
                        ClusterSnapshot snap = std::move(parsed).value();
                        snap.sourceUrl = r.url.toString();
                        snap.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
                        if (generation == currentGeneration())
                            m_answers.append({endpoint.label, base, std::move(snap)});
                    } else {
                        *clusterError = parsed.error().toString();
                    }
                    oneDone();
                });
    // /primary answers 503 with the same body on a replica: the body is the member's status.
    http()->get(patroniUrl(base, PatroniEndpoint::Primary), timeoutMs(), this, [oneDone, report](const HttpResult &r) {
        report->primaryCode = r.status;
        if (!r.transportOk())
            report->error = r.error;
        else if (auto st = parsePatroniStatus(r.body))
            report->status = st.value();
        else
            report->error = st.error().toString();
        oneDone();
    });
    if (askRoleChecks) {
        http()->send("OPTIONS", patroniUrl(base, PatroniEndpoint::Replica), {}, timeoutMs(), this, [oneDone, report](const HttpResult &r) {
            report->replicaCode = r.status;
            oneDone();
        });
        http()->send("OPTIONS", patroniUrl(base, PatroniEndpoint::Health), {}, timeoutMs(), this, [oneDone, report](const HttpResult &r) {
            report->healthCode = r.status;
            oneDone();
        });
    }
    if (m_slowDue && !m_slowTaken) {
        m_slowTaken = true;
        fetchClusterWide(base);
    }
}

void PatroniPoller::probe(const QUrl &base)
{
    const quint64 generation = currentGeneration();
    // OPTIONS /health: the cheapest question Patroni answers (no body); any answer will do.
    http()->send("OPTIONS", patroniUrl(base, PatroniEndpoint::Health), {}, kProbeTimeoutMs, this,
                 [this, base, generation](const HttpResult &r) {
        if (generation == currentGeneration())
            emit restReached(base, r);
    });
}

void PatroniPoller::fetchClusterWide(const QUrl &base)
{
    const quint64 generation = currentGeneration();
    // Outside the round's accounting: a slow /history never holds up the next round.
    http()->get(patroniUrl(base, PatroniEndpoint::Config), timeoutMs(), this, [this, generation](const HttpResult &r) {
        if (generation != currentGeneration())
            return;
        if (!r.isSuccess()) {
            m_slowDue = true;
            return;
        }
        if (auto c = parsePatroniConfig(r.body)) {
            m_slowDue = false;
            emit configReady(c.value());
        } else {
            qCWarning(lcPatroni) << c.error().toString();
        }
    });
    http()->get(patroniUrl(base, PatroniEndpoint::History), timeoutMs(), this, [this, generation](const HttpResult &r) {
        if (generation != currentGeneration() || !r.isSuccess())
            return;
        if (auto h = parsePatroniHistory(r.body))
            emit historyReady(h.value());
        else
            qCWarning(lcPatroni) << h.error().toString();
    });
}

void PatroniPoller::roundComplete()
{
    std::sort(m_reports.begin(), m_reports.end(),
              [](const PatroniNodeReport &a, const PatroniNodeReport &b) { return a.name < b.name; });
    for (const auto &r : std::as_const(m_reports)) {
        const PatroniNodeReport before = m_lastReports.value(r.name);
        const bool changed = r.primaryCode != before.primaryCode || r.status.has_value() != before.status.has_value()
                || (r.status && before.status && (r.status->state != before.status->state || r.status->role != before.status->role));
        if (changed)
            m_roleChecksDue.insert(r.name);
        m_lastReports.insert(r.name, r);
    }
    dropForeignScopes();
    if (m_answers.isEmpty()) {
        if (!m_reports.isEmpty())
            emit nodesReported(m_reports);
        return;
    }
    // The leader's own account of the cluster: the answer of an API that /cluster lists as the
    // leader's (by api_url, else by the endpoint's label).
    const Answer *best = &m_answers.front();
    for (const auto &a : m_answers) {
        const PatroniMember *l = a.snapshot.leader();
        if (l && (l->name == a.label || a.snapshot.memberWithApi(a.baseUrl) == l)) {
            best = &a;
            break;
        }
    }
    // A new timeline means a new /history entry, and perhaps a changed /config.
    qint64 timeline = -1;
    for (const auto &m : best->snapshot.members)
        timeline = std::max(timeline, m.timeline.value_or(-1));
    if (timeline != m_lastTimeline && m_lastTimeline != -1)
        m_slowDue = true;
    m_lastTimeline = timeline;
    const ClusterSnapshot snapshot = best->snapshot;
    for (auto &r : m_reports) {
        const PatroniMember *m = snapshot.memberWithApi(r.baseUrl);
        r.member = m ? m->name : snapshot.member(r.name) ? r.name : QString();
    }
    // The snapshot first: whoever keys the reports by member has /cluster to do it with.
    emit snapshotReady(snapshot);
    if (!m_reports.isEmpty())
        emit nodesReported(m_reports);
    if (m_discovery)
        discover(snapshot);
}

void PatroniPoller::dropForeignScopes()
{
    // Each member's /patroni (the body of /primary) names its scope; the one watched is the
    // profile's, else the first reported.
    QString watched = m_scope;
    for (const auto &r : std::as_const(m_reports))
        if (watched.isEmpty() && r.status && !r.status->scope.isEmpty())
            watched = r.status->scope;
    if (watched.isEmpty())
        return;
    QSet<QString> foreign;
    for (const auto &r : std::as_const(m_reports))
        if (r.status && !r.status->scope.isEmpty() && r.status->scope != watched) {
            foreign.insert(r.name);
            if (!m_foreignSaid.contains(r.name)) {
                m_foreignSaid.insert(r.name);
                emit foreignScope(r.name, r.baseUrl, r.status->scope, watched);
            }
        }
    if (foreign.isEmpty())
        return;
    m_reports.erase(std::remove_if(m_reports.begin(), m_reports.end(), [&](const PatroniNodeReport &r) { return foreign.contains(r.name); }),
                    m_reports.end());
    m_answers.erase(std::remove_if(m_answers.begin(), m_answers.end(), [&](const Answer &a) { return foreign.contains(a.label); }),
                    m_answers.end());
}

void PatroniPoller::discover(const ClusterSnapshot &snapshot)
{
    QList<Endpoint> list = endpoints();
    QStringList added;
    for (const auto &m : snapshot.members) {
        if (m.apiUrl.isEmpty() || list.size() >= kMaxDiscoveredMembers)
            continue;
        const QUrl api(m.apiUrl);
        const bool known = std::any_of(list.cbegin(), list.cend(), [&](const Endpoint &e) {
            return e.label == m.name || sameHostPort(hostPortOf(e.baseUrl, 80), hostPortOf(api, 80));
        });
        if (known || !api.isValid() || api.host().isEmpty())
            continue;
        QUrl base = api;
        base.setPath(QString());   // api_url ends in /patroni
        list.append({m.name, base});
        added.append(m.name);
    }
    if (added.isEmpty())
        return;
    // Keep the members found so far in a stable order; late replies of the old list are dropped.
    setEndpoints(list);
    emit membersDiscovered(added);
}

} // namespace pgha::svc
