/**
 * The plug-in API: how to add an optimizer, a model or a data source to ratelab, from its own source tree or
 * from a jar of your own, and have its convergence tested at grid scale like ratelab's own kinds.
 *
 * <h2>One file plus one registration line</h2>
 * A kind is a {@link org.ratelab.api.Kind} found by {@link java.util.ServiceLoader} through a
 * {@link org.ratelab.api.Registry}: {@code org.ratelab.optim.OptimizerKind}, {@code org.ratelab.model.ModelKind},
 * {@code org.ratelab.data.DataKind}. Write one file holding the configuration record, its {@code parse(Node)},
 * a nested public {@code Provider} (no-argument constructor) and the per-run state, and list the provider's
 * binary name ({@code com.example.LionSpec$Provider}) in {@code META-INF/services/<the kind interface>}.
 * ratelab's own kinds are registered exactly so ({@code src/main/resources/META-INF/services}).
 *
 * <h2>Lifecycle: configuration, then per-run state, then steps</h2>
 * <ol>
 *   <li><b>Configuration</b> is an immutable record, validated when parsed, whose component names are the
 *       camelCase of the section's keys. Each key's type, range and default are written once, in
 *       {@code parse}, through the typed readers of {@link org.ratelab.spec.Node} ({@code n.positive("lr",
 *       1e-4)}); {@link org.ratelab.api.Keys} reads them back from the parser for {@code ratelab kinds}, and
 *       {@link org.ratelab.api.Doc} on a component gives the key's one-line doc. The record's canonical form
 *       ({@link org.ratelab.spec.Canon}) is the run's {@code config_json} section and what its {@code run_id}
 *       hashes; a plug-in kind's section also records {@code plugin: {jar, version}} (its jar manifest's
 *       {@code Implementation-Version}), and the version is part of the run_id, so runs of two versions never
 *       share an id.</li>
 *   <li><b>Per-run state</b> is allocated once, on the executor: {@code OptimizerSpec.instantiate(dim, n,
 *       lrScale)} returns an {@code Optimizer} with every buffer sized up front; {@code ModelSpec.instantiate
 *       (Dataset)} a {@code Model}; {@code DataSpec.build(seed)} a {@code Dataset}. One instance serves one run
 *       on one thread.</li>
 *   <li><b>Steps</b>: {@code Optimizer.step(k, theta, oracle)} moves θ in place, asking the counting
 *       {@code org.ratelab.optim.Oracle} for full, minibatch or single-sample gradients. Every per-sample
 *       gradient it asks for is counted in {@code oracle_calls}; measurements (the trainer's loss and gradient
 *       at recorded points, the probes) are not.</li>
 * </ol>
 *
 * <h2>Random streams</h2>
 * A run's randomness derives only from its {@code seed} and a stream name ({@code org.ratelab.train.Seeds}):
 * {@code data} for {@code DataSpec.build}, {@code init} for {@code Model.init}, {@code optim} for an
 * optimizer (its {@code Oracle.rng()}: minibatches, injected noise), {@code probe} for probes. Never use a
 * clock, a thread or a partition, so that any run replays alone and bit for bit.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>No allocation per step: allocate in {@code instantiate}; {@code StepAllocationTest} measures it.</li>
 *   <li>Probes only read θ, the measured gradient and the optimizer's state; they never call the counting
 *       oracle and draw only from the {@code probe} stream.</li>
 *   <li>A NaN is data: never mask it. A diverged run is recorded as diverged; a plug-in that throws inside a
 *       run makes that run {@code failed} with the exception's message in {@code runs.message}, and the job
 *       goes on.</li>
 * </ul>
 *
 * <h2>Testing a kind: the conformance kit</h2>
 * ratelab's test-jar ({@code org.ratelab:ratelab:<version>}, {@code <type>test-jar</type>}) holds
 * {@code org.ratelab.testkit}: subclass {@code OptimizerConformance} or {@code ModelConformance}, give your
 * section as spec YAML, and JUnit checks the rules below (derivatives against finite differences, bit-identical
 * replay, oracle_calls per step, no allocation per step, probes that change nothing). Every built-in kind
 * passes it; {@code src/examples/lion-optimizer} is a complete plug-in that uses it.
 *
 * <h2>Loading plug-ins</h2>
 * {@code --jars a.jar,b.jar} on {@code run}, {@code plan} and {@code kinds} (and {@code jobs/submit}, which
 * passes them to spark-submit so executors load them), every {@code *.jar} in a {@code plugins/} directory
 * beside the spec, and {@code RATELAB_PLUGINS}; see {@link org.ratelab.api.Plugins}. Two providers of one name,
 * an unreadable jar or a provider that fails to load is a {@link org.ratelab.api.PluginException}: exit 2, one
 * line.
 *
 * <h2>Not yet plug-ins</h2>
 * Probes and check kinds are not registries yet: their keys are fixed records ({@code ProbeSpec},
 * {@code CheckSpec}). A plug-in probe's metrics are planned to land in a {@code map<string,double>} column of
 * {@code curves} so that the table contract stays stable (columns are only ever added).
 */
package org.ratelab.api;
