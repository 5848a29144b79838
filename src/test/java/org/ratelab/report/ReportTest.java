package org.ratelab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratelab.SparkTestSession;
import org.ratelab.TestSpecs;
import org.ratelab.grid.Planner;
import org.ratelab.job.GridJob;
import org.ratelab.spec.SpecLoader;
import org.ratelab.table.OutputDir;

/**
 * The report of a small grid (3 optimizer entries, one of them diverging, × 2 widths × 2 seeds): chart and
 * table counts against the tables themselves, the checks section with and without a checks table, and the
 * page as headless Chromium renders it.
 */
class ReportTest {
    static final String SPEC = TestSpecs.SMALL.replace("  - {name: sgd, lr: 0.5, batch_size: 8}\n",
            "  - {name: sgd, lr: 0.5, batch_size: 8}\n  - {name: gd, lr: 400.0}\n");
    static final int RUNS = 12;

    @TempDir static Path dir;
    static SparkSession spark;
    static OutputDir out;
    static Report.Result result;
    static String html;
    static String htmlWithoutChecks;

    @BeforeAll
    static void generate() throws Exception {
        spark = SparkTestSession.get();
        Path spec = TestSpecs.write(dir, "report.yaml", SPEC);
        out = OutputDir.of(dir.resolve("out").toString(), new Configuration());
        out.create("{\"tool\":\"ratelab\",\"spark\":\"test\",\"java\":\"17\",\"blas\":\"test\",\"cores\":2}");
        GridJob.execute(spark, Planner.plan(SpecLoader.load(spec, "default")), out, 3);
        // the job writes an (empty) checks table since checks landed: take it away for the page without one
        GridJobTestSupport.deleteTree(dir.resolve("out").resolve("checks"));
        Report.write(spark, out);
        htmlWithoutChecks = Files.readString(index());
        StructType checks = new StructType()
                .add("experiment", DataTypes.StringType).add("check", DataTypes.StringType)
                .add("predicted", DataTypes.DoubleType).add("observed", DataTypes.DoubleType)
                .add("ci_low", DataTypes.DoubleType).add("ci_high", DataTypes.DoubleType)
                .add("passed", DataTypes.BooleanType).add("detail", DataTypes.StringType);
        spark.createDataFrame(List.of(
                RowFactory.create("small", "lazy_training_exponent", -0.5, -0.48, -0.6, -0.4, true, "inside"),
                RowFactory.create("small", "linear_rate_gd", 0.9, 0.97, 0.95, 0.99, false, "outside <interval>")),
                checks).write().mode("overwrite").parquet(out.table("checks"));
        result = Report.write(spark, out);
        html = Files.readString(index());
    }

