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
// with a state dot (pending, starting, ready, failed, stopping, stopped) and what it is doing.
class LabPanel : public QWidget {
    Q_OBJECT
public:
    LabPanel(models::LabProgressModel *model, QWidget *parent = nullptr);

    void setBusy(bool busy);

private:
    QLabel *m_stage;
    QProgressBar *m_bar;
    QListView *m_list;
};

} // namespace pgha::views
