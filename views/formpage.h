#pragma once

#include <QFormLayout>
#include <QFrame>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QWidget>

namespace pgha::views {

// A form that scrolls when the dialog is short and keeps its rows together when it is tall
// (spare height goes below the form, not between its rows).
struct FormPage {
    QScrollArea *scroll;
    QWidget *page;       // parent for the form's composite fields
    QFormLayout *form;
};

inline FormPage makeFormPage(QWidget *parent)
{
    auto *scroll = new QScrollArea(parent);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    auto *outer = new QVBoxLayout(page);
    auto *form = new QFormLayout;
    outer->addLayout(form);
    outer->addStretch(1);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    scroll->setWidget(page);
    return {scroll, page, form};
}

} // namespace pgha::views
