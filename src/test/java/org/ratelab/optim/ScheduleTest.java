package org.ratelab.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ratelab.api.Keys;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/**
 * The schedule kinds against closed forms derived by hand (each expected value below is worked out in its
 * comment), their canonical forms and round trips, their one-line errors, and that they are pure: no
 * allocation per call, serializable. torch's lr sequences are {@link TorchScheduleGoldensTest}'s.
 */
class ScheduleTest {
    static Schedule parse(Map<String, Object> m) {
        return Schedules.parse(new Node("optimizer.schedule", m));
    }

    static Schedule parse(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return parse(m);
    }

    static SpecException rejects(Map<String, Object> section) {
        return assertThrows(SpecException.class, () -> OptimizerSpecTest.parse(Map.of("name", "gd", "schedule", section)));
    }

    @Test
    void everyKindIsRegisteredBuiltInsFirst() {
        assertEquals(List.of("constant", "robbins_monro", "step_decay", "linear_scaling", "cosine", "linear_warmup",
                "linear_decay", "one_cycle", "inverse_sqrt", "wsd"), Schedules.names());
        assertEquals(Schedule.CONSTANT, parse(Map.of()));
        assertEquals(Schedule.CONSTANT, parse("kind", "constant"));
    }

    @Test
    void cosineClosedForms() {
        // m + (1 - m)(1 + cos(pi t/T))/2 with m = 0.2, T = 10: t = 0 -> 1, t = 5 -> (1 + m)/2 = 0.6, t = 10 -> m
        Schedule c = parse("kind", "cosine", "t_max", 10, "min_factor", 0.2);
        assertEquals(1.0, c.factor(0));
        assertEquals(0.6, c.factor(5), 1e-15);
        assertEquals(0.2, c.factor(10), 1e-15);
        // without restarts it follows the cosine back up (torch's CosineAnnealingLR): t = 15 -> 0.6, t = 20 -> 1
        assertEquals(0.6, c.factor(15), 1e-15);
        assertEquals(1.0, c.factor(20), 1e-15);
        // t = 2.5 of 10: (1 + cos(pi/4))/2 = (2 + sqrt 2)/4 with m = 0
        assertEquals((2 + Math.sqrt(2)) / 4, parse("kind", "cosine", "t_max", 4).factor(1), 1e-15);
        // restarts with t_mult = 1: period 10, factor(10) = factor(0) = 1, factor(25) = factor(5)
        Schedule r = parse("kind", "cosine", "t_max", 10, "min_factor", 0.2, "restarts", true);
        assertEquals(1.0, r.factor(10));
        assertEquals(0.6, r.factor(25), 1e-15);
        // t_mult = 2: periods [0, 10), [10, 30), [30, 70): restarts at 10, 30, 70; midpoints 20 and 50
        Schedule r2 = parse("kind", "cosine", "t_max", 10, "restarts", true, "t_mult", 2);
        for (long k : new long[] {0, 10, 30, 70, 150}) assertEquals(1.0, r2.factor(k), "restart at " + k);
        assertEquals(0.5, r2.factor(20), 1e-15);
        assertEquals(0.5, r2.factor(50), 1e-15);
        assertEquals(0.5, r2.factor(110), 1e-15);   // period [70, 150) of length 80
        assertTrue(r2.factor(69) < 1e-2, "the end of a period is near the minimum: " + r2.factor(69));
    }

