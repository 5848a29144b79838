package org.ratelab.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import org.ratelab.grid.Plan;
import org.ratelab.linalg.NativeBlas;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/**
 * Runs trained on the driver while a local Spark session starts. In local mode the driver's JVM is the one
 * executor, so a run trained here is trained as in a task: the same {@link Trainer#train}, the same BLAS
 * choice, one thread. Nothing is written here: the results wait in memory until the output directory is
 * ready, and {@link GridJob#execute} commits them as the job's first batch, with the files a task would have
 * written; Spark trains the rest. The cheapest runs go first, one at a time, until {@code stop} says the
 * session is up. A run whose estimated time is over {@link #MAX_RUN_SECONDS} is never taken, so the head
 * start ends at most about that long after the session is ready; at most {@code maxRuns} results are held, and
 * no run is started once their curves hold about a tenth of the driver's heap.
 *
 * <p>A grid of a few small runs is thereby trained before Spark is up, and its job has no training job at
 * all: in a fresh JVM the first Spark job costs far more than such a grid's training.
 */
final class HeadStart {
    private HeadStart() {}

    /** Spark conf key: "false" switches the head start off ({@code --conf spark.ratelab.headStart=false}). */
    static final String CONF = "spark.ratelab.headStart";
    /** The longest estimated run the driver trains while Spark starts, in seconds. */
    static final double MAX_RUN_SECONDS = 0.5;
    /** The most runs the driver trains (and holds) while Spark starts. */
    static final int MAX_RUNS = 2000;
    /**
     * About what a held curve point costs on the heap, in bytes (a {@code CurvePoint}: its values array, its
     * maps and headers); the head start holds points for at most a tenth of the driver's heap.
     */
    static final long POINT_BYTES = 512;

    /** Whether a master is the one-JVM local mode ({@code local}, {@code local[N]}, {@code local[N,F]}): not local-cluster. */
    static boolean inProcess(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * Trains up to {@code maxRuns} of the plan's cheapest runs (estimated cost, ties in plan order), one at a
     * time with the BLAS library {@code blas} ({@link NativeBlas#parse} form, null for the bundled one), until
     * {@code stop} is true; it is asked before each run. Returns the results in the order trained.
     */
    static List<RunResult> train(Plan plan, int maxRuns, String blas, BooleanSupplier stop) {
        return train(plan, maxRuns, Runtime.getRuntime().maxMemory() / 10 / POINT_BYTES, blas, stop);
    }

    /** Like the four-argument form; no run is started once the results hold more than {@code maxPoints} curve points. */
    static List<RunResult> train(Plan plan, int maxRuns, long maxPoints, String blas, BooleanSupplier stop) {
        List<RunResult> done = new ArrayList<>();
        if (maxRuns <= 0 || stop.getAsBoolean()) return done;
        String choice = NativeBlas.parse(blas);
        NativeBlas.select(choice != null ? choice : NativeBlas.BUNDLED);
        long points = 0;
        for (int i : cheapest(plan, maxRuns, MAX_RUN_SECONDS * PlanCommand.ASSUMED_FLOPS_PER_CORE)) {
            if (points > maxPoints || stop.getAsBoolean()) break;
            RunResult r = Trainer.train(plan.runs().get(i));
            done.add(r);
            points += r.curve().size();
        }
        return done;
    }

    /**
     * The plan indices of at most {@code k} runs of estimated cost at most {@code maxCost}, cheapest first
     * (ties in plan order): one pass over the plan's costs with a bounded heap, since a plan may hold 10^6 runs.
     */
    static int[] cheapest(Plan plan, int k, double maxCost) {
        int n = plan.runs().size();
        double[] cost = new double[n];
        Comparator<Integer> order = Comparator.<Integer>comparingDouble(i -> cost[i]).thenComparingInt(i -> i);
        PriorityQueue<Integer> worst = new PriorityQueue<>(Math.max(1, Math.min(k, n)), order.reversed());
        for (int i = 0; i < n; i++) {
            cost[i] = plan.cost(i);
            if (cost[i] > maxCost) continue;
            if (worst.size() < k) {
                worst.add(i);
            } else if (order.compare(i, worst.peek()) < 0) {
                worst.poll();
                worst.add(i);
            }
        }
        return worst.stream().sorted(order).mapToInt(Integer::intValue).toArray();
    }
}
