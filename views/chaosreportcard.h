#pragma once

#include "chaos/chaosreport.h"

#include <QWidget>

class QLabel;

namespace pgha::views {

class ChaosLoadChart;
class ChaosPhaseBar;

// One chaos run as a card: the verdict (PASS green, FAIL red, ERROR grey), the RTO against the
// budget the timings predict (with its formula), the phases to scale, what was lost (RPO), the
// new leader and timeline, the rejoin, the reads, and every expectation with what decided it.
class ChaosReportCard : public QWidget {
    Q_OBJECT
public:
    explicit ChaosReportCard(QWidget *parent = nullptr);

    void setReport(const svc::ChaosReport &report);
    void clear();
    bool hasReport() const { return m_has; }
    const svc::ChaosReport &report() const { return m_report; }

    QLabel *verdictLabel() const { return m_verdict; }
    QLabel *rtoLabel() const { return m_rto; }
    QLabel *budgetLabel() const { return m_budget; }
    QLabel *factsLabel() const { return m_facts; }
    QLabel *expectationsLabel() const { return m_expectations; }
    ChaosPhaseBar *phaseBar() const { return m_bar; }
    ChaosLoadChart *loadChart() const { return m_loadChart; }

    static QColor verdictColor(const QString &verdict);
    // The phases the bar marks, in the report's order, with their short labels.
    static QString phaseLabel(const QString &key);

private:
    QString factsHtml() const;
    QString expectationsHtml() const;
    static QString loadRow(const svc::ChaosReport &r);

    svc::ChaosReport m_report;
    bool m_has = false;
    QWidget *m_content;
    QLabel *m_placeholder;
    QLabel *m_verdict;
    QLabel *m_title;
    QLabel *m_rto;
    QLabel *m_budget;
    ChaosPhaseBar *m_bar;
    ChaosLoadChart *m_loadChart;
    QLabel *m_unseen;
    QLabel *m_facts;
    QLabel *m_expectations;
    QLabel *m_error;
};

} // namespace pgha::views
