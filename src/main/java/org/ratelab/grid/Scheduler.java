package org.ratelab.grid;

import org.ratelab.train.RunConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Assigns runs to Spark partitions by estimated cost, longest-processing-time first (Graham 1969): runs
 * sorted by decreasing cost, each to the currently lightest partition. The makespan is at most 4/3 of the
 * optimum; with many more runs than partitions it approaches total work / partitions.
 */
public final class Scheduler {
    private Scheduler() {}

    /** Partitions of runs (each in plan order), heaviest partition first; never an empty partition. */
    public static List<List<RunConfig>> assign(List<RunConfig> runs, int partitions) {
        int[] index = new int[runs.size()];
        double[] cost = new double[runs.size()];
        java.util.Map<Integer, RunConfig> byIndex = new java.util.HashMap<>();
        for (int i = 0; i < index.length; i++) {
            RunConfig r = runs.get(i);
            index[i] = r.index();
            cost[i] = r.cost();
            byIndex.put(r.index(), r);
        }
        List<List<RunConfig>> out = new ArrayList<>();
        for (int[] bin : assign(index, cost, partitions)) {
            List<RunConfig> b = new ArrayList<>(bin.length);
            for (int i : bin) b.add(byIndex.get(i));
            out.add(b);
        }
        return out;
    }

    /**
     * {@link #assign(List, int)} on run indices: {@code index[i]} is a run's plan index and {@code cost[i]} its
     * estimated cost; returns each partition's plan indices in increasing order, heaviest partition first,
     * never an empty partition. Holds nothing per run but the two arrays.
     */
    public static int[][] assign(int[] index, double[] cost, int partitions) {
        int n = index.length;
        int p = Math.max(1, Math.min(partitions, n));
        Integer[] sorted = new Integer[n];
        for (int i = 0; i < n; i++) sorted[i] = i;
        java.util.Arrays.sort(sorted, Comparator.<Integer>comparingDouble(i -> -cost[i])
                .thenComparingInt(i -> index[i]));
        double[] load = new double[p];
        int[] fill = new int[p];
        int[] binOf = new int[n];
        PriorityQueue<Integer> queue = new PriorityQueue<>(
                Comparator.<Integer>comparingDouble(i -> load[i]).thenComparingInt(i -> i));
        for (int i = 0; i < p; i++) queue.add(i);
        for (int r : sorted) {
            int b = queue.poll();
            binOf[r] = b;
            fill[b]++;
            load[b] += cost[r];
            queue.add(b);
        }
        int[][] bins = new int[p][];
        for (int b = 0; b < p; b++) bins[b] = new int[fill[b]];
        int[] at = new int[p];
        for (int r = 0; r < n; r++) bins[binOf[r]][at[binOf[r]]++] = index[r];
        for (int[] bin : bins) java.util.Arrays.sort(bin);
        Integer[] order = new Integer[p];
        for (int i = 0; i < p; i++) order[i] = i;
        java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -load[i]).thenComparingInt(i -> i));
        int[][] out = new int[p][];
        for (int i = 0; i < p; i++) out[i] = bins[order[i]];
        return out;
    }

    /** The largest partition load divided by the ideal (total / partitions). */
    public static double makespanRatio(List<List<RunConfig>> bins) {
        double total = 0;
        double max = 0;
        for (List<RunConfig> b : bins) {
            double s = 0;
            for (RunConfig r : b) s += r.cost();
            total += s;
            max = Math.max(max, s);
        }
        return total == 0 ? 1.0 : max / (total / bins.size());
    }

    /** Partitions of runs dealt in plan order, run i to partition i mod p: the naive baseline. */
    public static List<List<RunConfig>> roundRobin(List<RunConfig> runs, int partitions) {
        int p = Math.max(1, Math.min(partitions, runs.size()));
        List<List<RunConfig>> out = new ArrayList<>();
        for (int i = 0; i < p; i++) out.add(new ArrayList<>());
        for (int i = 0; i < runs.size(); i++) out.get(i % p).add(runs.get(i));
        return out;
    }

    /** The estimated cost of each task (partition), in the order given. */
    public static double[] loads(List<List<RunConfig>> tasks) {
        double[] l = new double[tasks.size()];
        for (int i = 0; i < l.length; i++) for (RunConfig r : tasks.get(i)) l[i] += r.cost();
        return l;
    }

    /**
     * The makespan of tasks run on {@code cores} slots the way Spark's FIFO scheduler runs them: in
     * submission order, each task on the first slot to become free (list scheduling). Tasks cost what
     * their runs are estimated to cost.
     */
    public static double listMakespan(double[] taskCosts, int cores) {
        int c = Math.max(1, cores);
        PriorityQueue<Double> free = new PriorityQueue<>();
        for (int i = 0; i < c; i++) free.add(0.0);
        double end = 0;
        for (double t : taskCosts) {
            double done = free.poll() + t;
            end = Math.max(end, done);
            free.add(done);
        }
        return end;
    }

    /** Sum of the costs. */
    public static double total(double[] costs) {
        double s = 0;
        for (double c : costs) s += c;
        return s;
    }
}
