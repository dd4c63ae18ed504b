#include "chaosreportcard.h"
#include "chaosloadchart.h"

#include "chaosphasebar.h"
#include "rolecolors.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

// The phases a failover goes through, in the order DESIGN §5 names them.
const char *const kBarPhases[] = {"haproxy_old_down", "leader_key_gone", "new_leader_key",
                                  "new_primary_200",  "haproxy_new_up",  "first_write"};
constexpr double kRtoPointScale = 2.0;

QString sec(std::optional<qint64> ms)
{
    return svc::formatSeconds(ms);
}

QString row(const QString &key, const QString &value)
{
    return QStringLiteral("<tr><td style='color:gray; padding-right:12px'>%1</td><td>%2</td></tr>").arg(key.toHtmlEscaped(), value);
}

QString localTime(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")) : iso;
}

} // namespace

QColor ChaosReportCard::verdictColor(const QString &verdict)
{
    if (verdict == u"PASS")
        return healthColor(true);
    if (verdict == u"FAIL")
        return healthColor(false);
    return QColor(0x61, 0x61, 0x61);
}

QString ChaosReportCard::phaseLabel(const QString &key)
{
    static const QHash<QString, QString> labels{
        {QStringLiteral("haproxy_old_down"), tr("HAProxy: old DOWN")},
        {QStringLiteral("leader_key_gone"), tr("leader key gone")},
        {QStringLiteral("new_leader_key"), tr("new leader key")},
        {QStringLiteral("new_primary_200"), tr("/primary 200")},
        {QStringLiteral("haproxy_new_up"), tr("HAProxy: new UP")},
        {QStringLiteral("first_write"), tr("first write")},
    };
    return labels.value(key, key);
}