    /** Recursive delete for the fixture. */
    static final class GridJobTestSupport {
        static void deleteTree(Path p) throws java.io.IOException {
            if (!Files.exists(p)) return;
            try (var files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(f);
                }
            }
        }
    }

    static Path index() {
        return dir.resolve("out").resolve(Report.DIR).resolve(Report.INDEX);
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** The cells of the table with this id, row by row. */
    static List<List<String>> rows(String page, String id) {
        int start = page.indexOf("<table id=\"" + id + "\"");
        assertTrue(start >= 0, "no table " + id);
        String t = page.substring(start, page.indexOf("</table>", start));
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(t.substring(t.indexOf("<tbody>")));
        while (tr.find()) {
            List<String> cells = new ArrayList<>();
            Matcher td = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(tr.group(1));
            while (td.find()) cells.add(td.group(1));
            rows.add(cells);
        }
        return rows;
    }

    @Test
    void chartCountsFollowTheGrid() throws Exception {
        long groups = spark.read().parquet(out.table("runs")).select("group_key").distinct().count();
        long lawMetrics = new ReportData(spark, out).lawPoints().stream().map(ReportData.LawPoint::metric)
                .distinct().count();
        assertEquals(3, groups);
        assertEquals(2 * groups, count(html, "data-kind=\"convergence-step\"") + count(html,
                "data-kind=\"convergence-oracle\""), "a panel per group, against step and against oracle calls");
        assertEquals(lawMetrics, count(html, "data-kind=\"width-law\""));
        assertEquals(result.charts(), count(html, "<svg "));
        assertEquals(2 * groups + lawMetrics, result.charts());
        File[] pngs = index().resolveSibling("charts").toFile().listFiles((d, n) -> n.endsWith(".png"));
        assertNotNull(pngs);
        assertEquals(result.charts(), pngs.length);
        for (File f : pngs) {
            BufferedImage img = ImageIO.read(f);
            assertEquals(ChartImages.WIDTH, img.getWidth(), f.getName());
        }
    }

    @Test
    void statusCountsEqualTheRunsTable() {
        List<List<String>> rows = rows(html, "status-small");
        assertEquals(1, rows.size());
        Map<String, Long> expected = new java.util.HashMap<>();
        for (Row r : spark.read().parquet(out.table("runs")).groupBy("status").count().collectAsList()) {
            expected.put(r.getString(0), r.getLong(1));
        }
        List<String> cells = rows.get(0);
        for (int i = 0; i < ReportData.STATUSES.size(); i++) {
            assertEquals(String.valueOf(expected.getOrDefault(ReportData.STATUSES.get(i), 0L)), cells.get(i),
                    ReportData.STATUSES.get(i));
        }
        assertEquals(String.valueOf(RUNS), cells.get(4));
        assertTrue(expected.getOrDefault("diverged", 0L) >= 1, "the lr=400 entry diverges");
    }

    @Test
    void ratesTableAccountsForEveryRun() {
        List<List<String>> rows = rows(html, "rates-small");
        long rateRows = spark.read().parquet(out.table("rates")).count();
        int runs = 0;
        for (List<String> r : rows) runs += Integer.parseInt(r.get(r.size() - 1).split(" / ")[1]);
        assertEquals(rateRows, runs, "the 'runs fitted' column adds up to one row per run, metric, kind and eps");
        long kinds = spark.read().parquet(out.table("rates")).select("metric", "kind", "eps").distinct().count();
        long sgdOnly = spark.read().parquet(out.table("rates")).where("kind = 'noise_floor'").count() > 0 ? 1 : 0;
        // 3 groups x 2 widths for every (metric, kind, eps) but the noise floor, which only the SGD group has
        assertEquals(3 * 2 * (kinds - sgdOnly) + 2 * sgdOnly, rows.size());
    }

    @Test
    void lawsTableMatchesTheLawsTable() {
        assertEquals(spark.read().parquet(out.table("laws")).where("axis = 'model.width' AND metric IN "
                + "('final_loss', 'steps_to_threshold', 'rel_change', 'dist_init')").count(),
                rows(html, "laws-small").size(), "the report shows the width laws of the run summaries");
        assertTrue(html.contains("b = "), "exponents in the legends");
    }

    @Test
    void checksAreShownWhenPresentAndSkippedWhenAbsent() {
        assertTrue(htmlWithoutChecks.contains("id=\"checks-small-absent\""));
        assertFalse(htmlWithoutChecks.contains("<table id=\"checks-small\""));
        List<List<String>> rows = rows(html, "checks-small");
        assertEquals(2, rows.size());
        assertEquals(1, count(html, "<td class=\"pass\">PASS</td>"));
        assertEquals(1, count(html, "<td class=\"fail\">FAIL</td>"));
        assertTrue(html.contains("outside &lt;interval&gt;"), "cells are escaped");
        assertTrue(html.contains("1 of 2 checks passed"));
    }

    @Test
    void pageIsSelfContainedAndHasTheEnvironment() {
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<link"));
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(html).find(), "no network resource");
        List<List<String>> env = rows(html, "env");
        assertTrue(env.contains(List.of("Spark", "test")), env.toString());
        assertTrue(env.contains(List.of("cores (default parallelism)", "2")), env.toString());
        assertTrue(env.contains(List.of("wall time", "not recorded")), env.toString());
        assertFalse(html.contains("Particles"), "not a mean-field experiment: no particle section");
    }

    @Test
    void particleStepsAreChosenEvenly() {
        assertEquals(List.of(0L, 30L, 60L, 90L), Particles.choose(List.of(0L, 10L, 20L, 30L, 40L, 50L, 60L,
                70L, 80L, 90L), 4));
        assertEquals(List.of(0L, 5L), Particles.choose(List.of(0L, 5L), 4));
    }

    @Test
    void logTicksAreDecadesOrRoundMultiples() {
        assertEquals(List.of(1e-3, 1e-2, 1e-1, 1.0), Charts.tickValues(5e-4, 2));
        assertEquals(List.of(0.002, 0.005), Charts.tickValues(1.5e-3, 6e-3));
        assertEquals("10⁻³", Charts.tickLabel(1e-3));
        assertEquals("100", Charts.tickLabel(100));
    }

    // ---- headless Chromium ------------------------------------------------------------------------------

    static final List<String> CHROMIUM_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars");

    /** Chromium's executable, or null. CI sets -Dratelab.requireChromium=true: then a missing one fails. */
    static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (new File(c).canExecute()) return c;
        }
        if (Boolean.getBoolean("ratelab.requireChromium")) {
            fail("-Dratelab.requireChromium=true but no Chromium found (apt-get install chromium)");
        }
        Assumptions.assumeTrue(false, "SKIPPED: no Chromium (apt-get install chromium); the browser test did not run");
        return null;
    }

    static String runChromium(String exe, Path profile, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe);
        cmd.addAll(CHROMIUM_FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 90 s: " + cmd);
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void chromiumRendersTheChartsAndTables() throws Exception {
        String exe = chromium();
        String url = index().toUri().toString();
        String dom = runChromium(exe, Files.createTempDirectory(dir, "chr-dom"), "--dump-dom", url);
        assertEquals(result.charts(), count(dom, "<svg "), "every chart is in the rendered DOM");
        for (String id : List.of("status-small", "rates-small", "laws-small", "checks-small", "env")) {
            assertTrue(dom.contains("id=\"" + id + "\""), id);
        }
        Path shot = dir.resolve("shot.png");
        runChromium(exe, Files.createTempDirectory(dir, "chr-shot"), "--window-size=1360,2000",
                "--screenshot=" + shot, url);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertNotNull(img, "a screenshot was written");
        int bg = img.getRGB(0, 0);
        long differ = 0;
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int c = img.getRGB(x, y);
                if (c != bg) differ++;
                colors.add(c);
            }
        }
        long sampled = (long) ((img.getHeight() + 1) / 2) * ((img.getWidth() + 1) / 2);
        assertTrue(differ > sampled / 50, "the screenshot is not blank: " + differ + " of " + sampled + " differ");
        assertTrue(colors.size() > 50, "the screenshot has text and chart colours: " + colors.size());
    }
}
