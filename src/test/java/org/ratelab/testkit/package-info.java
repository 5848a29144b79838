/**
 * The conformance kit for kind authors, shipped as ratelab's test-jar ({@code org.ratelab:ratelab:<version>},
 * {@code <type>test-jar</type>}, scope test): JUnit 5 checks that every optimizer and model, ratelab's own and
 * the plug-ins', must pass. Subclass {@link org.ratelab.testkit.OptimizerConformance} (give the
 * {@code optimizer:} section as spec YAML) or {@link org.ratelab.testkit.ModelConformance} (the {@code model:}
 * section, and its data); JUnit runs one dynamic test per {@link org.ratelab.testkit.Check} and
 * {@link org.ratelab.testkit.Problem}:
 *
 * <ul>
 *   <li>{@link org.ratelab.testkit.Check#DERIVATIVES}: a model's gradient (full and minibatch), Hessian-vector
 *       product and Jacobian rows match central finite differences;</li>
 *   <li>{@link org.ratelab.testkit.Check#REPLAY}: a run replays bit-identically (same seed, same trajectory,
 *       also after another run and on another thread);</li>
 *   <li>{@link org.ratelab.testkit.Check#ORACLE_CALLS}: every step's {@code oracle_calls} is what the kind's
 *       cost model ({@code OptimizerSpec.gradientsPerStep}) says;</li>
 *   <li>{@link org.ratelab.testkit.Check#NO_ALLOCATION}: a step allocates nothing after warm-up (the thread's
 *       allocated-bytes counter);</li>
 *   <li>{@link org.ratelab.testkit.Check#PROBES}: every probe on or off leaves the trajectory bit-identical.</li>
 * </ul>
 *
 * Runs go through the same spec parser, planner and {@code Trainer} as {@code jobs/ratelab run}, without Spark.
 * A kind that legitimately cannot pass a check excludes it with its reason ({@code excluded()}); the test then
 * shows as skipped with that reason, never silently.
 */
package org.ratelab.testkit;
