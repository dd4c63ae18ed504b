#pragma once

// A self-contained report a thesis can print: method (what was injected, how each figure is
// measured, the budget's formula), environment (the cluster's timings and versions, the
// machine), tables and figures. Written as HTML (figures inline as SVG) or PDF (QTextDocument
// on QPdfWriter, figures drawn as vectors) from the same blocks.
#include "experiment/experimentstats.h"
#include "experiment/experimentstore.h"
#include "reportfigures.h"

#include <QList>
#include <QString>

#include <optional>

namespace pgha::reports {

struct ReportBlock {
    QString html;                      // a fragment (headings, paragraphs, tables), or empty
    std::optional<Figure> figure;      // or a figure
};

struct Report {
    QString title;
    QList<ReportBlock> blocks;
};

// An experiment: its plan, its cells' statistics (table and dot plots), the load through the
// fault of each cell's median run, and every run.
Report experimentReport(const svc::KeptExperiment &experiment);
// Chaos runs chosen by id, grouped by fault and synchronous_mode.
Report chaosRunsReport(const QList<svc::ChaosReport> &runs);

// Benchmark runs chosen by id: how pgbench ran, the environment, every run's figures and their
// throughput over time (reports/benchreport.cpp).
Report benchRunsReport(const QList<svc::BenchResult> &runs);

// .html/.htm → HTML, .pdf → PDF (A4); atomic; never through a symbolic link.
svc::Result<bool> writeReport(const Report &report, const QString &path);
// Every figure of the report as NN-name.svg and NN-name.png (at `dpi`) in `dir` (made if
// missing); the files written.
svc::Result<QStringList> writeFigures(const Report &report, const QString &dir, int dpi);
// The whole report as one HTML page (figures inline as SVG).
QString reportHtml(const Report &report);

} // namespace pgha::reports
