package org.ratelab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.ratelab.api.Registry;
import org.ratelab.model.Models;
import org.ratelab.optim.OptimizerSpec;
import org.ratelab.optim.Optimizers;
import org.ratelab.testkit.Check;
import org.ratelab.testkit.ModelConformance;
import org.ratelab.testkit.OptimizerConformance;
import org.ratelab.testkit.Problem;

/**
 * Every built-in optimizer and model through the conformance kit ({@code org.ratelab.testkit}), the same
 * checks a plug-in author runs. The kinds come from the registries, so a new built-in kind without an entry
 * here fails {@link #everyBuiltInKindHasAnEntry}; each entry is a small configuration (or a few, where a key
 * changes the code path), and any exclusion is written here with its reason.
 */
class BuiltInConformanceTest {
    static final int N = 24;   // the samples of the kit's default problems

    /** A least-squares problem with an ℓ1 term, which prox_l1 handles through its prox. */
    static final Problem LASSO = new Problem("lasso",
            "{kind: teacher_student, n: 24, d: 4, teacher: linear, noise: 0.1, test_n: 8}",
            "{kind: linear_regression, init: gaussian, l1: 0.05}");

    /** An optimizer configuration: the section, its problems, its cost per step (null: the kind's model). */
    record Opt(String yaml, List<Problem> problems, Cost cost) {
        Opt(String yaml) { this(yaml, List.of(Problem.TWO_LAYER, Problem.LEAST_SQUARES), null); }
        Opt(String yaml, Cost cost) { this(yaml, List.of(Problem.TWO_LAYER, Problem.LEAST_SQUARES), cost); }
    }

    /** Per-sample gradients of step k on n samples, for methods whose cost varies by step. */
    interface Cost {
        long of(OptimizerSpec spec, int n, long k);
    }

