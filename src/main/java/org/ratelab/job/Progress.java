package org.ratelab.job;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.ratelab.train.RunResult;
import org.ratelab.train.RunStatus;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The console progress of {@code run}: runs done / total, diverged and failed counts, elapsed time and an
 * ETA from the plan's estimated costs (elapsed × remaining cost / finished cost).
 *
 * <p>How it is counted: each task adds every run it finishes to Spark accumulators ({@link Counters}, the
 * only thing the task closure captures). A {@link SparkListener} on the driver folds in
 * <ul>
 *   <li>a task's final values when it ends successfully ({@code onTaskEnd}), and</li>
 *   <li>the partial values of tasks still running, which executors send with their heartbeats
 *       ({@code onExecutorMetricsUpdate}, every {@code spark.executor.heartbeatInterval}, 10 s by default).</li>
 * </ul>
 * So the counts are per run but reach the driver at the next heartbeat or task end, whichever comes first;
 * a failed or retried task attempt's partial counts are dropped when it ends, and a recomputed partition
 * (a lost executor) may count its runs twice, so "done" is capped at the total.
 *
 * <p>Display: on a terminal ({@code System.console() != null}) one line rewritten in place once a second
 * ({@code \r} and an ANSI erase-line); otherwise a plain line when the count changed, at most every 10 s.
 */
final class Progress implements AutoCloseable {
    /** The accumulators a task updates; serializable and small. */
    static final class Counters implements Serializable {
        final LongAccumulator done;
        final LongAccumulator diverged;
        final LongAccumulator failed;
        final DoubleAccumulator cost;

        Counters(SparkContext sc) {
            done = sc.longAccumulator("ratelab.runs.done");
            diverged = sc.longAccumulator("ratelab.runs.diverged");
            failed = sc.longAccumulator("ratelab.runs.failed");
            cost = sc.doubleAccumulator("ratelab.runs.cost");
        }

        /** Counts a finished run (called in the task) and returns it. */
        RunResult count(RunResult r) {
            double[] t = tally(r);
            done.add((long) t[0]);
            diverged.add((long) t[1]);
            failed.add((long) t[2]);
            cost.add(t[3]);
            return r;
        }
    }

    /** What a finished run adds to the counts: done, diverged, failed, estimated cost (the accumulators' order). */
    static double[] tally(RunResult r) {
        return new double[] {1, r.status() == RunStatus.DIVERGED ? 1 : 0, r.status() == RunStatus.FAILED ? 1 : 0,
            r.config().cost()};
    }

    private final Counters counters;
    private final Listener listener;
    private final SparkContext sc;
    private final Thread printer;
    private final PrintStream to;
    private final boolean terminal;
    private final long total;
    private final double totalCost;
    private final long t0 = System.nanoTime();

    private Progress(SparkContext sc, long runs, double runsCost, PrintStream to) {
        this.sc = sc;
        this.counters = new Counters(sc);
        this.to = to;
        this.terminal = System.console() != null;
        this.total = runs;
        this.totalCost = runsCost;
        this.listener = new Listener(new long[] {counters.done.id(), counters.diverged.id(),
            counters.failed.id(), counters.cost.id()});
        if (to == null) {
            printer = null;
        } else {
            sc.addSparkListener(listener);
            printer = new Thread(this::loop, "ratelab-progress");
            printer.setDaemon(true);
            printer.start();
        }
    }

    /**
     * Starts counting toward {@code runs} runs of estimated cost {@code runsCost}; with {@code to == null} the
     * counters exist but nothing is shown.
     */
    static Progress start(SparkContext sc, long runs, double runsCost, PrintStream to) {
        return new Progress(sc, runs, runsCost, to);
    }

    Counters counters() { return counters; }

    /** Counts a run finished on the driver, outside any task ({@link HeadStart}). */
    void counted(RunResult r) {
        listener.add(tally(r));
    }

    /** What the job does after training (shown after the run counts), or null while it trains. */
    private volatile String stage;

