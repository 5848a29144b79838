/**
 * Optimizers: immutable configuration records ({@link org.ratelab.optim.OptimizerSpec}, one per method, parsed
 * by {@link org.ratelab.optim.Optimizers} from {@code optimizer.name}) that instantiate per-run state
 * ({@link org.ratelab.optim.Optimizer}, every buffer allocated up front); step-size schedules as pure
 * functions of the iteration ({@link org.ratelab.optim.Schedule}: a registry kind,
 * {@link org.ratelab.optim.ScheduleKind} in {@link org.ratelab.optim.Schedules}, parsed from an optimizer's
 * {@code schedule.kind}: constant, robbins_monro, step_decay, linear_scaling ({@code ClassicSchedule}), cosine,
 * linear_warmup, linear_decay, one_cycle, inverse_sqrt, wsd); injected gradient noise ({@link org.ratelab.optim.Noise});
 * minibatch sampling ({@link org.ratelab.optim.Sampler}).
 *
 * <p>Methods: gd, sgd (torch.optim.SGD), heavy_ball, nesterov, adam (+ AMSGrad), adagrad, rmsprop, adamw,
 * nadam, radam, adamax, rprop, asgd, lbfgs (torch's rules, keys and defaults), adagrad_norm, svrg, saga, sag, storm,
 * langevin, prox_l1, schedule_free_sgd and schedule_free_adamw (facebookresearch/schedule_free's rules; θ is the
 * averaged x), prodigy (konstmish/prodigy's rule), sam (sharpness-aware minimization around any of them: its base sees a
 * wrapping {@code Oracle} that answers each gradient request with the gradient at the ascent point), and muon
 * (Newton–Schulz orthogonalised momentum on the matrix blocks of {@link org.ratelab.optim.Oracle#blocks()}, a
 * named fallback on the rest). Every gradient goes through the
 * {@link org.ratelab.optim.Oracle}, which counts per-sample gradient evaluations exactly; no method clamps or
 * repairs a non-finite value, so a divergence reaches the trainer intact.
 */
package org.ratelab.optim;
