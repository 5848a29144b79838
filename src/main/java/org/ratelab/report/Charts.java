package org.ratelab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** Chart builders (JFreeChart): convergence panels, width laws, particle snapshots. Pure: data in, chart out. */
final class Charts {
    private Charts() {}

    /** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
    static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
    };

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    static Color color(int i) { return PALETTE[i % PALETTE.length]; }

    /** A series of a convergence panel: its label and, per x, the median and the min–max band. */
    record BandSeries(String label, double[] x, double[] median, double[] min, double[] max) {}

    /**
     * Log-scale y (median line over seeds, min–max band shaded) against a linear x (step or oracle calls).
     */
    static JFreeChart convergence(String title, String xLabel, String yLabel, List<BandSeries> series) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (BandSeries s : series) {
            YIntervalSeries y = new YIntervalSeries(s.label(), false, true);
            for (int i = 0; i < s.x().length; i++) y.add(s.x()[i], s.median()[i], s.min()[i], s.max()[i]);
            data.addSeries(y);
        }
        DeviationRenderer r = new DeviationRenderer(true, false);
        r.setAlpha(0.18f);
        r.setAutoPopulateSeriesFillPaint(false);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, color(i));
            r.setSeriesFillPaint(i, color(i));
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, logAxis(yLabel, 10), r);
        return chart(title, plot, true);
    }

    /** A group of a width law: its points (one per seed and width), fitted line and legend text. */
    record LawSeries(String label, double[] width, double[] value, Double exponent, Double prefactor,
                     double widthMin, double widthMax) {}

    /** Log–log: a run's value against its width, one point per seed, with the fitted power law as a line. */
    static JFreeChart widthLaw(String title, String yLabel, List<LawSeries> groups) {
        XYSeriesCollection points = new XYSeriesCollection();
        XYSeriesCollection lines = new XYSeriesCollection();
        XYLineAndShapeRenderer pr = new XYLineAndShapeRenderer(false, true);
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < groups.size(); i++) {
            LawSeries g = groups.get(i);
            XYSeries p = new XYSeries(g.label() + " (points)", false, true);
            for (int k = 0; k < g.width().length; k++) p.add(g.width()[k], g.value()[k]);
            points.addSeries(p);
            pr.setSeriesPaint(i, color(i));
            pr.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
            pr.setSeriesVisibleInLegend(i, false);
            XYSeries l = new XYSeries(g.label(), false, true);
            if (g.exponent() != null && g.prefactor() != null) {
                int n = 16;
                double a = Math.log(g.widthMin()), b = Math.log(g.widthMax());
                for (int k = 0; k <= n; k++) {
                    double w = Math.exp(a + (b - a) * k / n);
                    l.add(w, g.prefactor() * Math.pow(w, g.exponent()));
                }
            }
            lines.addSeries(l);
            lr.setSeriesPaint(i, color(i));
            lr.setSeriesStroke(i, new BasicStroke(2f));
        }
        LogAxis x = logAxis("width m", 2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0"));
        XYPlot plot = new XYPlot(lines, x, logAxis(yLabel, 10), lr);
        plot.setDataset(1, points);
        plot.setRenderer(1, pr);
        return chart(title, plot, true);
    }

    /** Neuron positions at a few steps of one run, a colour per step. */
    static JFreeChart particles(String title, Map<Long, double[][]> steps) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        int i = 0;
        for (Map.Entry<Long, double[][]> e : steps.entrySet()) {
            XYSeries s = new XYSeries("step " + e.getKey(), false, true);
            double[][] xy = e.getValue();
            for (int k = 0; k < xy[0].length; k++) {
                if (Double.isFinite(xy[0][k]) && Double.isFinite(xy[1][k])) s.add(xy[0][k], xy[1][k]);
            }
            data.addSeries(s);
            r.setSeriesPaint(i, color(i));
            r.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            i++;
        }
        NumberAxis x = new NumberAxis("|a_j| · w_j (x)");
        NumberAxis y = new NumberAxis("|a_j| · w_j (y)");
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        return chart(title, new XYPlot(data, x, y, r), true);
    }

    private static LogAxis logAxis(String label, double base) {
        LogAxis a = base == 10 ? new DecadeAxis(label) : new LogAxis(label);
        a.setBase(base);
        a.setSmallestValue(1e-300);
        return a;
    }

    /**
     * A base-10 log axis with ticks a reader expects: whole decades (10⁻³, 10⁻²; every k-th decade when there
     * are many) when the range spans at least two, else 1–2–5 (or 1…9) multiples of powers of ten.
     * JFreeChart's own LogAxis picks fractional exponents such as 10^-2.2.
     */
    static final class DecadeAxis extends LogAxis {
        DecadeAxis(String label) {
            super(label);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D area, RectangleEdge edge) {
            TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
                    : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT
                    : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
            List ticks = new ArrayList();
            for (double v : tickValues(getLowerBound(), getUpperBound())) {
                ticks.add(new NumberTick(TickType.MAJOR, v, tickLabel(v), anchor, TextAnchor.CENTER, 0.0));
            }
            return ticks;
        }
    }

    /** Tick values within [lo, hi] (see {@link DecadeAxis}). */
    static List<Double> tickValues(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        if (!(lo > 0) || !(hi > lo) || !Double.isFinite(hi)) return out;
        int a = (int) Math.ceil(Math.log10(lo) - 1e-9);
        int b = (int) Math.floor(Math.log10(hi) + 1e-9);
        if (b - a >= 1) {
            int k = Math.max(1, (int) Math.ceil((b - a + 1) / 8.0));
            for (int e = a; e <= b; e += k) out.add(Math.pow(10, e));
            return out;
        }
        for (int[] mantissas : new int[][] {{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            out.clear();
            for (int e = a - 1; e <= b + 1; e++) {
                for (int m : mantissas) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.add(v);
                }
            }
            if (out.size() >= 2) return out;
        }
        out.clear();
        out.add(lo);
        out.add(hi);
        return out;
    }

    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /** 10ⁿ for a power of ten, else the value in four significant digits. */
    static String tickLabel(double v) {
        double e = Math.log10(v);
        long r = Math.round(e);
        if (Math.abs(e - r) < 1e-9) {
            if (r >= 0 && r <= 3) return String.valueOf((long) Math.pow(10, r));
            StringBuilder b = new StringBuilder("10");
            if (r < 0) b.append('⁻');
            for (char c : Long.toString(Math.abs(r)).toCharArray()) b.append(SUPERSCRIPTS.charAt(c - '0'));
            return b.toString();
        }
        return ReportData.fmt(v);
    }

    private static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(new Color(0x999999));
        for (ValueAxis a : new ValueAxis[] {plot.getDomainAxis(), plot.getRangeAxis()}) {
            a.setLabelFont(LABEL);
            a.setTickLabelFont(TICK);
        }
        JFreeChart c = new JFreeChart(title, TITLE, plot, legend);
        c.setBackgroundPaint(Color.WHITE);
        c.setPadding(new org.jfree.chart.ui.RectangleInsets(4, 4, 4, 18));  // room for the last x tick label
        c.setAntiAlias(true);
        c.setTextAntiAlias(true);
        LegendTitle l = c.getLegend();
        if (l != null) {
            l.setItemFont(LABEL);
            l.setPosition(RectangleEdge.BOTTOM);
            l.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return c;
    }
}