    @Test
    void linearWarmupComposesAnySchedule() {
        // s + (1 - s) k/w with s = 0.2, w = 10: k = 5 -> 0.6; from k = w the inner schedule from its step 0
        Schedule s = parse("kind", "linear_warmup", "warmup_steps", 10, "start_factor", 0.2,
                "then", Map.of("kind", "cosine", "t_max", 90));
        assertEquals(0.2, s.factor(0));
        assertEquals(0.6, s.factor(5), 1e-15);
        assertEquals(1.0, s.factor(10));
        assertEquals(0.5, s.factor(55), 1e-15);     // cosine at t = 45 of 90
        assertEquals(0.0, s.factor(100), 1e-15);    // cosine at t = 90
        // default start_factor 0 and the default inner schedule (constant)
        Schedule plain = parse("kind", "linear_warmup", "warmup_steps", 4);
        assertEquals(List.of(0.0, 0.25, 0.5, 0.75, 1.0, 1.0), List.of(plain.factor(0), plain.factor(1), plain.factor(2),
                plain.factor(3), plain.factor(4), plain.factor(1000)));
        // any inner kind, the batch-dependent one too: linear_scaling's s = B/base_batch = 4 after the warm-up
        Schedule goyal = parse("kind", "linear_warmup", "warmup_steps", 2,
                "then", Map.of("kind", "linear_scaling", "base_batch", 2));
        assertTrue(goyal.batchDependent());
        assertEquals(4.0, goyal.factor(5, 8));
        assertThrows(IllegalStateException.class, () -> goyal.factor(5));
        // nested warm-ups and robbins_monro inside: ((k - 4 + 1)/1)^(-1/2) at k = 7 -> 1/2
        Schedule nested = parse("kind", "linear_warmup", "warmup_steps", 2, "then", Map.of("kind", "linear_warmup",
                "warmup_steps", 2, "then", Map.of("kind", "robbins_monro", "q", 0.5, "n0", 1)));
        assertEquals(0.5, nested.factor(7), 1e-15);
    }

    @Test
    void linearDecayClosedForm() {
        // start + (end - start) min(k, T)/T with 0.9 -> 0.1 over 8: k = 2 -> 0.7, k >= 8 -> 0.1
        Schedule d = parse("kind", "linear_decay", "start_factor", 0.9, "end_factor", 0.1, "total_iters", 8);
        assertEquals(0.9, d.factor(0));
        assertEquals(0.7, d.factor(2), 1e-15);
        assertEquals(0.1, d.factor(8), 1e-15);
        assertEquals(0.1, d.factor(80), 1e-15);
        assertEquals(0.5, parse("kind", "linear_decay", "total_iters", 10).factor(5), 1e-15);   // 1 -> 0 by default
    }

    @Test
    void oneCycleClosedForms() {
        // T = 100, p = 0.3: e1 = 29; cos from a = 1/25 to 1 on [0, 29], then 1 to z = a/1e4 on [29, 99]
        Schedule o = parse("kind", "one_cycle", "total_steps", 100);
        double a = 1 / 25.0;
        double z = a / 1e4;
        assertEquals(a, o.factor(0), 1e-15);
        assertEquals(1.0, o.factor(29), 1e-15);
        assertEquals((1 + z) / 2, o.factor(64), 1e-15);   // the middle of [29, 99]
        assertEquals(z, o.factor(99), 1e-15);
        assertEquals(z, o.factor(5000), 1e-15);              // held after the cycle
        // linear, three phases, T = 50, p = 0.2, div 10, final 100: e1 = 9, e2 = 18;
        // up 0.1 -> 1 on [0, 9], down 1 -> 0.1 on [9, 18], 0.1 -> 0.001 on [18, 49]
        Schedule l = parse("kind", "one_cycle", "total_steps", 50, "pct_start", 0.2, "anneal_strategy", "linear",
                "div_factor", 10, "final_div_factor", 100, "three_phase", true);
        assertEquals(0.1, l.factor(0), 1e-15);
        assertEquals(0.4, l.factor(3), 1e-15);        // 0.1 + 0.9 * 3/9
        assertEquals(1.0, l.factor(9), 1e-15);
        assertEquals(0.6, l.factor(13), 1e-15);       // 1 - 0.9 * 4/9
        assertEquals(0.1, l.factor(18), 1e-15);
        assertEquals(0.1 - 0.099 * 15 / 31, l.factor(33), 1e-15);   // x = (33 - 18)/(49 - 18)
        assertEquals(0.001, l.factor(49), 1e-15);
    }

