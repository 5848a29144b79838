/**
 * Optimizers: immutable configuration records ({@link org.ratelab.optim.OptimizerSpec}) that instantiate
 * per-run state ({@link org.ratelab.optim.Optimizer}); schedules as pure functions; minibatch sampling.
 */
package org.ratelab.optim;
