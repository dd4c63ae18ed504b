#include "logview.h"

#include "lab/logfollower.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShowEvent>
#include <QTextBlock>
#include <QTextCursor>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
constexpr char kDefaultComponent[] = "pg1";
}

LogView::LogView(QWidget *parent)
    : QWidget(parent),
      m_component(new QComboBox(this)),
      m_follow(new QCheckBox(tr("Follow"), this)),
      m_clear(new QPushButton(tr("Clear"), this)),
      m_status(new QLabel(this)),
      m_text(new QPlainTextEdit(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *controls = new QHBoxLayout;
    auto *label = new QLabel(tr("Log of"), this);
    label->setBuddy(m_component);
    controls->addWidget(label);
    m_component->setObjectName(QStringLiteral("logComponent"));
    m_component->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    controls->addWidget(m_component);
    m_follow->setObjectName(QStringLiteral("logFollow"));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep showing what the component writes (its last lines first)"));
    controls->addWidget(m_follow);
    m_clear->setObjectName(QStringLiteral("logClear"));
    controls->addWidget(m_clear);
    controls->addSpacing(8);
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    controls->addWidget(m_status, 1);
    layout->addLayout(controls);

    m_text->setObjectName(QStringLiteral("logText"));
    m_text->setReadOnly(true);
    m_text->setUndoRedoEnabled(false);   // an undo history would keep every dropped line
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(tr("Choose a component to read its log."));
    layout->addWidget(m_text, 1);

    connect(m_component, &QComboBox::activated, this, [this] { emit componentChosen(component()); });
    connect(m_follow, &QCheckBox::toggled, this, &LogView::followToggled);
    connect(m_clear, &QPushButton::clicked, this, &LogView::clearLog);
}

void LogView::setFollower(svc::LogFollower *follower)
{
    m_follower = follower;
    using svc::LogFollower;
    // The follower may go first (with the lab controller) while this view still hides as the window goes.
    connect(follower, &QObject::destroyed, this, [this] { m_follower = nullptr; });
    connect(this, &LogView::componentChosen, this, &LogView::restart);
    connect(this, &LogView::shownChanged, this, [this](bool shown) {
        if (shown)
            restart();
        else if (m_follower)
            m_follower->stop();
    });
    connect(this, &LogView::followToggled, this, [this](bool follow) {
        if (follow) {
            restart();
        } else if (m_follower) {
            m_follower->stop();
            setStatus(tr("not following %1 (tick Follow to read on)").arg(component()));
        }
    });
    connect(follower, &LogFollower::sourceChanged, this, [this](const QStringList &components) {
        const bool firstFill = component().isEmpty();
        setComponents(components);
        if (firstFill) {
            const QSignalBlocker quiet(this);   // restarted once, below
            selectComponent(QString::fromLatin1(kDefaultComponent));
        }
        restart();
    });
    connect(follower, &LogFollower::linesArrived, this, &LogView::appendLines);
    connect(follower, &LogFollower::started, this, [this, follower](const QString &name, const QString &how) {
        setStatus(follower->isFollowing() ? tr("following %1 — %2").arg(name, how)
                                            : tr("the last %1 lines of %2 — %3").arg(LogFollower::kTailLines).arg(name, how));
    });
    connect(follower, &LogFollower::waiting, this, [this](const QString &, const QString &why) {
        setStatus(tr("%1 (Lab → Start lab)").arg(why));
    });
    connect(follower, &LogFollower::ended, this, [this](const QString &name, const QString &error) {
        if (!error.isEmpty())
            setStatus(error, true);
        else if (followChecked())   // `logs --follow` ends when the container does
            setStatus(tr("%1's log ended: its container stopped or is gone; choose it again to read on").arg(name));
        else
            setStatus(tr("the last %1 lines of %2 (tick Follow to keep reading)").arg(LogFollower::kTailLines).arg(name));
    });
    // Its lab may have been chosen before this view listened.
    const QSignalBlocker quiet(this);
    setComponents(follower->components());
    selectComponent(QString::fromLatin1(kDefaultComponent));
}

void LogView::restart()
{
    if (!m_follower || !isVisible() || component().isEmpty())
        return;
    m_follower->stop();
    clearLog();
    setStatus(tr("reading %1's log…").arg(component()));
    m_follower->start(component(), followChecked());
}

void LogView::setComponents(const QStringList &names)
{
    const QString current = component();
    QStringList existing;
    for (int i = 0; i < m_component->count(); ++i)
        existing << m_component->itemText(i);
    if (existing == names)
        return;
    const QSignalBlocker block(m_component);
    m_component->clear();
    m_component->addItems(names);
    const int keep = m_component->findText(current);
    m_component->setCurrentIndex(keep >= 0 ? keep : (names.isEmpty() ? -1 : 0));
}

QString LogView::component() const
{
    return m_component->currentText();
}

void LogView::selectComponent(const QString &name)
{
    const int i = m_component->findText(name);
    if (i < 0 || i == m_component->currentIndex())
        return;
    m_component->setCurrentIndex(i);
    emit componentChosen(name);
}

bool LogView::followChecked() const
{
    return m_follow->isChecked();
}

QString LogView::droppedNote()
{
    return tr("[older lines dropped: this view keeps the last %1 lines]").arg(kMaxLines);
}

void LogView::appendLines(const QStringList &lines, qint64 dropped)
{
    // Stay at the end while the reader is there; leave them where they are when they scrolled up.
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    m_text->appendPlainText(lines.join(QLatin1Char('\n')));
    // Not QPlainTextEdit's maximumBlockCount: it would drop the note with the oldest lines. The
    // note is said once, as the first line, and the lines after it are trimmed here.
    const int note = m_dropping ? 1 : 0;
    const int excess = m_text->document()->blockCount() - note - kMaxLines;
    if (excess > 0 || dropped > 0) {
        QTextCursor cursor(m_text->document()->findBlockByNumber(note));
        if (excess > 0) {
            cursor.movePosition(QTextCursor::NextBlock, QTextCursor::KeepAnchor, excess);
            cursor.removeSelectedText();
        }
        if (!m_dropping) {
            cursor.insertText(droppedNote() + QLatin1Char('\n'));
            m_dropping = true;
        }
    }
    if (atEnd)
        bar->setValue(bar->maximum());
}

void LogView::clearLog()
{
    m_text->clear();
    m_dropping = false;
}

void LogView::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setToolTip(text);
    m_status->setStyleSheet(error ? QStringLiteral("QLabel { color: #c62828; }") : QStringLiteral("QLabel { color: gray; }"));
}

void LogView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!event->spontaneous())
        emit shownChanged(true);
}

void LogView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    if (!event->spontaneous())
        emit shownChanged(false);
}

} // namespace pgha::views
