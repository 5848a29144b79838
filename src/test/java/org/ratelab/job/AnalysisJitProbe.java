package org.ratelab.job;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ratelab.fits.Bootstrap;

/**
 * {@link AnalysisJitTest}'s child JVM: calls the analysis's hot helpers as a big grid's analysis calls them
 * (curve rows of {@link LocalAnalysis#CURVE_COLUMNS} with strings, longs, doubles, NaN and nulls; max and min of
 * two columns; the bootstraps after their warm-up), long enough for the optimizing compiler to take them, and
 * prints a checksum so that nothing is dead code.
 */
public final class AnalysisJitProbe {
    private AnalysisJitProbe() {}

    public static void main(String[] args) {
        int width = LocalAnalysis.CURVE_COLUMNS.size();
        int alpha = LocalAnalysis.CURVE_COLUMNS.indexOf("loj_alpha");
        int noise = LocalAnalysis.CURVE_COLUMNS.indexOf("noise_ratio");
        SplittableRandom rng = new SplittableRandom(3);
        List<List<Object[]>> curves = new ArrayList<>();
        for (int run = 0; run < 64; run++) {
            List<Object[]> points = new ArrayList<>();
            for (int p = 0; p < 18; p++) {
                Object[] row = new Object[width];
                row[0] = "run-" + run;
                row[1] = "experiment";
                row[2] = "gd";
                row[3] = (long) p;
                row[4] = (long) p;
                for (int c = 5; c < width; c++) {
                    int kind = rng.nextInt(8);
                    row[c] = kind == 0 ? null : kind == 1 ? Double.NaN : kind == 2 ? -0.0 : rng.nextGaussian();
                }
                points.add(row);
            }
            curves.add(points);
        }
        double sum = 0;
        long end = System.nanoTime() + 4_000_000_000L;
        for (int i = 0; System.nanoTime() < end || i < 400_000; i++) {
            List<Object[]> points = curves.get(i & 63);
            Double a = LocalAnalysis.sqlExtreme(points, alpha, false);
            Double b = LocalAnalysis.sqlExtreme(points, noise, true);
            sum += (a == null ? 0 : a) + (b == null ? 0 : b);
        }
        sum += Bootstrap.warmUp();
        System.out.println("checksum " + sum);
    }
}
