/**
 * The report stage: reads the tables of an output directory straight from their Parquet files (parquet-hadoop,
 * no SparkSession), aggregates them in plain Java with Spark SQL's semantics (median and min–max over seeds
 * per step, per-run law points, rate summaries), draws them with JFreeChart on one thread per core and writes
 * {@code DIR/report/index.html} — one self-contained page with the charts inline as SVG (JFreeSVG) — and a
 * PNG of every chart under {@code DIR/report/charts/}.
 *
 * <p>{@link org.ratelab.report.Report} is the entry; {@link org.ratelab.report.ReportData} holds the
 * aggregates; {@link org.ratelab.report.ParquetTables} the Parquet reading; {@link org.ratelab.report.SqlAgg}
 * Spark's semantics of median, min, max, ordering and casts; {@link org.ratelab.report.Charts} the chart
 * builders; {@link org.ratelab.report.ChartImages} the SVG and PNG encodings; {@link org.ratelab.report.Html}
 * the page; {@link org.ratelab.report.Particles} the hook for mean-field particle plots.
 */
package org.ratelab.report;
