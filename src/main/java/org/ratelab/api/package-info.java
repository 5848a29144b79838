/**
 * The plug-in API: how to add an optimizer, a step-size schedule, a model, a data source, a probe or a check kind to ratelab, from its
 * own source tree or from a jar of your own, and have its convergence tested (or measured) at grid scale like
 * ratelab's own kinds.
 *
 * <h2>One file plus one registration line</h2>
 * A kind is a {@link org.ratelab.api.Kind} found by {@link java.util.ServiceLoader} through a
 * {@link org.ratelab.api.Registry}: {@code org.ratelab.optim.OptimizerKind}, {@code org.ratelab.optim.ScheduleKind}
 * (a step-size schedule, the {@code schedule:} section inside an optimizer's), {@code org.ratelab.model.ModelKind},
 * {@code org.ratelab.data.DataKind}, {@code org.ratelab.probes.ProbeKind}, {@code org.ratelab.checks.CheckKind}. Write one file holding the configuration record, its {@code parse(Node)},
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
 *   <li>Probes only read θ, the loss, the measured full gradient, the model, the data and the optimizer's
 *       state; they never call the counting oracle and draw only from the {@code probe} stream.</li>
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
 * <h2>Probes</h2>
 * A probe kind ({@code org.ratelab.probes.ProbeKind}) parses its section {@code probes.<name>} into a record
 * implementing {@code org.ratelab.probes.ProbeConfig}: {@code enabled} and {@code every} (the schedule every
 * probe shares, applied by ratelab) plus its own keys and budgets. {@code ProbeConfig.instantiate(Probe.Run)}
 * gives the per-run {@code org.ratelab.probes.Probe}, whose {@code measure(Point, Sink)} runs at the recorded
 * points its schedule selects. {@code Probe.Run} holds what a probe may read for the whole run (the model, the
 * data, the optimizer's state, read only, the run's {@code probe} random stream, θ₀, F*) and {@code Point} the
 * recorded point (step, θ_k, F(θ_k), the full gradient ∇F(θ_k), ‖θ_k − θ₀‖, whether it is finite and the last).
 * A plug-in probe gets copies of θ, θ₀ and the gradient and the optimizer through a read-only view (its
 * per-coordinate steps; {@code step} refuses), so nothing it does reaches the trajectory; it has no oracle, so
 * nothing it computes is counted. ratelab's own probes are ten such files
 * ({@code TestLossProbe} … {@code ParticlesProbe}).
 * <ul>
 *   <li><b>Spec:</b> {@code probes: {my_probe: {enabled: true, every: 2, some_key: 3}}}, like the built-ins; any
 *       key can be a grid axis ({@code probes.my_probe.some_key: [1, 3]}). An unknown name under
 *       {@code probes:} is an error listing every registered probe. A plug-in probe the spec does not name is
 *       not run.</li>
 *   <li><b>Metrics:</b> a plug-in probe writes with {@code Sink.extra(name, value)}; the values land in the
 *       {@code curves} column {@code extra_metrics}, a {@code map<string,double>} (metric name → value; a
 *       metric not measured at a point is absent, and the column is null where no plug-in metric was
 *       measured). Curves columns are only ever added: ratelab's own metrics keep their columns
 *       ({@code Metrics.NAMES}) and a plug-in cannot write them. Read {@code extra_metrics['my_metric']} in
 *       SQL.</li>
 *   <li><b>run_id:</b> the section of a plug-in probe the spec names enters {@code config_json} with
 *       {@code plugin: {jar, version}}, and its version the run_id; a spec that does not name it keeps its
 *       run_ids, with or without the jar loaded. ratelab's own ten probes are always in {@code config_json}, as
 *       before the registry.</li>
 *   <li><b>Order and randomness:</b> probes measure in registration order (ratelab's first), all drawing from
 *       the one {@code probe} stream.</li>
 *   <li><b>Failure:</b> a plug-in probe that throws makes its run {@code failed} with a message naming the
 *       probe, its jar and version; the job goes on. A NaN it measures is data, recorded as NaN.</li>
 * </ul>
 *
 * <h2>Check kinds</h2>
 * A check kind is a {@code org.ratelab.checks.CheckKind} (registered in
 * {@code META-INF/services/org.ratelab.checks.CheckKind}) whose {@code parse} returns a record implementing
 * {@code CheckKind.Observation}: {@code validate(PlanContext)} refuses at plan time what the runs do not have,
 * {@code observe(Selection)} yields the observed number(s) over the runs the check's {@code where} selects.
 * Two checks are observed at once, each on its own thread, so {@code observe} must keep no state outside its
 * record and its own Spark queries (the built-in kinds keep none). A spec names the kind by the key of its section. Checks are not part of {@code config_json}: a plug-in check
 * kind changes no run_id.
 *
 * <h2>Schedules</h2>
 * A schedule kind ({@code org.ratelab.optim.ScheduleKind}) parses the {@code schedule:} section of an optimizer
 * (its {@code kind} already read) into a record implementing {@code org.ratelab.optim.Schedule}: {@code kind()}
 * and {@code factor(k, batch)}, the multiplier of the optimizer's lr at iteration k, a pure function that
 * allocates nothing. Its canonical form is its record's keys with {@code kind} (and, from a plug-in,
 * {@code plugin: {jar, version}}), nested in the optimizer's section ({@link org.ratelab.spec.Canon.Kinded}), so
 * the plug-in's version enters the run_id of the runs that use it.
 *
 * <h2>Not yet</h2>
 * Checks read the built-in curve metrics and the runs columns only, not {@code curves.extra_metrics}.
 */
package org.ratelab.api;
