#pragma once

#include "patroni/patronitypes.h"

#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace pgha::views {

// Patroni's dynamic configuration as a form: the timings, the failover limits and the
// PostgreSQL parameters. Every edit rebuilds the JSON merge patch, its diff against what the
// cluster has and the checks the merged result must pass (loop_wait + 2 × retry_timeout ≤ ttl …),
// so the operator sees the consequence before anything is sent. Sending goes through the same
// action dialog as every other action (patchReady()).
class ConfigEditorDialog : public QDialog {
    Q_OBJECT
public:
    ConfigEditorDialog(const svc::PatroniDynamicConfig &current, const QString &clusterName, QWidget *parent = nullptr);

    QJsonObject patch() const { return m_patch; }
    QStringList errors() const { return m_errors; }
    QStringList warnings() const { return m_warnings; }

    // For tests.
    QSpinBox *ttlBox() const { return m_ttl; }
    QSpinBox *loopWaitBox() const { return m_loopWait; }
    QSpinBox *retryTimeoutBox() const { return m_retryTimeout; }
    QCheckBox *synchronousBox() const { return m_synchronous; }
    QTableWidget *parameterTable() const { return m_parameters; }
    QTableWidget *diffTable() const { return m_diff; }
    QLabel *checkLabel() const { return m_check; }
    QPushButton *reviewButton() const { return m_review; }
    void addParameter(const QString &name, const QString &value);

signals:
    void patchReady(const QJsonObject &patch);

private:
    QWidget *buildForm();
    void rebuild();

    svc::PatroniDynamicConfig m_current;
    QJsonObject m_patch;
    QStringList m_errors;
    QStringList m_warnings;
    bool m_filling = false;

    QSpinBox *m_ttl;
    QSpinBox *m_loopWait;
    QSpinBox *m_retryTimeout;
    QLineEdit *m_maxLag;
    QCheckBox *m_synchronous;
    QCheckBox *m_failsafe;
    QTableWidget *m_parameters;
    QTableWidget *m_diff;
    QLabel *m_check;
    QPushButton *m_review;
};

} // namespace pgha::views
