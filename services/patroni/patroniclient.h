#pragma once

#include "core/result.h"
#include "http/httpclient.h"
#include "patroni/patronitypes.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <functional>

class QObject;

namespace pgha::svc {

// Every Patroni REST endpoint pgha talks to. Their paths are spelled in one place
// (patroniclient.cpp): the pollers, the actions, chaos, the lab and the bench all ask for them here.
enum class PatroniEndpoint {
    Cluster,        // GET /cluster
    Config,         // GET, PATCH /config
    Patroni,        // GET /patroni: the member's own status
    History,        // GET /history
    Primary,        // GET, OPTIONS /primary: 200 on the leader only
    Replica,        // OPTIONS /replica
    Health,         // OPTIONS /health
    Switchover,     // POST, DELETE /switchover
    Failover,       // POST /failover
    Restart,        // POST, DELETE /restart
    Reinitialize,   // POST /reinitialize
    Reload,         // POST /reload
};

QString patroniPath(PatroniEndpoint endpoint);   // "/cluster"
// `base`'s scheme://host:port with the endpoint's path; the query and any user:password@ are
// dropped (credentials travel in HttpSecurity, never in a URL).
QUrl patroniUrl(const QUrl &base, PatroniEndpoint endpoint);

// One request as it goes out (and as the journal's curl line shows it).
struct PatroniRequest {
    QByteArray verb;
    QUrl url;
    QByteArray body;   // compact JSON; empty: no body
};

// What an answer without a parser (the writes) said: its status and Patroni's own text
// ("switchover status unknown", "restart conditions are not satisfied" …).
struct PatroniAnswer {
    int status = 0;
    QByteArray body;
};

// A typed call's completion: the value (or an Error whose kind says why: refused, timeout, tls,
// auth for 401/403, rejected for another 4xx/5xx, parse), and the exchange as it was — status,
// body, elapsed time, transport error — for callers that read Patroni's 412/503 texts.
template <typename T>
struct PatroniReply {
    Result<T> result;
    HttpResult http;

    bool ok() const { return result.ok(); }
};

template <typename T>
using PatroniDone = std::function<void(const PatroniReply<T> &)>;

// Pure: requests built and answers read without a network (unit-tested).
namespace patronirest {

struct RestartOptions {
    QString schedule;          // ISO 8601 with an offset; empty: now
    bool pendingOnly = false;  // only when a restart is pending
};

// "pg2's REST API"; "the REST API at host:port" when the member has no name.
QString who(const MemberApi &api);

PatroniRequest read(const QUrl &base, PatroniEndpoint endpoint);        // GET
PatroniRequest roleCheck(const QUrl &base, PatroniEndpoint endpoint);   // OPTIONS (/primary, /replica, /health)
PatroniRequest patchConfig(const QUrl &base, const QJsonObject &patch);
PatroniRequest switchover(const QUrl &base, const QString &leader, const QString &candidate, const QString &scheduledAt);
PatroniRequest cancelSwitchover(const QUrl &base);
PatroniRequest failover(const QUrl &base, const QString &candidate);
PatroniRequest restart(const QUrl &base, const RestartOptions &options);
PatroniRequest cancelRestart(const QUrl &base);
PatroniRequest reinitialize(const QUrl &base, bool force);
PatroniRequest reload(const QUrl &base);

// The Error for an exchange that is not a success: that kind, and explainHttpFailure's sentence.
Error failure(const HttpResult &r, const QString &who);

// A finished exchange read as each call's value.
Result<ClusterSnapshot> readCluster(const HttpResult &r, const QString &who);
Result<PatroniDynamicConfig> readConfig(const HttpResult &r, const QString &who);
Result<PatroniNodeStatus> readStatus(const HttpResult &r, const QString &who);
Result<QList<TimelineSwitch>> readHistory(const HttpResult &r, const QString &who);
Result<PatroniAnswer> readAnswer(const HttpResult &r, const QString &who);      // a 2xx
Result<int> readRoleCheck(const HttpResult &r, const QString &who);             // any status that answered

} // namespace patronirest

// The typed Patroni REST client over HttpClient (which adds the credentials and TLS trust of each
// origin). A value: it holds only the HttpClient. Every call completes exactly once, never
// inside the call, and not at all once `context` is gone. A member without a valid base URL
// fails with ErrorKind::NotFound.
class PatroniClient {
public:
    explicit PatroniClient(HttpClient *http) : m_http(http) {}

    HttpClient *http() const { return m_http; }

    void cluster(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<ClusterSnapshot> done) const;
    void config(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<PatroniDynamicConfig> done) const;
    // GET /patroni: the member's own account of itself.
    void member(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<PatroniNodeStatus> done) const;
    void history(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<QList<TimelineSwitch>> done) const;
    // OPTIONS on a role check (Primary, Replica, Health): the status it answered.
    void roleCheck(const MemberApi &api, PatroniEndpoint check, int timeoutMs, QObject *context, PatroniDone<int> done) const;

    void patchConfig(const MemberApi &api, const QJsonObject &patch, int timeoutMs, QObject *context,
                     PatroniDone<PatroniAnswer> done) const;
    void switchover(const MemberApi &api, const QString &leader, const QString &candidate, const QString &scheduledAt,
                    int timeoutMs, QObject *context, PatroniDone<PatroniAnswer> done) const;
    void failover(const MemberApi &api, const QString &candidate, int timeoutMs, QObject *context,
                  PatroniDone<PatroniAnswer> done) const;
    void restart(const MemberApi &api, const patronirest::RestartOptions &options, int timeoutMs, QObject *context,
                 PatroniDone<PatroniAnswer> done) const;
    void reinitialize(const MemberApi &api, bool force, int timeoutMs, QObject *context,
                      PatroniDone<PatroniAnswer> done) const;
    void reload(const MemberApi &api, int timeoutMs, QObject *context, PatroniDone<PatroniAnswer> done) const;

    // A request built beforehand (the actions show theirs to the operator before sending them).
    void send(const QString &member, const PatroniRequest &request, int timeoutMs, QObject *context,
              PatroniDone<PatroniAnswer> done) const;

private:
    template <typename T>
    void exchange(const MemberApi &api, const PatroniRequest &request, int timeoutMs, QObject *context,
                  Result<T> (*read)(const HttpResult &, const QString &), PatroniDone<T> done) const;

    HttpClient *m_http;
};

} // namespace pgha::svc