    /** Shows {@code what} as the job's current stage once the runs are trained (e.g. "laws"). */
    void stage(String what) {
        stage = what;
    }

    private void loop() {
        String last = null;
        long lastPrint = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                TimeUnit.SECONDS.sleep(1);
                String line = line();
                long now = System.nanoTime();
                if (terminal) {
                    to.print("\r\033[2K" + line);
                    to.flush();
                } else if (!line.equals(last) && now - lastPrint >= TimeUnit.SECONDS.toNanos(10)) {
                    to.println(line);
                    lastPrint = now;
                }
                last = line.replaceAll("elapsed.*", "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The progress line as of now. */
    String line() {
        double[] v = listener.values();
        long done = Math.min(total, (long) v[0]);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double costDone = Math.min(v[3], totalCost);
        // Before 5% of the estimated cost is done the ETA is mostly noise (cheap runs tend to finish first).
        String eta = done >= total ? "0s" : costDone >= 0.05 * totalCost && costDone > 0
                ? "~" + duration(elapsed * (totalCost - costDone) / costDone) : "?";
        String what = stage;
        return String.format("ratelab: runs %d/%d (%d%%), %d diverged, %d failed, %selapsed %s, ETA %s", done, total,
                total == 0 ? 100 : 100 * done / total, (long) v[1], (long) v[2],
                what == null ? "" : "analysis: " + what + ", ", duration(elapsed), what == null ? eta : "-");
    }

    static String duration(double s) {
        long t = Math.round(s);
        if (t < 60) return t + "s";
        if (t < 3600) return String.format("%dm%02ds", t / 60, t % 60);
        return String.format("%dh%02dm", t / 3600, (t % 3600) / 60);
    }

    /** Stops the display and prints the final line. */
    @Override
    public void close() {
        if (printer == null) return;
        printer.interrupt();
        try {
            printer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sc.removeSparkListener(listener);
        if (terminal) to.print("\r\033[2K");
        to.println(line());
        to.flush();
    }

    /** Sums finished tasks' values and the latest heartbeat values of running tasks, per accumulator. */
    static final class Listener extends SparkListener {
        private final long[] ids;
        private final double[] finished;
        private final Map<Long, double[]> running = new HashMap<>();
        /** Ended tasks: a heartbeat taken before a task ended may arrive after its end event. */
        private final Set<Long> ended = new HashSet<>();

        Listener(long[] ids) {
            this.ids = ids;
            this.finished = new double[ids.length];
        }

        /** Adds the values of work finished outside any task. */
        synchronized void add(double[] values) {
            for (int i = 0; i < finished.length; i++) finished[i] += values[i];
        }

        synchronized double[] values() {
            double[] v = finished.clone();
            for (double[] r : running.values()) for (int i = 0; i < v.length; i++) v[i] += r[i];
            return v;
        }

        @Override
        public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate u) {
            for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
                    : CollectionConverters.asJava(u.accumUpdates())) {
                if (ended.contains((Long) t._1())) continue;
                double[] r = running.computeIfAbsent((Long) t._1(), k -> new double[ids.length]);
                read(CollectionConverters.asJava(t._4()), r, false);
            }
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
            running.remove(e.taskInfo().taskId());
            ended.add(e.taskInfo().taskId());
            TaskEndReason reason = e.reason();
            if (reason instanceof org.apache.spark.Success$) {
                read(CollectionConverters.asJava(e.taskInfo().accumulables()), finished, true);
            }
        }

        /** Copies (or adds) the update values of our accumulators into {@code into}. */
        private void read(Iterable<AccumulableInfo> infos, double[] into, boolean add) {
            for (AccumulableInfo a : infos) {
                for (int i = 0; i < ids.length; i++) {
                    if (a.id() == ids[i] && a.update().isDefined()) {
                        double x = ((Number) a.update().get()).doubleValue();
                        into[i] = add ? into[i] + x : x;
                    }
                }
            }
        }
    }
}
