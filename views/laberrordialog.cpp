#include "laberrordialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace pgha::views {

namespace {
constexpr int kWidth = 720;
constexpr int kIconSize = 40;
constexpr int kMinLines = 3;
constexpr int kMaxLines = 22;   // longer messages scroll
constexpr int kWrapSlack = 3;   // lines wider than the box wrap: room for a few
}

LabErrorDialog::LabErrorDialog(const QString &title, const QString &message, const QString &hint, bool offerNative,
                               QWidget *parent)
    : QDialog(parent), m_message(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("labErrorDialog"));
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);

    auto *head = new QHBoxLayout;
    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(kIconSize, kIconSize));
    icon->setAlignment(Qt::AlignTop);
    head->addWidget(icon);
    auto *heading = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), this);
    heading->setObjectName(QStringLiteral("labErrorTitle"));
    head->addWidget(heading, 1);
    layout->addLayout(head);

    layout->addWidget(new QLabel(tr("What failed:"), this));
    m_message->setObjectName(QStringLiteral("labErrorMessage"));
    m_message->setReadOnly(true);
    m_message->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_message->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_message->setPlainText(message);
    // As tall as the message (a one-line "daemon is not running" gets no empty acre).
    const int needed = static_cast<int>(message.count(QLatin1Char('\n'))) + kWrapSlack;
    const int lines = std::clamp(needed, kMinLines, kMaxLines);
    const int height = m_message->fontMetrics().lineSpacing() * lines + 2 * m_message->frameWidth() + 8;
    m_message->setMinimumHeight(height);
    if (needed <= kMaxLines)
        m_message->setMaximumHeight(height);   // short: hug it; long: the box grows with the dialog
    layout->addWidget(m_message, 1);

    if (!hint.isEmpty()) {
        auto *hintLabel = new QLabel(tr("<b>What to do:</b> %1").arg(hint.toHtmlEscaped()), this);
        hintLabel->setObjectName(QStringLiteral("labErrorHint"));
        hintLabel->setWordWrap(true);
        hintLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(hintLabel);
    }

    layout->addStretch();   // a dialog made taller than it needs grows here, not between the lines
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    if (offerNative) {
        m_native = buttons->addButton(tr("Start the native lab instead"), QDialogButtonBox::AcceptRole);
        m_native->setObjectName(QStringLiteral("startNativeInstead"));
        m_native->setToolTip(tr("The same topology and ports as local processes, without Docker"));
        connect(m_native, &QPushButton::clicked, this, [this] {
            emit nativeRequested();
            accept();
        });
    }
    auto *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [message, hint] {
        QApplication::clipboard()->setText(hint.isEmpty() ? message : message + QStringLiteral("\n\n") + hint);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(kWidth, sizeHint().height());
}

} // namespace pgha::views
