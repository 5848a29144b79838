package org.ratelab.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Per-run rates from synthetic curves with a known rate, floor and thresholds (no Spark needed). */
class RatesTest {
    /** Curve rows in the layout Rates.fitRun reads. */
    static List<Row> curve(long[] steps, double[] loss, double fStar, int batch, long callsPerStep) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            rows.add(RowFactory.create("r", "e", "sgd", steps[i], steps[i] * callsPerStep, loss[i], 1.0, fStar,
                    batch, null));
        }
        return rows;
    }

    static Row find(Iterator<Row> it, String metric, String kind, Double eps) {
        while (it.hasNext()) {
            Row r = it.next();
            boolean epsMatch = eps == null ? r.isNullAt(11) : !r.isNullAt(11) && r.getDouble(11) == eps;
            if (r.getString(3).equals(metric) && r.getString(4).equals(kind) && epsMatch) return r;
        }
        throw new AssertionError("no row " + metric + "/" + kind + " " + eps);
    }

    /**
     * Geometric decay at 0.99 per step into a stochastic floor of 1e-4 (noise of ±20%): the linear rate comes
     * from the decay alone, the noise floor is the tail's mean, and the thresholds are hit where they should be.
     */
    @Test
    void rateRobustToANoiseFloorAndTheFloorRecovered() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 400;
        long[] steps = new long[n];
        double[] loss = new double[n];
        double floor = 1e-4;
        double fStar = 0.5;
        for (int i = 0; i < n; i++) {
            steps[i] = 5L * i;
            double decay = 2.0 * Math.pow(0.99, steps[i]);
            loss[i] = fStar + decay + floor * (1 + 0.2 * (2 * rng.nextDouble() - 1));
        }
        FitSpec spec = new FitSpec(new double[] {1e-2, 1e-6}, 0.999, 0.99, 0, 0, 0.25, 200, 0.95, new double[0]);
        List<Row> rows = curve(steps, loss, fStar, 8, 8);
        Row lin = find(Rates.fitRun("r", rows.iterator(), spec), "loss", "linear", null);
        assertEquals(0.99, lin.getDouble(5), 2e-4, "rate from the decay, not the floor");
        assertTrue(lin.getLong(8) < 1200, "window ends before the floor: " + lin.getLong(8));
        assertEquals(Math.pow(0.99, 1.0 / 8), lin.getDouble(10), 2e-4, "per oracle call: 8 per step");

        Row nf = find(Rates.fitRun("r", rows.iterator(), spec), "loss", "noise_floor", null);
        assertEquals(floor, nf.getDouble(5), 0.05 * floor);
        assertEquals(steps[n - 100], nf.getLong(7), "the last quarter of the recorded steps");

        Row hit = find(Rates.fitRun("r", rows.iterator(), spec), "loss", "steps_to_eps", 1e-2);
        // 2 * 0.99^k + ~1e-4 <= 1e-2 first at k = 530 (0.99^530 = 0.00486); recorded every 5 steps
        assertEquals(530, hit.getDouble(5), 1e-9);
        Row calls = find(Rates.fitRun("r", rows.iterator(), spec), "loss", "oracle_calls_to_eps", 1e-2);
        assertEquals(530 * 8, calls.getDouble(5), 1e-9);
        Row never = find(Rates.fitRun("r", rows.iterator(), spec), "loss", "steps_to_eps", 1e-6);
        assertNull(never.get(5), "below the floor: never reached");
    }

    /** A full-batch run has no noise-floor row; a configured power window is used as given. */
    @Test
    void powerWindowAndNoFloorForFullBatch() {
        int n = 60;
        long[] steps = new long[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = Math.round(Math.pow(10, 4.0 * i / (n - 1)));
            loss[i] = 3.0 * Math.pow(steps[i], -0.75) + (steps[i] < 100 ? 1.0 : 0.0);
        }
        FitSpec spec = new FitSpec(new double[0], 0.999, 0.99, 100, 10000, 0.25, 200, 0.95, new double[0]);
        Iterator<Row> it = Rates.fitRun("r", curve(steps, loss, 0.0, 0, 512).iterator(), spec);
        List<String> kinds = new ArrayList<>();
        Row power = null;
        while (it.hasNext()) {
            Row r = it.next();
            kinds.add(r.getString(3) + "/" + r.getString(4));
            if (r.getString(3).equals("loss") && r.getString(4).equals("power")) power = r;
        }
        assertTrue(!kinds.contains("loss/noise_floor"), kinds.toString());
        assertEquals(-0.75, power.getDouble(5), 1e-9, "exact on the configured window");
        assertTrue(power.getLong(7) >= 100 && power.getLong(8) <= 10000, "inside the configured window");
    }
}
