package org.ratelab.report;

import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/** A chart's two encodings: an inline SVG element (JFreeSVG) and a PNG (Java2D, headless). */
final class ChartImages {
    private ChartImages() {}

    static final int WIDTH = 640;
    static final int HEIGHT = 400;

    /**
     * The chart as an {@code <svg>} element with the given id. Each chart gets its own defs prefix, so the
     * clip paths and gradients of several charts inline in one page never share an id.
     */
    static String svg(JFreeChart chart, String id) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGElement(id);
    }

    /**
     * Draws a small chart once, as SVG and PNG, and throws the result away: the first drawing in a JVM loads
     * Java2D, the fonts, JFreeChart and the image encoders (about a second), which this lets happen on another
     * core while the tables are read. Drawing keeps no state that changes a later chart.
     */
    static void warmUp() {
        JFreeChart c = Charts.convergence("warm-up", "step", "F", java.util.List.of(new Charts.BandSeries("m = 1",
                new double[] {0, 1, 2}, new double[] {1, 0.1, 0.01}, new double[] {0.5, 0.05, 0.005},
                new double[] {2, 0.2, 0.02})));
        svg(c, "warm-up");
        png(c);
    }

    /** The chart as PNG bytes. */
    static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(b, chart, WIDTH, HEIGHT);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