    @Test
    void inverseSqrtClosedForms() {
        // T5: sqrt(w/max(k, w)), w = 16: 1 up to k = 16, 1/2 at k = 64, 1/3 at 144, 1/10 at 1600
        Schedule t5 = parse("kind", "inverse_sqrt", "warmup_steps", 16);
        assertEquals(1.0, t5.factor(0));
        assertEquals(1.0, t5.factor(16));
        assertEquals(0.5, t5.factor(64), 1e-15);
        assertEquals(1.0 / 3, t5.factor(144), 1e-15);
        assertEquals(0.1, t5.factor(1600), 1e-15);
        // fairseq (warmup_init_lr = 0): lr k/w for k < w, then lr sqrt(w) k^(-1/2), here with lr = 0.7, w = 8
        Schedule fs = parse("kind", "inverse_sqrt", "warmup_steps", 8, "start_factor", 0.0);
        double lr = 0.7;
        double step = lr / 8;                   // fairseq's lr_step = (lr - warmup_init_lr)/warmup_updates
        double decay = lr * Math.sqrt(8);       // its decay_factor
        for (long k = 0; k < 1000; k++) {
            double fairseq = k < 8 ? k * step : decay * Math.pow(k, -0.5);
            assertEquals(fairseq, lr * fs.factor(k), 1e-15 * lr, "k = " + k);
        }
    }

    @Test
    void wsdClosedForms() {
        // w = 10, T = 100, d = round(0.2 * 100) = 20, S = 80, linear, m = 0.1:
        // k/10 below 10; 1 on [10, 80); 0.1 + 0.9 (1 - (k - 80)/20) on [80, 100); 0.1 from 100
        Schedule s = parse("kind", "wsd", "warmup_steps", 10, "total_steps", 100, "decay_fraction", 0.2,
                "decay_shape", "linear", "min_factor", 0.1);
        assertEquals(0.0, s.factor(0));
        assertEquals(0.5, s.factor(5), 1e-15);
        assertEquals(1.0, s.factor(10));
        assertEquals(1.0, s.factor(79));
        assertEquals(1.0, s.factor(80));
        assertEquals(0.55, s.factor(90), 1e-15);
        assertEquals(0.1 + 0.9 / 20, s.factor(99), 1e-15);
        assertEquals(0.1, s.factor(100));
        assertEquals(0.1, s.factor(10_000));
        // 1-sqrt (the default shape), no warm-up, m = 0: at k = S + d/4, 1 - sqrt(1/4) = 1/2
        Schedule sq = parse("kind", "wsd", "total_steps", 100);
        assertEquals(1.0, sq.factor(0));
        assertEquals(0.5, sq.factor(85), 1e-15);
        // cosine: (1 + cos(pi/2))/2 = 1/2 at the middle of the decay
        assertEquals(0.5, parse("kind", "wsd", "total_steps", 100, "decay_shape", "cosine").factor(90), 1e-15);
        // d is rounded: 0.29 * 100 = 28.999999999999996 -> 29 decay steps, the decay starts at 71
        Schedule r = parse("kind", "wsd", "total_steps", 100, "decay_fraction", 0.29, "decay_shape", "linear");
        assertEquals(1.0, r.factor(70));
        assertEquals(1.0 - 1.0 / 29, r.factor(72), 1e-15);
    }

