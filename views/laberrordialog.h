#pragma once

#include <QDialog>

class QPlainTextEdit;
class QPushButton;

namespace pgha::views {

// Why the lab did not start, in full: the message can run over many lines (a failing image
// build step's output, a service's last log lines), so it gets a scrollable monospace box,
// then what to do. When the Docker lab cannot run here at all, it offers the native lab.
class LabErrorDialog : public QDialog {
    Q_OBJECT
public:
    LabErrorDialog(const QString &title, const QString &message, const QString &hint, bool offerNative,
                   QWidget *parent = nullptr);

    QPlainTextEdit *messageBox() const { return m_message; }
    QPushButton *nativeButton() const { return m_native; }   // nullptr when not offered

signals:
    void nativeRequested();

private:
    QPlainTextEdit *m_message;
    QPushButton *m_native = nullptr;
};

} // namespace pgha::views