    static final Map<String, List<Opt>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        OPTIMIZERS.put("gd", List.of(new Opt("{name: gd, lr: 0.1}"),
                new Opt("{name: gd, lr: 0.1, schedule: {kind: robbins_monro, q: 0.5}}")));
        OPTIMIZERS.put("sgd", List.of(new Opt("{name: sgd, lr: 0.05, batch_size: 4}"),
                new Opt("{name: sgd, lr: 0.05, batch_size: 4, momentum: 0.9, nesterov: true, weight_decay: 0.01,"
                        + " sampling: shuffle}")));
        OPTIMIZERS.put("heavy_ball", List.of(new Opt("{name: heavy_ball, lr: 0.05}")));
        OPTIMIZERS.put("nesterov", List.of(new Opt("{name: nesterov, lr: 0.05, variant: convex}")));
        OPTIMIZERS.put("adam", List.of(new Opt("{name: adam, lr: 0.01, batch_size: 4}"),
                new Opt("{name: adam, lr: 0.01, amsgrad: true, weight_decay: 0.01}")));
        OPTIMIZERS.put("adagrad", List.of(new Opt("{name: adagrad, lr: 0.05}")));
        OPTIMIZERS.put("rmsprop", List.of(new Opt("{name: rmsprop, lr: 0.01, centered: true, momentum: 0.5, batch_size: 4}")));
        OPTIMIZERS.put("adagrad_norm", List.of(new Opt("{name: adagrad_norm, lr: 0.5}")));
        // SVRG: a full gradient (n) at the start of each inner loop of m steps, 2B every step
        OPTIMIZERS.put("svrg", List.of(new Opt("{name: svrg, lr: 0.05, inner_loop: 5, batch_size: 2}",
                (spec, n, k) -> (k % 5 == 0 ? n : 0) + 2L * spec.batchSize())));
        // SAGA and SAG: the table of n per-sample gradients on the first step, B every step
        OPTIMIZERS.put("saga", List.of(new Opt("{name: saga, lr: 0.05, batch_size: 2}",
                (spec, n, k) -> (k == 0 ? n : 0) + spec.batchSize())));
        OPTIMIZERS.put("sag", List.of(new Opt("{name: sag, lr: 0.05, batch_size: 2}",
                (spec, n, k) -> (k == 0 ? n : 0) + spec.batchSize())));
        // STORM: B on the first step, then 2B (the same minibatch at θ_k and θ_{k−1})
        OPTIMIZERS.put("storm", List.of(new Opt("{name: storm, lr: 0.05, batch_size: 2}",
                (spec, n, k) -> (k == 0 ? 1L : 2L) * spec.batchSize())));
        OPTIMIZERS.put("langevin", List.of(new Opt("{name: langevin, lr: 0.05, temperature: 0.01}")));
        OPTIMIZERS.put("prox_l1", List.of(new Opt("{name: prox_l1, lr: 0.1}", List.of(LASSO, Problem.TWO_LAYER), null)));
        OPTIMIZERS.put("adamw", List.of(new Opt("{name: adamw, lr: 0.01, batch_size: 4}"),
                new Opt("{name: adamw, lr: 0.01, amsgrad: true, weight_decay: 0.1}")));
        OPTIMIZERS.put("nadam", List.of(new Opt("{name: nadam, lr: 0.01, batch_size: 4, weight_decay: 0.01}")));
        OPTIMIZERS.put("radam", List.of(new Opt("{name: radam, lr: 0.01, batch_size: 4}")));
        OPTIMIZERS.put("adamax", List.of(new Opt("{name: adamax, lr: 0.01, batch_size: 4}")));
        OPTIMIZERS.put("rprop", List.of(new Opt("{name: rprop, lr: 0.01}")));
        OPTIMIZERS.put("asgd", List.of(new Opt("{name: asgd, lr: 0.01, batch_size: 4}")));
        // L-BFGS with one iteration per step and no line search: one function and gradient evaluation (n) per
        // step; with more iterations or the line search the count varies by step (the trainer counts each one)
        OPTIMIZERS.put("lbfgs", List.of(new Opt("{name: lbfgs, lr: 0.5, max_iter: 1}", (spec, n, k) -> n)));
        // schedule-free: one gradient (B or n) per step, at y; θ is the averaged x
        OPTIMIZERS.put("schedule_free_sgd", List.of(new Opt("{name: schedule_free_sgd, lr: 0.05, batch_size: 4}"),
                new Opt("{name: schedule_free_sgd, lr: 0.05, momentum: 0.5, weight_decay: 0.01, warmup_steps: 3,"
                        + " r: 1, sampling: shuffle}")));
        OPTIMIZERS.put("schedule_free_adamw", List.of(new Opt("{name: schedule_free_adamw, lr: 0.01, batch_size: 4}"),
                new Opt("{name: schedule_free_adamw, lr: 0.01, weight_decay: 0.1, warmup_steps: 3,"
                        + " weight_lr_power: 1}")));
        OPTIMIZERS.put("prodigy", List.of(new Opt("{name: prodigy, batch_size: 4}"),
                new Opt("{name: prodigy, beta1: 0, weight_decay: 0.01, decouple: false, use_bias_correction: true,"
                        + " safeguard_warmup: true, growth_rate: 1.05}")));
        // SAM: every gradient of its base twice, at θ and at θ + e (the kind's cost model, 2B or 2n)
        OPTIMIZERS.put("sam", List.of(new Opt("{name: sam, rho: 0.05, base: {name: sgd, lr: 0.05, batch_size: 4,"
                        + " momentum: 0.9}}"),
                new Opt("{name: sam, rho: 0.1, adaptive: true, base: {name: adam, lr: 0.01}}"),
                // around a base with a cost of its own: STORM's B, then 2B per step, each doubled
                new Opt("{name: sam, base: {name: storm, lr: 0.05, batch_size: 2}}",
                        (spec, n, k) -> 2 * (k == 0 ? 1L : 2L) * spec.batchSize())));
        // Muon on the two-layer net's hidden matrix, the fallback on the rest; minibatch, and the sgd fallback
        OPTIMIZERS.put("muon", List.of(new Opt("{name: muon, lr: 0.02, batch_size: 4}"),
                new Opt("{name: muon, lr: 0.02, nesterov: false, weight_decay: 0.01, ns_steps: 3,"
                        + " fallback: {name: sgd, lr: 0.01, momentum: 0.9}}")));
    }

    /** A model configuration: the model and data sections, and the optimizers its run checks train with. */
    record Mod(String model, String data, List<String> optimizers) {
        Mod(String model) { this(model, null, null); }
    }

    static final String NONE = "{kind: none, n: 4}";
    static final List<String> TEST_FUNCTION_OPTIMIZERS = List.of("{name: gd, lr: 0.05}",
            "{name: sgd, lr: 0.05, batch_size: 2}");

    static final Map<String, List<Mod>> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("linear_regression", List.of(new Mod("{kind: linear_regression, init: gaussian, l1: 0.01}")));
        MODELS.put("logistic_regression", List.of(new Mod("{kind: logistic_regression, reg: 0.1, init: gaussian}")));
        MODELS.put("two_layer", List.of(
                new Mod("{kind: two_layer, width: 6, activation: tanh, parameterization: ntk, bias: true}"),
                new Mod("{kind: two_layer, width: 6, activation: relu, parameterization: meanfield}"),
                new Mod("{kind: two_layer, width: 6, activation: softplus, loss: logistic, train_layers: first}")));
        MODELS.put("mlp", List.of(new Mod("{kind: mlp, depth: 3, width: 5, activation: tanh, bias: true}")));
        MODELS.put("deep_linear", List.of(new Mod("{kind: deep_linear, depth: 3, width: 4}")));
        MODELS.put("quadratic", List.of(new Mod("{kind: quadratic, dim: 5, kappa: 10, init: gaussian}", NONE,
                TEST_FUNCTION_OPTIMIZERS)));
        MODELS.put("noisy_quadratic", List.of(new Mod("{kind: noisy_quadratic, dim: 5, kappa: 10, noise_std: 0.3}",
                NONE, TEST_FUNCTION_OPTIMIZERS)));
        MODELS.put("saddle", List.of(new Mod("{kind: saddle, dim: 4, negative_curvature: 0.5, init: gaussian,"
                + " init_offset: 0.3}", NONE, TEST_FUNCTION_OPTIMIZERS)));
    }

    static List<String> builtIns(Registry<?> r) {
        List<String> out = new ArrayList<>();
        r.all().forEach((name, kind) -> { if (Registry.builtIn(kind)) out.add(name); });
        return out;
    }

    @org.junit.jupiter.api.Test
    void everyBuiltInKindHasAnEntry() {
        assertEquals(new TreeSet<>(builtIns(Optimizers.REGISTRY)), new TreeSet<>(OPTIMIZERS.keySet()),
                "every built-in optimizer needs a conformance entry here");
        assertEquals(new TreeSet<>(builtIns(Models.REGISTRY)), new TreeSet<>(MODELS.keySet()),
                "every built-in model needs a conformance entry here");
    }

    @TestFactory
    Stream<DynamicNode> everyOptimizer() {
        List<DynamicNode> out = new ArrayList<>();
        for (String name : builtIns(Optimizers.REGISTRY)) {
            for (Opt o : OPTIMIZERS.getOrDefault(name, List.of())) {
                OptimizerConformance kit = new OptimizerConformance() {
                    @Override protected String optimizer() { return o.yaml(); }
                    @Override protected List<Problem> problems() { return o.problems(); }
                    @Override protected Map<Check, String> excluded() { return Map.of(); }
                    @Override protected long expectedCalls(OptimizerSpec spec, int n, long k) {
                        return o.cost() == null ? super.expectedCalls(spec, n, k) : o.cost().of(spec, n, k);
                    }
                };
                out.add(dynamicContainer(o.yaml(), kit.conformance()));
            }
        }
        return out.stream();
    }

    @TestFactory
    Stream<DynamicNode> everyModel() {
        List<DynamicNode> out = new ArrayList<>();
        for (String kind : builtIns(Models.REGISTRY)) {
            for (Mod m : MODELS.getOrDefault(kind, List.of())) {
                ModelConformance kit = new ModelConformance() {
                    @Override protected String model() { return m.model(); }
                    @Override protected String data() { return m.data() == null ? super.data() : m.data(); }
                    @Override protected List<String> optimizers() {
                        return m.optimizers() == null ? super.optimizers() : m.optimizers();
                    }
                };
                out.add(dynamicContainer(m.model(), kit.conformance()));
            }
        }
        return out.stream();
    }

}
