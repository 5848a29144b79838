package org.ratelab.probes;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ratelab.train.RunConfig;
import org.ratelab.grid.RunBinder;
import org.ratelab.train.RunResult;
import org.ratelab.train.Trainer;

/** Shared helpers of the probe tests: a run from its sections, through the real binder and trainer. */
final class ProbeFixtures {
    private ProbeFixtures() {}

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static RunConfig config(long seed, Map<String, Object> data, Map<String, Object> model,
                            Map<String, Object> optimizer, Map<String, Object> train, Map<String, Object> probes) {
        Map<String, Object> tree = map("seed", seed, "data", data, "model", model, "optimizer", optimizer,
                "train", train);
        if (probes != null) tree.put("probes", probes);
        RunBinder.Bound b = RunBinder.bind("probe-test", tree);
        return new RunConfig("t", "probe-test", 0, b.seed(), b.data(), b.model(), b.optimizer(), b.train(),
                Map.of(), "", "{}", 0, b.probes());
    }

    static RunResult run(long seed, Map<String, Object> data, Map<String, Object> model,
                         Map<String, Object> optimizer, Map<String, Object> train, Map<String, Object> probes) {
        return Trainer.train(config(seed, data, model, optimizer, train, probes));
    }

    /** Every expensive probe on at every recorded point, with generous budgets. */
    static Map<String, Object> allOn() {
        return map("escape_radius", 0.5,
                "hessian", map("enabled", true, "max_iter", 50),
                "ntk", map("enabled", true),
                "noise", map("enabled", true),
                "particles", map("enabled", true));
    }

    /** Every switchable probe off. */
    static Map<String, Object> allOff() {
        Map<String, Object> off = map("enabled", false);
        return map("test_loss", off, "param_norm", off, "dist", off, "update_norm", off, "pl", off,
                "effective_lr", off);
    }

    static double value(CurvePoint p, int metric) {
        if (!p.has(metric)) throw new AssertionError(Metrics.NAMES.get(metric) + " not measured at step " + p.step());
        return p.get(metric);
    }
}
