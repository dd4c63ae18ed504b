#include "chaosstrip.h"

#include "chaoslivefeed.h"
#include "chaosliveview.h"
#include "chaosreportcard.h"
#include "rolecolors.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "chaos/chaosseries.h"

namespace pgha::views {

namespace {
constexpr double kCounterPointScale = 1.8;
const QColor kRunning(0x15, 0x65, 0xc0);
}

ChaosStrip::ChaosStrip(QWidget *parent)
    : QFrame(parent),
      m_title(new QLabel(this)),
      m_stage(new QLabel(this)),
      m_counter(new QLabel(this)),
      m_caption(new QLabel(this)),
      m_leaderKey(new QLabel(this)),
      m_report(new QPushButton(tr("Report card"), this)),
      m_cancel(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"), this)),
      m_close(new QPushButton(this)),
      m_feed(new ChaosLiveFeed(this))
{
    setObjectName(QStringLiteral("chaosStrip"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_title->setObjectName(QStringLiteral("chaosStripTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_stage->setObjectName(QStringLiteral("chaosStripStage"));
    m_stage->setStyleSheet(QStringLiteral("color: gray"));
    m_stage->setMinimumWidth(120);
    m_stage->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);   // elided by width, never widening the window
    m_counter->setObjectName(QStringLiteral("chaosStripRto"));
    QFont big = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    big.setPointSizeF(font().pointSizeF() * kCounterPointScale);
    big.setBold(true);
    m_counter->setFont(big);
    m_counter->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_counter->setMinimumWidth(QFontMetrics(big).horizontalAdvance(QStringLiteral("000.0 s")));
    m_report->setObjectName(QStringLiteral("chaosStripReport"));
    m_cancel->setObjectName(QStringLiteral("chaosStripCancel"));
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setFlat(true);
    m_close->setToolTip(tr("Hide this strip (the Chaos tab keeps every run)"));

    auto *text = new QVBoxLayout;
    text->setSpacing(0);
    text->addWidget(m_title);
    text->addWidget(m_stage);
    m_caption->setStyleSheet(QStringLiteral("color: gray"));
    m_caption->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 4, 6, 4);
    layout->addLayout(text, 1);
    m_leaderKey->setObjectName(QStringLiteral("chaosStripLeaderKey"));
    m_leaderKey->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold"));
    m_leaderKey->hide();
    layout->addWidget(m_leaderKey);
    layout->addSpacing(8);
    layout->addWidget(m_caption);
    layout->addWidget(m_counter);
    layout->addSpacing(8);
    layout->addWidget(m_report);
    layout->addWidget(m_cancel);
    layout->addWidget(m_close);

    connect(m_report, &QPushButton::clicked, this, &ChaosStrip::reportRequested);
    connect(m_cancel, &QPushButton::clicked, this, &ChaosStrip::cancelRequested);
    connect(m_close, &QPushButton::clicked, this, [this] {
        m_active = false;
        updateVisibility();
    });
    updateVisibility();
}

void ChaosStrip::follow(const svc::ChaosSeries *series, const QString &title)
{
    connect(series, &svc::ChaosSeries::runStarted, this,
            [this, title](int iteration, int iterations) { startRun(title, iteration, iterations); });
    connect(series, &svc::ChaosSeries::stageChanged, this, &ChaosStrip::setStage);
    connect(series, &svc::ChaosSeries::runFinished, this, &ChaosStrip::finishRun);
    m_feed->disconnect(this);
    connect(m_feed, &ChaosLiveFeed::live, this,
            [this](qint64 ms, std::optional<qint64> budgetMs, bool recovered) { setLive(ms, recovered, budgetMs); });
    m_feed->follow(series);
}

void ChaosStrip::setLeaderKey(const QString &text)
{
    if (text == m_leaderKey->text() && m_leaderKey->isVisible() == !text.isEmpty())
        return;
    m_leaderKey->setText(text);
    m_leaderKey->setVisible(!text.isEmpty());
}

void ChaosStrip::startRun(const QString &title, int iteration, int iterations)
{
    m_active = true;
    m_title->setText(iterations > 1 ? tr("<b>%1</b> · run %2 of %3").arg(title.toHtmlEscaped()).arg(iteration).arg(iterations)
                                    : tr("<b>%1</b>").arg(title.toHtmlEscaped()));
    m_stage->clear();
    m_report->hide();
    m_cancel->show();
    m_close->hide();
    setLive(-1, false);
    updateVisibility();
}

void ChaosStrip::setStage(const QString &text)
{
    m_stage->setText(m_stage->fontMetrics().elidedText(text, Qt::ElideRight, std::max(120, m_stage->width())));
    m_stage->setToolTip(text);
}

void ChaosStrip::setLive(qint64 ms, bool recovered, std::optional<qint64> budgetMs)
{
    m_caption->setText(budgetMs ? tr("RTO\nbudget %1").arg(ChaosLiveView::counterText(*budgetMs)) : tr("RTO"));
    m_counter->setText(ChaosLiveView::counterText(ms));
    const QColor color = ms < 0 ? QColor(0x9e, 0x9e, 0x9e) : recovered ? healthColor(true) : kRunning;
    m_counter->setStyleSheet(QStringLiteral("color: %1").arg(color.name()));
}

void ChaosStrip::finishRun(const svc::ChaosReport &r)
{
    const QColor color = ChaosReportCard::verdictColor(r.verdict);
    m_title->setText(tr("<b>%1</b> · <span style='color:white; background:%2; font-weight:800'>&nbsp;%3&nbsp;</span>")
                             .arg(r.faultTitle.toHtmlEscaped(), color.name(), r.verdict));
    QString summary = r.error.isEmpty() ? tr("budget %1").arg(svc::formatSeconds(r.budgetMs)) : r.error;
    if (r.rpo.checked)
        summary += tr(" · %1 of %2 acknowledged writes lost").arg(r.rpo.missing).arg(r.rpo.acknowledged);
    if (!r.newLeader.isEmpty() && r.newLeader != r.oldLeader)
        summary += tr(" · %1 → %2").arg(r.oldLeader, r.newLeader);
    setStage(summary);
    m_counter->setText(svc::formatSeconds(r.rtoMs));
    m_counter->setStyleSheet(QStringLiteral("color: %1").arg(color.name()));
    m_caption->setText(tr("RTO"));
    m_report->show();
    m_cancel->hide();
    m_close->show();
}

void ChaosStrip::setCoveredByTab(bool covered)
{
    m_covered = covered;
    updateVisibility();
}

void ChaosStrip::updateVisibility()
{
    setVisible(m_active && !m_covered);
}

} // namespace pgha::views
