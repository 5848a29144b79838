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