    @Test
    void classicKindsKeepTheirSevenKeyCanonicalForm() {
        Set<String> seven = Set.of("kind", "q", "n0", "decay", "every", "warmup_steps", "base_batch");
        for (String kind : List.of("constant", "robbins_monro", "step_decay", "linear_scaling")) {
            Schedule s = kind.equals("step_decay") ? parse("kind", kind, "every", 3) : parse("kind", kind);
            assertEquals(seven, s.canonical().keySet(), kind);
            assertEquals(s, parse(new LinkedHashMap<>(s.canonical())), kind);
        }
        // the keys a kind does not use are still accepted (and enter the canonical form) as before the registry
        Schedule rm = parse("kind", "robbins_monro", "q", 0.5, "decay", 0.3);
        assertEquals(0.3, rm.canonical().get("decay"));
        assertEquals(Map.of("kind", "constant", "q", 1.0, "n0", 1.0, "decay", 0.1, "every", 0L, "warmup_steps", 0L,
                "base_batch", 256), Schedule.CONSTANT.canonical());
    }

    @Test
    void newKindsCanonicalizeTheirOwnKeysAndRoundTrip() {
        Schedule s = parse("kind", "linear_warmup", "warmup_steps", 10, "then",
                Map.of("kind", "wsd", "total_steps", 200, "decay_shape", "cosine"));
        Map<String, Object> c = s.canonical();
        assertEquals(Set.of("kind", "warmup_steps", "start_factor", "then"), c.keySet());
        assertEquals(Map.of("kind", "wsd", "warmup_steps", 0L, "total_steps", 200L, "decay_fraction", 0.2,
                "decay_shape", "cosine", "min_factor", 0.0), c.get("then"));
        assertEquals(s, parse(new LinkedHashMap<>(c)));
        for (Map<String, Object> section : List.<Map<String, Object>>of(
                Map.of("kind", "cosine", "t_max", 7, "restarts", true, "t_mult", 3),
                Map.of("kind", "linear_decay", "total_iters", 7),
                Map.of("kind", "one_cycle", "total_steps", 70, "three_phase", true),
                Map.of("kind", "inverse_sqrt", "warmup_steps", 7))) {
            Schedule x = parse(section);
            assertEquals(section.get("kind"), x.canonical().get("kind"));
            assertEquals(x, parse(new LinkedHashMap<>(x.canonical())), section.toString());
        }
        // inside an optimizer section: the schedule's own canonical map, so two schedules give two run_ids
        OptimizerSpec a = OptimizerSpecTest.parse(Map.of("name", "sgd", "lr", 0.1, "schedule", Map.of("kind", "cosine", "t_max", 50)));
        OptimizerSpec b = OptimizerSpecTest.parse(Map.of("name", "sgd", "lr", 0.1, "schedule", Map.of("kind", "cosine", "t_max", 60)));
        assertEquals(Map.of("kind", "cosine", "t_max", 50L, "min_factor", 0.0, "restarts", false, "t_mult", 1L),
                a.canonical().get("schedule"));
        assertNotEquals(a.canonical(), b.canonical());
        assertEquals(a, OptimizerSpecTest.parse(new LinkedHashMap<>(a.canonical())));
    }

