#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QProgressBar;

namespace pgha::models {
class LabProgressModel;
}

namespace pgha::views {

// The bundled lab while it starts or stops: overall progress, and one line per component
// with a state dot (pending, starting, ready, failed, stopping, stopped), its name in a column
// of its own, and what it is doing (for the Docker lab: building its image, created, health
// check pending, healthy); after a start, where its time went (LabBreakdownView).
class LabBreakdownView;

class LabPanel : public QWidget {
    Q_OBJECT
public:
    LabPanel(models::LabProgressModel *model, QWidget *parent = nullptr);

    void setBusy(bool busy);
    // "native" or "docker": the title says which lab this is.
    void setFlavor(const QString &flavor);

signals:
    // "Containers and logs" was clicked.
    void detailsRequested();

private:
    QLabel *m_title;
    QLabel *m_details;
    QLabel *m_stage;
    QProgressBar *m_bar;
    LabBreakdownView *m_breakdown;
    QListView *m_list;
};

} // namespace pgha::views
