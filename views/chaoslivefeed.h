#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace pgha::svc {
class ChaosSeries;
}

namespace pgha::views {

// The live RTO of a chaos series, read from its run in progress every kTickMs: how long the
// outage has lasted so far (−1 before the fault), and whether the counter stands still — writes
// are acknowledged again, so that value is the RTO. The strip and the Chaos tab each follow the
// series through one of these, so they count alike without anyone pushing numbers into them.
class ChaosLiveFeed : public QObject {
    Q_OBJECT
public:
    static constexpr int kTickMs = 100;

    explicit ChaosLiveFeed(QObject *parent = nullptr);

    // Follows `series` from now until it finishes or goes (replaces any series followed before).
    void follow(const svc::ChaosSeries *series);

signals:
    void live(qint64 ms, std::optional<qint64> budgetMs, bool recovered);

private:
    void tick();

    QPointer<const svc::ChaosSeries> m_series;
    QTimer m_timer;
    qint64 m_lastMs = -1;
};

} // namespace pgha::views
