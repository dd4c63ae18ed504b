#pragma once

#include <QColor>
#include <QFrame>

class QLabel;

namespace pgha::views {

// The strip under the toolbar that says where the operator is: the profile's name and kind in
// the kind's colour (lab green, staging amber, production red and bold), whether operator
// actions are on, and notices that must stay visible (passwords kept for this session only).
// A colour, not only a word, because people read colour before text when they are in a hurry.
class EnvironmentBanner : public QFrame {
    Q_OBJECT
public:
    explicit EnvironmentBanner(QWidget *parent = nullptr);

    // `kind` is Profile::kindName(): "lab", "staging", "production" (anything else: grey).
    // `kindAssumed`: the profile names no kind and is treated as `kind` (production); said beside it.
    void setProfile(const QString &name, const QString &kind, bool actionsEnabled, const QString &detail, bool kindAssumed = false);
    void setNotice(const QString &text);   // empty hides it

    static QColor kindColor(const QString &kind);
    QColor color() const { return m_color; }
    QString kind() const { return m_kind; }
    QString text() const;                  // everything the banner says, for tests

private:
    QLabel *m_title;
    QLabel *m_actions;
    QLabel *m_detail;
    QLabel *m_notice;
    QColor m_color;
    QString m_kind;
};

} // namespace pgha::views
