#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace pgha::views {

// The operator journal (every action sent or refused, svc::Journal) as a table with the
// selected entry's whole story beside it: the exact request, its curl and patronictl forms,
// Patroni's answer, the cluster before and after, and each step.
class JournalView : public QWidget {
    Q_OBJECT
public:
    enum Column { Time, Profile, Action, Target, Result, Summary, WriteGap, ColumnCount };

    explicit JournalView(QWidget *parent = nullptr);

    void setJournalPath(const QString &path);
    QString journalPath() const { return m_path; }
    void refresh();                                  // re-read the file
    svc::Result<bool> exportTo(const QString &file);  // atomic JSONL copy

    int entryCount() const { return int(m_entries.size()); }
    QTableWidget *table() const { return m_table; }
    QTextBrowser *details() const { return m_details; }
    QLabel *statusLabel() const { return m_status; }

    static QString detailsHtml(const QJsonObject &entry);

private:
    void showEntry(int row);
    void askExport();

    QString m_path;
    QList<QJsonObject> m_entries;    // newest first, as shown
    QTableWidget *m_table;
    QTextBrowser *m_details;
    QLabel *m_status;
    QPushButton *m_export;
};

} // namespace pgha::views