ChaosReportCard::ChaosReportCard(QWidget *parent)
    : QWidget(parent),
      m_content(new QWidget(this)),
      m_placeholder(new QLabel(this)),
      m_verdict(new QLabel(m_content)),
      m_title(new QLabel(m_content)),
      m_rto(new QLabel(m_content)),
      m_budget(new QLabel(m_content)),
      m_bar(new ChaosPhaseBar(m_content)),
      m_loadChart(new ChaosLoadChart(m_content)),
      m_unseen(new QLabel(m_content)),
      m_facts(new QLabel(m_content)),
      m_expectations(new QLabel(m_content)),
      m_error(new QLabel(m_content))
{
    setObjectName(QStringLiteral("chaosReportCard"));
    m_verdict->setObjectName(QStringLiteral("chaosVerdict"));
    m_verdict->setAlignment(Qt::AlignCenter);
    m_verdict->setMinimumWidth(72);
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_rto->setObjectName(QStringLiteral("chaosRto"));
    QFont big = m_rto->font();
    big.setPointSizeF(big.pointSizeF() * kRtoPointScale);
    big.setBold(true);
    m_rto->setFont(big);
    m_budget->setObjectName(QStringLiteral("chaosBudget"));
    m_budget->setTextFormat(Qt::RichText);
    m_budget->setWordWrap(true);
    m_unseen->setStyleSheet(QStringLiteral("color: gray"));
    m_unseen->setWordWrap(true);
    for (QLabel *l : {m_facts, m_expectations}) {
        l->setTextFormat(Qt::RichText);
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    }
    m_facts->setObjectName(QStringLiteral("chaosFacts"));
    m_expectations->setObjectName(QStringLiteral("chaosExpectations"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->setWordWrap(true);

    // Verdict, fault and RTO on one line; the budget under it; then the phases to scale; then
    // facts on the left and expectations on the right: one glance at 1280×800.
    auto *head = new QHBoxLayout;
    head->addWidget(m_verdict);
    head->addWidget(m_title, 1);
    auto *rtoCaption = new QLabel(tr("RTO"), m_content);
    rtoCaption->setStyleSheet(QStringLiteral("color: gray"));
    head->addWidget(rtoCaption, 0, Qt::AlignBottom);
    head->addWidget(m_rto, 0, Qt::AlignBottom);
    auto *columns = new QHBoxLayout;
    columns->addWidget(m_facts, 5);
    columns->addSpacing(12);
    columns->addWidget(m_expectations, 4);

    auto *layout = new QVBoxLayout(m_content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(head);
    layout->addWidget(m_budget);
    layout->addWidget(m_error);
    layout->addWidget(m_bar);
    layout->addWidget(m_unseen);
    layout->addWidget(m_loadChart);
    layout->addLayout(columns);
    layout->addStretch(1);

    m_placeholder->setObjectName(QStringLiteral("chaosReportPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setStyleSheet(QStringLiteral("color: gray"));
    m_placeholder->setText(tr("No run yet.\nChoose a fault and press Run, or use Actions → Failover demo."));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 8, 8, 8);
    outer->addWidget(m_placeholder, 1);
    outer->addWidget(m_content, 1);
    clear();
}

void ChaosReportCard::clear()
{
    m_has = false;
    m_report = {};
    m_content->hide();
    m_placeholder->show();
    m_bar->clear();
    m_loadChart->hide();
}

void ChaosReportCard::setReport(const svc::ChaosReport &r)
{
    m_report = r;
    m_has = true;
    m_placeholder->hide();
    m_content->show();
    m_loadChart->setReport(r);

    const QColor color = verdictColor(r.verdict);
    m_verdict->setText(r.verdict.isEmpty() ? QStringLiteral("?") : r.verdict);
    m_verdict->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; font-weight: 800; font-size: 14pt;"
                                            " border-radius: 4px; padding: 4px 10px; }").arg(color.name()));
    m_title->setText(tr("<b style='font-size:12pt'>%1</b><br><span style='color:gray'>run %2 of %3 · %4 · hit %5</span>")
                             .arg(r.faultTitle.toHtmlEscaped())
                             .arg(r.iteration)
                             .arg(r.iterations)
                             .arg(localTime(r.startedAt), r.target.isEmpty() ? tr("—") : r.target.toHtmlEscaped()));
    m_title->setToolTip(r.faultWhat);

    m_rto->setText(sec(r.rtoMs));
    m_rto->setStyleSheet(QStringLiteral("color: %1").arg(color.name()));
    QString budget;
    if (r.budgetMs) {
        const bool within = r.rtoMs && *r.rtoMs <= *r.budgetMs;
        const QString verdict = !r.rtoMs ? tr("no outage measured; budget")
                                : within ? tr("<span style='color:%1'>within the budget</span> of").arg(healthColor(true).name())
                                         : tr("<span style='color:%1'>%2 over the budget</span> of").arg(healthColor(false).name(),
                                                                                                     sec(*r.rtoMs - *r.budgetMs));
        budget = tr("%1 <b>%2</b> = %3 · write gap %4").arg(verdict, sec(r.budgetMs), r.budgetFormula.toHtmlEscaped(), sec(r.writeGapMs));
    } else {
        budget = tr("no budget (the timings were not read) · write gap %1").arg(sec(r.writeGapMs));
    }
    // Under load, what pgbench saw belongs beside the probe's gap, not only at the bottom.
    if (r.load)
        budget += tr(" · <b>pgbench</b>: no commit for %1, throughput back at %2")
                          .arg(sec(r.load->gapMs), r.load->throughputRecoveryMs ? sec(r.load->throughputRecoveryMs) : tr("— (not within the tail)"));
    m_budget->setText(budget);
    m_error->setVisible(!r.error.isEmpty());
    m_error->setText(tr("The run could not be completed: %1").arg(r.error));

    // Phases seen at the same (shown) time share one label: fewer rows, same information.
    QList<ChaosPhaseBar::Mark> marks;
    QStringList unseen;
    for (const char *key : kBarPhases) {
        const svc::ChaosReport::Phase *p = r.phase(QLatin1String(key));
        if (!p)
            continue;
        if (!p->atMs) {
            unseen << phaseLabel(p->key);
            continue;
        }
        const QString tip = p->detail.isEmpty() ? p->title : QStringLiteral("%1 (%2)").arg(p->title, p->detail);
        auto same = std::find_if(marks.begin(), marks.end(), [&](const auto &m) { return sec(m.atMs) == sec(p->atMs); });
        if (same != marks.end()) {
            same->label = QStringLiteral("%1, %2 %3").arg(same->label.section(QStringLiteral(" "), 0, -3), phaseLabel(p->key), sec(p->atMs));
            same->tooltip += QLatin1Char('\n') + tip;
            continue;
        }
        marks.append({QStringLiteral("%1 %2").arg(phaseLabel(p->key), sec(p->atMs)), tip, *p->atMs});
    }
    m_bar->setRun(r.rtoMs, r.budgetMs, marks, r.passed());
    m_unseen->setVisible(!unseen.isEmpty());
    m_unseen->setText(tr("Not seen by the polls (every 100 ms): %1").arg(unseen.join(QStringLiteral(", "))));
    m_facts->setText(factsHtml());
    m_expectations->setText(expectationsHtml());
}

QString ChaosReportCard::factsHtml() const
{
    const auto &r = m_report;
    QString rpo;
    if (r.rpo.checked)
        rpo = tr("<b>%1</b> of %2 acknowledged writes lost%3 <span style='color:gray'>(read back on %4)</span>")
                      .arg(r.rpo.missing)
                      .arg(r.rpo.acknowledged)
                      .arg(r.rpo.lsnGapBytes ? tr(" · WAL gap %1 B").arg(*r.rpo.lsnGapBytes) : QString(), r.rpo.checkedOn.toHtmlEscaped());
    else
        rpo = tr("not checked%1").arg(r.rpo.note.isEmpty() ? QString() : QStringLiteral(": ") + r.rpo.note.toHtmlEscaped());
    auto tl = [](const std::optional<qint64> &t) { return t ? QString::number(*t) : QStringLiteral("?"); };
    const QString leader = r.newLeader.isEmpty() || r.newLeader == r.oldLeader
                                   ? tr("%1 stayed leader · timeline %2").arg(r.oldLeader.isEmpty() ? tr("?") : r.oldLeader, tl(r.newTimeline))
                                   : tr("%1 → <b>%2</b> · timeline %3 → %4").arg(r.oldLeader.isEmpty() ? tr("?") : r.oldLeader, r.newLeader,
                                                                               tl(r.oldTimeline), tl(r.newTimeline));
    QString rejoin;
    if (r.rejoin.state.isEmpty() || r.rejoin.state == u"not_applicable")
        rejoin = tr("not applicable");
    else
        rejoin = tr("%1: %2%3%4").arg(r.rejoin.member.toHtmlEscaped(), r.rejoin.state.toHtmlEscaped(),
                                      r.rejoin.ms ? tr(" after %1").arg(sec(r.rejoin.ms)) : QString(),
                                      r.rejoin.note.isEmpty() ? QString() : QStringLiteral(" — ") + r.rejoin.note.toHtmlEscaped());
    const QString reads = tr("%1 of %2 answered on the read-only port · longest gap %3%4")
                                  .arg(r.reads.succeeded)
                                  .arg(r.reads.attempted)
                                  .arg(sec(r.reads.longestGapMs >= 0 ? std::optional<qint64>(r.reads.longestGapMs) : std::nullopt),
                                       r.reads.answeredBy.isEmpty() ? QString() : tr(" · by %1").arg(r.reads.answeredBy.join(QStringLiteral(", "))));
    const QString writes = tr("%1 acknowledged, %2 failed on the read-write port (one every %3 ms)")
                                   .arg(r.writes.acknowledged)
                                   .arg(r.writes.failed)
                                   .arg(r.writes.intervalMs);
    const QString timings = tr("%1 · ttl %2 · loop_wait %3 · retry_timeout %4 · synchronous_mode %5 · failsafe_mode %6%7")
                                    .arg(r.flavor == u"profile" ? tr("the cluster's")
                                         : r.preset.isEmpty()    ? tr("custom")
                                                                 : r.preset)
                                    .arg(r.ttl)
                                    .arg(r.loopWait)
                                    .arg(r.retryTimeout)
                                    .arg(r.synchronousMode ? tr("on") : tr("off"), r.failsafeMode ? tr("on") : tr("off"),
                                         r.paused ? tr(" · <b>paused</b>") : QString());
    return QStringLiteral("<table cellspacing=0 cellpadding=1>") + row(tr("RPO"), rpo) + row(tr("Leader"), leader)
           + row(tr("Rejoin"), rejoin) + row(tr("Reads"), reads) + row(tr("Writes"), writes) + row(tr("Timings"), timings)
           + (r.cluster.isEmpty() ? QString() : row(tr("Cluster"), r.cluster.toHtmlEscaped())) + loadRow(r) + QStringLiteral("</table>");
}

// pgbench through the fault: its gap beside the probe's, and when throughput came back.
QString ChaosReportCard::loadRow(const svc::ChaosReport &r)
{
    if (!r.load)
        return {};
    const svc::ChaosLoadReport &l = *r.load;
    const QString text = tr("%1 · %2 tps before · <b>no commit for %3</b> (from %4) · throughput back at <b>%5</b> · "
                            "p99 %6 → %7 ms · %8 committed, %9 aborted client(s), %10 restart(s)%11")
                                 .arg(l.workload.toHtmlEscaped())
                                 .arg(l.preFaultTps ? QString::number(*l.preFaultTps, 'f', 0) : QStringLiteral("—"))
                                 .arg(sec(l.gapMs), sec(l.gapStartMs), sec(l.throughputRecoveryMs))
                                 .arg(l.p99BeforeMs ? QString::number(*l.p99BeforeMs, 'f', 1) : QStringLiteral("—"),
                                      l.p99AfterMs ? QString::number(*l.p99AfterMs, 'f', 1) : QStringLiteral("—"))
                                 .arg(l.committed)
                                 .arg(l.abortedClients)
                                 .arg(l.restarts)
                                 .arg(l.error.isEmpty() ? QString() : QStringLiteral(" · ") + l.error.toHtmlEscaped());
    return row(tr("Load"), text);
}

QString ChaosReportCard::expectationsHtml() const
{
    if (m_report.expectations.isEmpty())
        return tr("<span style='color:gray'>No expectation was judged (the run did not get that far).</span>");
    QString out = tr("<b>Expectations</b><table cellspacing=0 cellpadding=2>");
    for (const auto &e : m_report.expectations)
        out += QStringLiteral("<tr><td valign=top style='color:%1; font-weight:bold; padding-right:6px'>%2</td>"
                              "<td>%3<br><span style='color:gray'>%4</span></td></tr>")
                       .arg(healthColor(e.passed).name(), e.passed ? tr("PASS") : tr("FAIL"), e.text.toHtmlEscaped(),
                            e.decidedBy.toHtmlEscaped());
    return out + QStringLiteral("</table>");
}

} // namespace pgha::views
