#include "environmentbanner.h"

#include <QHBoxLayout>
#include <QLabel>

namespace pgha::views {

namespace {
constexpr int kBannerPadding = 6;
}

EnvironmentBanner::EnvironmentBanner(QWidget *parent)
    : QFrame(parent),
      m_title(new QLabel(this)),
      m_actions(new QLabel(this)),
      m_detail(new QLabel(this)),
      m_notice(new QLabel(this))
{
    setObjectName(QStringLiteral("environmentBanner"));
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(kBannerPadding * 2, kBannerPadding, kBannerPadding * 2, kBannerPadding);
    m_title->setObjectName(QStringLiteral("bannerTitle"));
    m_actions->setObjectName(QStringLiteral("bannerActions"));
    m_detail->setObjectName(QStringLiteral("bannerDetail"));
    m_notice->setObjectName(QStringLiteral("bannerNotice"));
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setWordWrap(true);
    m_notice->hide();
    layout->addWidget(m_title);
    layout->addSpacing(16);
    layout->addWidget(m_actions);
    layout->addSpacing(16);
    layout->addWidget(m_detail, 1);
    layout->addWidget(m_notice, 1);
    setProfile(tr("no profile"), QString(), false, QString());
}

QColor EnvironmentBanner::kindColor(const QString &kind)
{
    if (kind == u"lab")
        return QColor(0x2e, 0x7d, 0x32);   // green
    if (kind == u"staging")
        return QColor(0xef, 0x8f, 0x00);   // amber
    if (kind == u"production")
        return QColor(0xc6, 0x28, 0x28);   // red
    return QColor(0x75, 0x75, 0x75);
}

void EnvironmentBanner::setProfile(const QString &name, const QString &kind, bool actionsEnabled, const QString &detail, bool kindAssumed)
{
    m_kind = kind;
    m_color = kindColor(kind);
    QPalette p = palette();
    p.setColor(QPalette::Window, m_color);
    p.setColor(QPalette::WindowText, Qt::white);
    setPalette(p);
    const bool production = kind == u"production";
    // Production shouts: bold and larger, so nobody mistakes it for the lab.
    m_title->setText(QStringLiteral("<span style='font-size:%1pt; font-weight:%2'>%3</span>&nbsp;&nbsp;<b>%4</b>")
                             .arg(production ? 15 : 13)
                             .arg(production ? 800 : 600)
                             .arg(name.toHtmlEscaped(), kind.isEmpty() ? QString() : kind.toUpper().toHtmlEscaped())
                     + (kindAssumed ? QStringLiteral("&nbsp;&nbsp;(%1)").arg(tr("kind not set — treated as %1").arg(kind).toHtmlEscaped())
                                    : QString()));
    m_actions->setText(actionsEnabled ? tr("actions on") : tr("actions off — enable in the profile editor"));
    m_actions->setToolTip(actionsEnabled ? tr("Switchover, restart … are offered for this profile")
                                         : tr("This profile does not allow operator actions (File → Profiles…, \"Actions enabled\")"));
    m_detail->setText(detail);
}

void EnvironmentBanner::setNotice(const QString &text)
{
    m_notice->setText(text.isEmpty() ? QString() : QStringLiteral("⚠ ") + text);
    m_notice->setVisible(!text.isEmpty());
}

QString EnvironmentBanner::text() const
{
    return QStringList{m_title->text(), m_actions->text(), m_detail->text(), m_notice->text()}.join(QLatin1Char('\n'));
}

} // namespace pgha::views
