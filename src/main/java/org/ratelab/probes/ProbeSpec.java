package org.ratelab.probes;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ratelab.api.PluginException;
import org.ratelab.api.Registry;
import org.ratelab.spec.Canon;
import org.ratelab.spec.Node;

/**
 * The run section {@code probes:}: two settings of the section itself and one subsection per probe, named
 * after a registered {@link ProbeKind} ({@link Probes#REGISTRY}) and parsed by it.
 *
 * <p>Schedule: every probe runs at recorded points only (see {@code train.record}). A probe with
 * {@code every: k ≥ 1} runs at every k-th recorded point (index 0, k, 2k, … of the run's curve) and always at
 * the last recorded point; {@code every: 0} runs at the first and last recorded points only. {@code loss} and
 * {@code grad_norm_sq} are always measured (they decide convergence and divergence). A probe that would exceed
 * its budget is skipped at that point with a reason in {@code runs.probe_notes}, never silently.
 *
 * <p>Canonical form: the section's keys, then each probe's record ({@link Canon}) under its name. ratelab's
 * probes that existed before the registry ({@link ProbeKind#inEveryConfig()}) are always written, so their
 * run_ids are what they were; any other probe is written (and run) only when the spec names it, a plug-in's
 * with {@code plugin: {jar, version}}, whose version {@link #identity} keeps in the run_id.
 *
 * @param optimalLoss  F* for {@code pl_ratio}; null (the default): the model's closed form F* when known,
 *                     else 0 (interpolation)
 * @param escapeRadius radius R of the ball B(θ₀, R) (An &amp; Lu); {@code runs.escaped_step} is the first step
 *                     with ‖θ − θ₀‖ &gt; R, checked at every step (one O(dim) distance). 0: off
 * @param probes       each probe's configuration by name, in registration order (the order they measure in)
 */
public record ProbeSpec(Double optimalLoss, double escapeRadius, Map<String, ProbeConfig> probes)
        implements Serializable {

    /** The keys of the section itself; every other key names a probe. */
    static final List<String> OWN_KEYS = List.of("optimal_loss", "escape_radius");

    /** All defaults: cheap probes on, expensive ones (hessian, ntk, noise, particles) off. */
    public static final ProbeSpec DEFAULT = parse(new Node("probes", Map.of()));

    public static ProbeSpec parse(Node n) {
        Double fStar = n.has("optimal_loss") ? n.dbl("optimal_loss", 0.0) : null;
        n.skip("optimal_loss");
        if (fStar != null) n.checkRange("optimal_loss", fStar, -Double.MAX_VALUE, Double.MAX_VALUE, false);
        double radius = n.nonNegative("escape_radius", 0.0);
        Map<String, ProbeKind> kinds = Probes.REGISTRY.all();
        Map<String, ProbeConfig> probes = new LinkedHashMap<>();
        for (ProbeKind k : kinds.values()) {
            if (!k.inEveryConfig() && !n.keys().contains(k.name())) {   // named, even as `name:` alone, it runs
                n.skip(k.name());
                continue;
            }
            Node c = n.child(k.name());
            ProbeConfig cfg;
            try {
                cfg = k.parse(c);
            } catch (IllegalArgumentException e) {
                throw c.error(null, e.getMessage());    // a record's own validation, at the probe's path
            }
            c.done();
            if (!(cfg instanceof Record)) {
                throw new PluginException("probe '" + k.name() + "' (" + k.getClass().getName() + "): its configuration "
                        + cfg.getClass().getName() + " is not a record");
            }
            probes.put(k.name(), cfg);
        }
        for (String key : n.keys()) {
            if (!OWN_KEYS.contains(key) && !kinds.containsKey(key)) {
                throw n.error(key, "unknown probe; registered probes: " + String.join(", ", kinds.keySet())
                        + " (and the section's keys " + String.join(", ", OWN_KEYS) + ")");
            }
        }
        n.done();
        return new ProbeSpec(fStar, radius, Collections.unmodifiableMap(probes));
    }

    /** The configuration of the probe of that record class, or null when it is not in the section. */
    public <T extends ProbeConfig> T get(Class<T> type) {
        for (ProbeConfig c : probes.values()) if (type.isInstance(c)) return type.cast(c);
        return null;
    }

    /** The configuration of the probe of that name, or null when it is not in the section. */
    public ProbeConfig probe(String name) { return probes.get(name); }

    /** The canonical form: {@code config_json}'s {@code probes} section, itself a valid section. */
    public Map<String, Object> canonical() {
        Map<String, Object> out = new TreeMap<>();
        out.put("optimal_loss", optimalLoss);
        out.put("escape_radius", escapeRadius);
        for (Map.Entry<String, ProbeConfig> e : probes.entrySet()) {
            out.put(e.getKey(), Registry.withPlugin(Canon.of((Record) e.getValue(), null, null), e.getValue()));
        }
        return out;
    }

    /**
     * What {@code run_id} hashes of the canonical section {@code canonical}: each probe's map less its
     * {@link Canon.Later} keys at their unchanged value, and a plug-in probe's {@code plugin} reduced to its
     * version (the jar's location is not part of a run's identity).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> identity(Map<String, Object> canonical) {
        Map<String, Object> out = new TreeMap<>(canonical);
        for (Map.Entry<String, ProbeConfig> e : probes.entrySet()) {
            if (canonical.get(e.getKey()) instanceof Map<?, ?> m) {
                out.put(e.getKey(), Registry.pluginIdentity(Canon.identity((Map<String, Object>) m, e.getValue())));
            }
        }
        return out;
    }
}