    @Test
    void badInputIsOneLineNamingTheKey() {
        assertMessage(rejects(Map.of("kind", "wsd", "warmup_steps", 90, "total_steps", 100)),
                "optimizer.schedule.warmup_steps: warm-up (90) and decay (round(decay_fraction * total_steps) = 20) "
                        + "together exceed total_steps (100)");
        assertMessage(rejects(Map.of("kind", "cosine", "t_max", 0)), "optimizer.schedule.t_max: must be >= 1, got 0");
        assertMessage(rejects(Map.of("kind", "cosine")), "optimizer.schedule.t_max: is required");
        assertMessage(rejects(Map.of("kind", "cosine", "t_max", 5, "t_mult", 2)), "optimizer.schedule.t_mult: needs restarts");
        assertMessage(rejects(Map.of("kind", "cosine", "t_max", 5, "eta_min", 0.1)), "optimizer.schedule.eta_min: cosine's floor is min_factor, a fraction of the optimizer's lr (torch's eta_min / lr)");
        assertMessage(rejects(Map.of("kind", "linear_warmup", "warmup_steps", 5, "then", Map.of("kind", "cosin"))),
                "optimizer.schedule.then.kind: unknown value 'cosin'; expected one of constant, robbins_monro");
        assertMessage(rejects(Map.of("kind", "linear_warmup", "warmup_steps", 5, "then", Map.of("kind", "cosine", "t_max", -1))),
                "optimizer.schedule.then.t_max: must be >= 1, got -1");
        assertMessage(rejects(Map.of("kind", "linear_warmup", "warmup_steps", 0)), "optimizer.schedule.warmup_steps: must be >= 1");
        assertMessage(rejects(Map.of("kind", "one_cycle", "total_steps", 10, "pct_start", 0.05)),
                "optimizer.schedule.pct_start: must make pct_start * total_steps > 1");
        assertMessage(rejects(Map.of("kind", "one_cycle", "total_steps", 10, "pct_start", 0.6, "three_phase", true)),
                "optimizer.schedule.pct_start: must leave a third phase");
        assertMessage(rejects(Map.of("kind", "one_cycle", "total_steps", 10, "anneal_strategy", "cosine")),
                "optimizer.schedule.anneal_strategy: unknown value 'cosine'; expected one of cos, linear");
        assertMessage(rejects(Map.of("kind", "step_decay")), "optimizer.schedule.every: is required");
    }

    static void assertMessage(SpecException e, String start) {
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void kindsDocumentTheirKeysFromTheParser() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Keys.Key k : Keys.of(Schedules.REGISTRY.get("cosine"))) keys.put(k.path(), k.dflt() + " | " + k.doc());
        assertEquals(List.of("t_max", "min_factor", "restarts", "t_mult"), List.copyOf(keys.keySet()));
        assertTrue(keys.get("t_max").startsWith("required | T_max"), keys.toString());
        List<String> warm = Keys.of(Schedules.REGISTRY.get("linear_warmup")).stream().map(Keys.Key::path).toList();
        assertEquals(List.of("warmup_steps", "start_factor", "then"), warm);
        // the classic kinds document only the keys they use
        assertEquals(List.of("q", "n0"), Keys.of(Schedules.REGISTRY.get("robbins_monro")).stream().map(Keys.Key::path).toList());
        assertEquals(List.of(), Keys.of(Schedules.REGISTRY.get("constant")));
        // an optimizer documents schedule.kind and leaves the schedule's keys to `kinds schedule`
        List<String> sgd = Keys.of(Optimizers.REGISTRY.get("sgd")).stream().map(Keys.Key::path).toList();
        assertTrue(sgd.contains("schedule.kind") && !sgd.contains("schedule.q"), sgd.toString());
    }

    @Test
    void schedulesArePureSerializableAndAllocateNothing() throws Exception {
        Schedule s = parse("kind", "linear_warmup", "warmup_steps", 10, "then",
                Map.of("kind", "cosine", "t_max", 10, "restarts", true, "t_mult", 2, "min_factor", 0.1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertEquals(s, back);
        Schedule[] all = List.of(s, parse("kind", "one_cycle", "total_steps", 1000),
                parse("kind", "wsd", "total_steps", 1000), parse("kind", "inverse_sqrt", "warmup_steps", 10),
                parse("kind", "linear_decay", "total_iters", 500)).toArray(Schedule[]::new);
        double[] sink = new double[1];
        Runnable body = () -> {
            for (int i = 0; i < all.length; i++) for (long k = 0; k < 2000; k++) sink[0] += all[i].factor(k, 8);
        };
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 20 && least > 0; round++) {
            long b0 = mx.getThreadAllocatedBytes(tid);
            body.run();
            least = Math.min(least, mx.getThreadAllocatedBytes(tid) - b0);
        }
        assertEquals(0, least, "bytes allocated by 10000 factor calls");
        assertTrue(sink[0] > 0);
    }
}
