package org.ratelab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.JFreeChart;
import org.ratelab.table.OutputDir;
import org.ratelab.table.Statuses;

/**
 * Writes {@code DIR/report/index.html} from the tables of an output directory: one self-contained page
 * (no network; charts inline as SVG; style inline) and a PNG of every chart under {@code DIR/report/charts/}.
 * An existing {@code report/} is replaced.
 *
 * <p>Per experiment: run status counts; convergence panels (F − F* on a log scale against step and against
 * oracle calls, median over seeds with the min–max band); width laws (log–log points per seed, the laws
 * table's fitted line, exponent with its 95% interval in the legend); the laws and rates tables; the checks
 * table when a {@code checks/} table exists; particle plots for mean-field experiments when a
 * {@code particles/} table exists ({@link Particles}). Then the environment from {@code _ratelab.json}.
 */
public final class Report {
    private Report() {}

    public static final String DIR = "report";
    public static final String INDEX = "index.html";

    static {
        // Charts are drawn with Java2D; never look for a display, on any JVM this runs in.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** What was written: the page, and how many charts and tables it holds. */
    public record Result(String index, int charts, int tables) {}

    static final Map<String, String> LAW_LABELS = Map.of(
            "final_loss", "final training loss F",
            "steps_to_threshold", "steps to the loss threshold (converged runs)",
            "rel_change", "‖θ − θ₀‖ / ‖θ₀‖",
            "dist_init", "‖θ − θ₀‖");

    /** For a caller that holds a session ({@code run}): only its Hadoop configuration is used, no Spark job. */
    public static Result write(SparkSession spark, OutputDir out) throws IOException {
        return write(spark.sparkContext().hadoopConfiguration(), out);
    }

    /**
     * Reads the tables with parquet-hadoop ({@link ReportData}, no Spark), draws the charts on a pool of one
     * thread per core and writes the page. The page is the same, byte for byte but for its timestamp, as one
     * drawn chart after chart: each chart's id and place are fixed before it is drawn.
     */
    public static Result write(Configuration conf, OutputDir out) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new Thread(r, "ratelab-report-chart");
                    t.setDaemon(true);
                    return t;
                });
        try {
            warmUp();
            return write(conf, out, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts loading, on two background threads, what drawing a chart and reading Parquet need (Java2D, fonts,
     * JFreeChart, the PNG and SVG encoders; parquet-hadoop, its codecs and Thrift footers): most of a report's
     * time in a fresh JVM is class loading, and this lets it run on the other core while the command checks
     * its flags and opens the output directory. Once per JVM; nothing it does changes a result.
     */
    public static void warmUp() {
        if (!WARMING.compareAndSet(false, true)) return;
        for (Runnable r : List.<Runnable>of(ChartImages::warmUp, ParquetTables::warmUp)) {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } catch (RuntimeException | LinkageError e) {
                    // a warm-up that fails only leaves the work to the report itself, which reports it
                }
            }, "ratelab-report-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    private static Result write(Configuration conf, OutputDir out, ExecutorService pool) throws IOException {
        ReportData d = new ReportData(conf, out);
        FileSystem fs = out.root().getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) fs = local.getRawFileSystem();  // no .crc files beside the page
        Path dir = new Path(out.root(), DIR);
        Path charts = new Path(dir, "charts");
        if (fs.exists(dir)) fs.delete(dir, true);
        fs.mkdirs(charts);
        Page page = new Page(fs, charts, pool);

        List<ReportData.Experiment> exps = d.experiments();
        List<ReportData.Band> bands = d.bands();
        List<ReportData.LawPoint> points = d.lawPoints();
        List<ReportData.Law> laws = d.laws();
        boolean particles = Particles.available(d);
        JsonNode marker = marker(fs, out);

        StringBuilder h = page.html;
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ratelab report: ")
                .append(Html.esc(String.join(", ", exps.stream().map(ReportData.Experiment::name).toList())))
                .append("</title>\n<style>\n").append(Html.STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>ratelab report</h1>\n<p class=\"meta\">Tables in <code>").append(Html.esc(out.uri()))
                .append("</code>; generated ").append(Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z"))
                .append(".</p>\n<nav>");
        for (ReportData.Experiment e : exps) {
            h.append("<a href=\"#exp-").append(Html.slug(e.name())).append("\">").append(Html.esc(e.name()))
                    .append("</a>");
        }
        h.append("<a href=\"#env\">environment</a></nav>\n");

        for (ReportData.Experiment e : exps) {
            String x = Html.slug(e.name());
            h.append("<section class=\"experiment\" id=\"exp-").append(x).append("\">\n<h2>Experiment ")
                    .append(Html.esc(e.name())).append("</h2>\n");
            status(page, d, e);
            convergence(page, e, bands.stream().filter(b -> b.experiment().equals(e.name())).toList());
            widthLaws(page, e, points.stream().filter(p -> p.experiment().equals(e.name())).toList(),
                    laws.stream().filter(l -> l.experiment().equals(e.name())).toList());
            h.append("<h3>Rates</h3>\n<p class=\"note\">The rates table summarised over seeds: per group and width, "
                    + "the median and range of each fitted rate (<code>loss</code>/<code>linear</code>: per-step "
                    + "contraction of F − F*; <code>power</code>: exponent of a step power law).</p>\n");
            page.table("rates-" + x, "rates", d.rates(e.name()));
            checks(page, d, e);
            if (d.meanField(e.name())) particles(page, d, e, particles);
            h.append("</section>\n");
        }
        environment(page, marker);
        h.append("</body>\n</html>\n");

        Path index = new Path(dir, INDEX);
        byte[] html = page.finish().getBytes(StandardCharsets.UTF_8);
        try (OutputStream o = fs.create(index, true)) {
            o.write(html);
        }
        return new Result(index.toString(), page.charts, page.tables);
    }

    /**
     * The page being built, with its chart files. A chart is drawn on the pool (its PNG written, its SVG
     * returned) while the page goes on; {@link #finish} puts each SVG in the place its chart was asked for.
     */
    private static final class Page {
        final StringBuilder html = new StringBuilder();
        /** The page so far: text, and the SVG figures being drawn, in page order. */
        final List<Object> parts = new ArrayList<>();
        final FileSystem fs;
        final Path chartDir;
        final ExecutorService pool;
        int charts;
        int tables;

        Page(FileSystem fs, Path chartDir, ExecutorService pool) {
            this.fs = fs;
            this.chartDir = chartDir;
            this.pool = pool;
        }

        /** Inlines the chart as SVG and writes its PNG next to the page. */
        void chart(JFreeChart c, String kind, String name, String caption) {
            charts++;
            String id = String.format("chart-%03d", charts);
            String file = id + "-" + Html.slug(name) + ".png";
            Future<String> svg = pool.submit(() -> {
                byte[] png = ChartImages.png(c);
                try (OutputStream o = fs.create(new Path(chartDir, file), true)) {
                    o.write(png);
                }
                return ChartImages.svg(c, id);
            });
            html.append("<figure class=\"chart\" data-kind=\"").append(kind).append("\">\n");
            parts.add(html.toString());
            html.setLength(0);
            parts.add(svg);
            html.append("\n<figcaption>").append(Html.esc(caption))
                    .append(" · <a href=\"charts/").append(file).append("\">PNG</a></figcaption>\n</figure>\n");
        }

        /** The whole page, once every chart is drawn and written. */
        String finish() throws IOException {
            parts.add(html.toString());
            html.setLength(0);
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Future<?> f) {
                    try {
                        b.append((String) f.get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while drawing the charts", e);
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof IOException io) throw io;
                        if (cause instanceof RuntimeException re) throw re;
                        throw new IOException("drawing a chart failed: " + cause, cause);
                    }
                } else {
                    b.append((String) p);
                }
            }
            return b.toString();
        }

        void table(String id, String cssClass, ReportData.Table t) {
            tables++;
            if (t.rows().isEmpty()) {
                html.append("<p class=\"absent\" id=\"").append(Html.esc(id)).append("\">No rows.</p>\n");
            } else {
                html.append(Html.table(id, cssClass, t));
            }
        }
    }

    private static void status(Page p, ReportData d, ReportData.Experiment e) {
        Map<String, Long> c = d.statusCounts(e.name());
        long total = c.values().stream().mapToLong(Long::longValue).sum();
        List<String> cols = new ArrayList<>(c.keySet());
        cols.add("total");
        List<String> row = new ArrayList<>();
        for (long v : c.values()) row.add(String.valueOf(v));
        row.add(String.valueOf(total));
        p.html.append("<h3>Run status</h3>\n");
        p.table("status-" + Html.slug(e.name()), "status", new ReportData.Table(cols, List.of(row)));
        p.html.append(String.format("<p class=\"note\">Training time summed over runs: %.1f s.</p>%n",
                d.trainingMs(e.name()) / 1000.0));
        if (total > 0 && c.getOrDefault(Statuses.CONVERGED, 0L) == 0) {
            p.html.append("<p class=\"verdict\" id=\"no-converged-").append(Html.slug(e.name()))
                    .append("\">No run converged: ").append(c.get(Statuses.FAILED)).append(" failed, ")
                    .append(c.get(Statuses.DIVERGED)).append(" diverged, ").append(c.get(Statuses.MAX_STEPS))
                    .append(" stopped at max_steps, of ").append(total).append(" runs.</p>\n");
        }
        if (c.getOrDefault(Statuses.FAILED, 0L) > 0) {
            p.html.append("<p class=\"note\">Why runs failed (<code>runs.message</code>):</p>\n");
            p.table("failures-" + Html.slug(e.name()), "failures", d.failures(e.name(), 10));
        }
    }

    private static void convergence(Page p, ReportData.Experiment e, List<ReportData.Band> bands)
            throws IOException {
        String y = e.optimalKnown() ? "F − F* (training loss above its minimum)" : "training loss F";
        p.html.append("<h3>Convergence</h3>\n<p class=\"note\">").append(Html.esc(y)).append(" on a log scale. "
                + "Line: median over seeds at each recorded step; band: min–max over seeds. Non-finite and "
                + "non-positive values are left out, so a diverged run's curve ends where it diverged and a "
                + "converged run's where it stopped.")
                .append(e.widths() > 1 ? " One panel per group of the other axes; one line per width." : "")
                .append("</p>\n");
        if (bands.isEmpty()) {
            p.html.append("<p class=\"absent\">No finite positive loss was recorded.</p>\n");
            return;
        }
        Map<String, List<ReportData.Band>> panels = new LinkedHashMap<>();
        for (ReportData.Band b : bands) {
            panels.computeIfAbsent(e.widths() > 1 ? b.group() : "", k -> new ArrayList<>()).add(b);
        }
        p.html.append("<div class=\"charts\">\n");
        for (Map.Entry<String, List<ReportData.Band>> panel : panels.entrySet()) {
            String title = e.widths() > 1 ? ReportData.shortLabel(panel.getKey()) : e.name();
            List<Charts.BandSeries> bySteps = new ArrayList<>();
            List<Charts.BandSeries> byCalls = new ArrayList<>();
            long seeds = 0;
            for (ReportData.Band b : panel.getValue()) {
                String label = e.widths() > 1 ? "m = " + b.width() : ReportData.shortLabel(b.group());
                bySteps.add(new Charts.BandSeries(label, b.step(), b.median(), b.min(), b.max()));
                byCalls.add(new Charts.BandSeries(label, b.oracleCalls(), b.median(), b.min(), b.max()));
                seeds = Math.max(seeds, b.maxSeeds());
            }
            String caption = title + ": median and min–max over up to " + seeds + " seeds";
            p.chart(Charts.convergence(title, "step", y, bySteps), "convergence-step",
                    e.name() + "-" + panel.getKey() + "-step", caption + ", against step");
            p.chart(Charts.convergence(title, "oracle calls (per-sample gradients)", y, byCalls),
                    "convergence-oracle", e.name() + "-" + panel.getKey() + "-oracle",
                    caption + ", against oracle calls");
        }
        p.html.append("</div>\n");
    }

    private static void widthLaws(Page p, ReportData.Experiment e, List<ReportData.LawPoint> points,
                                  List<ReportData.Law> laws) throws IOException {
        p.html.append("<h3>Width laws</h3>\n");
        if (e.widths() < 2) {
            p.html.append("<p class=\"absent\">The grid has a single width: no width law.</p>\n");
            return;
        }
        p.html.append("<p class=\"note\">y ≈ prefactor · m<sup>b</sup>, fitted by least squares on log y "
                + "against log m over every run of a group (each seed a point; only positive finite values). "
                + "The legend gives b with its interval from the laws table (percentile bootstrap over whole "
                + "seeds; n/a with a single seed).</p>\n<div class=\"charts\">\n");
        List<List<String>> rows = new ArrayList<>();
        for (String metric : org.ratelab.laws.ScalingLaws.RUN_METRICS) {
            Map<String, List<ReportData.LawPoint>> groups = new LinkedHashMap<>();
            for (ReportData.LawPoint pt : points) {
                if (pt.metric().equals(metric)) groups.computeIfAbsent(pt.group(), k -> new ArrayList<>()).add(pt);
            }
            if (groups.isEmpty()) continue;
            List<Charts.LawSeries> series = new ArrayList<>();
            for (Map.Entry<String, List<ReportData.LawPoint>> g : groups.entrySet()) {
                List<ReportData.LawPoint> pts = g.getValue();
                double[] w = pts.stream().mapToDouble(ReportData.LawPoint::width).toArray();
                double[] v = pts.stream().mapToDouble(ReportData.LawPoint::value).toArray();
                ReportData.Law law = laws.stream()
                        .filter(l -> l.metric().equals(metric) && l.group().equals(g.getKey())).findFirst()
                        .orElse(null);
                double[] ci = law == null || law.ciLow() == null || law.ciHigh() == null ? null
                        : new double[] {law.ciLow(), law.ciHigh()};
                String label = ReportData.shortLabel(g.getKey()) + ": "
                        + (law == null || law.exponent() == null ? "no fit"
                        : "b = " + ReportData.fmt(law.exponent()) + (ci == null ? " [n/a]"
                        : " [" + ReportData.fmt(ci[0]) + ", " + ReportData.fmt(ci[1]) + "]"));
                series.add(new Charts.LawSeries(label, w, v, law == null ? null : law.exponent(),
                        law == null ? null : law.prefactor(),
                        law == null || law.widthMin() == null ? 0 : law.widthMin(),
                        law == null || law.widthMax() == null ? 0 : law.widthMax()));
                if (law != null) {
                    rows.add(List.of(ReportData.groupLabel(law.group()), metric,
                            law.exponent() == null ? "" : ReportData.fmt(law.exponent()),
                            ci == null ? "n/a" : "[" + ReportData.fmt(ci[0]) + ", " + ReportData.fmt(ci[1]) + "]",
                            law.prefactor() == null ? "" : ReportData.fmt(law.prefactor()),
                            law.r2() == null ? "" : ReportData.fmt(law.r2()), String.valueOf(law.nPoints()),
                            String.valueOf(law.nWidths()), law.widthMin() + "–" + law.widthMax()));
                }
            }
            String label = LAW_LABELS.getOrDefault(metric, metric);
            p.chart(Charts.widthLaw(label + " against width", label, series), "width-law",
                    e.name() + "-law-" + metric, metric + ": points per seed, fitted power law");
        }
        p.html.append("</div>\n");
        p.table("laws-" + Html.slug(e.name()), "laws", new ReportData.Table(List.of("group", "metric", "exponent b",
                "95% interval", "prefactor", "r²", "points", "widths", "width range"), rows));
    }


    private static void checks(Page p, ReportData d, ReportData.Experiment e) throws IOException {
        p.html.append("<h3>Checks</h3>\n");
        ReportData.Table t = d.checks(e.name());
        if (t == null || t.rows().isEmpty()) {
            p.html.append("<p class=\"absent\" id=\"checks-").append(Html.slug(e.name()))
                    .append("-absent\">").append(t == null ? "No checks table in this output directory."
                            : "The spec declares no checks.").append("</p>\n");
            return;
        }
        int passed = t.columns().indexOf("passed");
        if (passed >= 0) {
            long ok = t.rows().stream().filter(r -> "true".equalsIgnoreCase(r.get(passed))).count();
            p.html.append("<p class=\"note\">").append(ok).append(" of ").append(t.rows().size())
                    .append(" checks passed.</p>\n");
        }
        p.table("checks-" + Html.slug(e.name()), "checks", t);
    }

    private static void particles(Page p, ReportData d, ReportData.Experiment e, boolean available)
            throws IOException {
        p.html.append("<h3>Particles</h3>\n");
        List<Particles.Snapshot> snaps = available ? Particles.load(d, e.name()) : List.of();
        if (snaps.isEmpty()) {
            p.html.append("<p class=\"absent\">This is a mean-field experiment, but no particle positions were "
                    + "recorded for it (enable <code>probes.particles</code>).</p>\n");
            return;
        }
        p.html.append("<p class=\"note\">Neuron positions |a_j| · w_j of one run per group (largest width, "
                + "smallest seed) at a few recorded steps.</p>\n<div class=\"charts\">\n");
        for (Particles.Snapshot s : snaps) {
            String title = ReportData.shortLabel(s.group()) + ", m = " + s.width() + ", seed " + s.seed();
            p.chart(Charts.particles(title, s.steps()), "particles", e.name() + "-particles-" + s.runId(),
                    "run " + s.runId() + ": " + title);
        }
        p.html.append("</div>\n");
    }

    private static JsonNode marker(FileSystem fs, OutputDir out) throws IOException {
        Path m = new Path(out.root(), OutputDir.MARKER);
        if (!fs.exists(m)) return null;
        try (InputStream in = fs.open(m)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            return null;  // a marker that is not JSON (older or hand-made): the environment says "not recorded"
        }
    }

    private static void environment(Page p, JsonNode m) {
        p.html.append("<section id=\"env\">\n<h2>Environment</h2>\n<p class=\"note\">As recorded by "
                + "<code>run</code> in <code>_ratelab.json</code>.</p>\n");
        List<List<String>> rows = new ArrayList<>();
        String[][] fields = {
            {"ratelab", "version"}, {"Spark", "spark"}, {"Java", "java"}, {"BLAS", "blas"}, {"master", "master"},
            {"cores (default parallelism)", "cores"}, {"spec", "spec"}, {"profile", "profile"},
            {"runs planned", "runs"}, {"started", "written"}, {"wall time", "wall_ms"},
        };
        for (String[] f : fields) {
            JsonNode v = m == null ? null : m.get(f[1]);
            String text = v == null || v.isNull() ? "not recorded" : v.asText();
            if (f[1].equals("wall_ms") && v != null && v.isNumber()) {
                text = String.format("%.1f s", v.asLong() / 1000.0);
            }
            rows.add(List.of(f[0], text));
        }
        p.table("env", "env", new ReportData.Table(List.of("fact", "value"), rows));
        p.html.append("</section>\n");
    }
}
