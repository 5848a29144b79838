package org.ratelab.job;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.ratelab.grid.Plan;
import org.ratelab.grid.Planner;
import org.ratelab.grid.Scheduler;
import org.ratelab.spec.SpecLoader;

/**
 * What the driver does at the start of {@code run} before the first task, for {@link PlanScaleTest}'s
 * 10^6-run spec in a JVM of its own: plan, the runs to train ({@link GridJob.Todo}), the batches, each batch's
 * LPT buckets, and the plan's runs serialized as the broadcast ships them. Prints the counts and the
 * serialized size; run with {@code -Xmx1g} it shows that nothing per run beyond an index and a cost is held.
 */
public final class RunStartScale {
    private RunStartScale() {}

    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]);
        Files.writeString(f, BenchPlan.spec("bench_plan", Integer.parseInt(args[1])));
        long t0 = System.nanoTime();
        Plan plan = Planner.plan(SpecLoader.load(f, null));
        GridJob.Todo todo = GridJob.Todo.of(plan, Set.of());
        List<int[]> batches = GridJob.batches(todo, 4, 2, 0);
        long bucketed = 0;
        for (int[] b : batches) {
            double[] c = new double[b.length];
            for (int i = 0; i < b.length; i++) c[i] = plan.cost(b[i]);
            for (int[] bucket : Scheduler.assign(b, c, 4)) bucketed += bucket.length;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan.runs());
        }
        @SuppressWarnings("unchecked")
        List<org.ratelab.train.RunConfig> back = (List<org.ratelab.train.RunConfig>) new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
        int last = plan.runs().size() - 1;
        boolean same = back.get(last).equals(plan.runs().get(last)) && back.get(0).equals(plan.runs().get(0));
        System.out.printf("runs %d todo %d batches %d bucketed %d broadcast_bytes %d same %b seconds %.2f%n",
                plan.runs().size(), todo.index().length, batches.size(), bucketed, bytes.size(), same,
                (System.nanoTime() - t0) / 1e9);
    }
}
