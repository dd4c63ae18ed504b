#pragma once

#include "chaos/chaosrunner.h"

#include <QObject>

namespace pgha::svc {

class HttpClient;

// N runs of one fault, one after another, each on a healthy cluster (a run waits for the last one's
// recovery) and each kept in the chaos run store as soon as it ends. Emits finished() once.
class ChaosSeries : public QObject {
    Q_OBJECT
public:
    ChaosSeries(QString labDir, ChaosOptions options, int iterations, QString storePath, HttpClient *http,
                QObject *parent = nullptr);
    // On the cluster `profile` describes (see ChaosRunner's profile constructor).
    ChaosSeries(Profile profile, ChaosOptions options, int iterations, QString storePath, HttpClient *http,
                QObject *parent = nullptr);

    // The profile of a series on another cluster, before start() (its passwords once resolved).
    void setProfile(Profile profile) { m_profile = std::move(profile); }
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    const QList<ChaosReport> &runs() const { return m_runs; }
    // The run in progress (nullptr between runs).
    const ChaosRunner *current() const { return m_current; }

signals:
    void runStarted(int iteration, int iterations);
    void stageChanged(const QString &text);
    void event(const pgha::svc::ChaosReport::Event &event);
    void faultInjected(const QString &target);
    void loadSample(double atS, double committedPerS, double faultAtS);
    void runFinished(const pgha::svc::ChaosReport &report);
    void storeError(const QString &error);
    void finished(const QList<pgha::svc::ChaosReport> &runs);

private:
    void next();

    QString m_labDir;
    std::optional<Profile> m_profile;
    ChaosOptions m_options;
    int m_iterations;
    QString m_storePath;
    HttpClient *m_http;
    QList<ChaosReport> m_runs;
    ChaosRunner *m_current = nullptr;   // a child; reset when it finishes
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace pgha::svc
