/**
 * The report stage: reads the tables of an output directory with Spark, aggregates them in Spark (median and
 * min–max over seeds per step, per-run law points, rate summaries), collects only those small series to the
 * driver, draws them with JFreeChart and writes {@code DIR/report/index.html} — one self-contained page with
 * the charts inline as SVG (JFreeSVG) — and a PNG of every chart under {@code DIR/report/charts/}.
 *
 * <p>{@link org.ratelab.report.Report} is the entry; {@link org.ratelab.report.ReportData} holds the Spark
 * queries; {@link org.ratelab.report.Charts} the chart builders; {@link org.ratelab.report.ChartImages} the
 * SVG and PNG encodings; {@link org.ratelab.report.Html} the page; {@link org.ratelab.report.Particles} the
 * hook for mean-field particle plots.
 */
package org.ratelab.report;
