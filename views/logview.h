#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace pgha::svc {
class LogFollower;
}

namespace pgha::views {

// A lab component's log: pick the component, read its last lines, follow what it writes. It
// shows what a LogFollower (services/lab) reads and tells it what to read: the chosen
// component, while shown, followed or not.
// The text keeps the last kMaxLines lines; once older ones are dropped, a first line says so.
class LogView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxLines = 5000;

    explicit LogView(QWidget *parent = nullptr);

    // The follower to show and drive (its lab's components become the choices; pg1 first).
    void setFollower(svc::LogFollower *follower);

    // The components to choose from, in the lab's start order; keeps the choice when it is still there.
    void setComponents(const QStringList &names);
    QString component() const;
    void selectComponent(const QString &name);
    bool followChecked() const;

    // `dropped`: lines before these that never reached the view (the follower's batch was full).
    void appendLines(const QStringList &lines, qint64 dropped = 0);
    // The first line of the text once older lines were dropped.
    static QString droppedNote();
    void clearLog();
    // One line under the controls: where the lines come from, or why they stopped.
    void setStatus(const QString &text, bool error = false);

    QComboBox *componentPicker() const { return m_component; }
    QCheckBox *followBox() const { return m_follow; }
    QPushButton *clearButton() const { return m_clear; }
    QPlainTextEdit *text() const { return m_text; }
    QLabel *statusLabel() const { return m_status; }

signals:
    // The person chose another component, or turned following on or off.
    void componentChosen(const QString &name);
    void followToggled(bool follow);
    // Shown or hidden (its tab chosen or left, the window closed): a follower runs only while shown.
    void shownChanged(bool shown);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    // Reads the chosen component's log from its start again (while shown).
    void restart();

    svc::LogFollower *m_follower = nullptr;
    QComboBox *m_component;
    QCheckBox *m_follow;
    QPushButton *m_clear;
    QLabel *m_status;
    QPlainTextEdit *m_text;
    bool m_dropping = false;   // the text starts with droppedNote()
};

} // namespace pgha::views
