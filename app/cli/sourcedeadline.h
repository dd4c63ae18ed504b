#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <optional>

class QCommandLineParser;

namespace pgha::models {
class ClusterObserver;
}
namespace pgha::svc {
class EndpointPoller;
}

namespace pgha::cli {

struct CliContext;

// How long a command waits for the systems it reads (--timeout SECONDS) before it says which
// of them did not answer and gives up.
constexpr int kDefaultTimeoutS = 10;
constexpr int kMaxTimeoutS = 3600;

QCommandLineOption timeoutOption();
// --timeout in milliseconds; nullopt (after saying why on stderr) when it is not a number of
// seconds from 1 to kMaxTimeoutS.
std::optional<int> timeoutMsFrom(const QCommandLineParser &parser, CliContext &ctx);

// One round of every source an observer polls, within a deadline: finished() once every poller
// has ended its round (with answers or errors), expired() when the deadline came first.
class RoundDeadline : public QObject {
    Q_OBJECT
public:
    RoundDeadline(const models::ClusterObserver *observer, int timeoutMs, QObject *parent = nullptr);

    // Counts the rounds of the observer's active pollers from now: call before they start.
    void arm();
    // Waits for one more round of `poller` (members found by discovery are asked in it), and
    // starts that round: at once, or when the round it is in ends.
    void oneMoreRound(svc::EndpointPoller *poller);
    bool complete() const { return m_open.isEmpty(); }
    int timeoutMs() const { return m_timeoutMs; }
    // Every source that did not answer: "label (url): why" — an error from its round, or, for
    // a round still open, where the exchange stood.
    QStringList unanswered() const;

signals:
    void finished();
    void expired();

private:
    void roundEnded(const svc::EndpointPoller *poller);

    const models::ClusterObserver *m_observer;
    QList<const svc::EndpointPoller *> m_open;
    QTimer m_timer;
    int m_timeoutMs;
};

} // namespace pgha::cli
