package org.ratelab.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ratelab.probes.ProbeFixtures.map;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ratelab.api.Keys;
import org.ratelab.api.Registry;
import org.ratelab.spec.Node;
import org.ratelab.spec.SpecException;

/**
 * ratelab's own probes are registered like plug-ins, in the order they measure, and the probes section's
 * canonical form (config_json, run_id) is the one from before the registry.
 */
class ProbeRegistryTest {
    @Test
    void theTenBuiltInsRegisterInMeasuringOrder() {
        assertEquals(List.of("test_loss", "param_norm", "dist", "update_norm", "pl", "effective_lr", "hessian", "ntk",
                "noise", "particles"), Probes.REGISTRY.names());
        for (ProbeKind k : Probes.REGISTRY.all().values()) {
            assertTrue(Registry.builtIn(k) && k.inEveryConfig(), k.name());
            List<Keys.Key> keys = Keys.of(k);
            assertEquals("enabled", keys.get(0).path(), k.name());
            assertEquals("every", keys.get(1).path(), k.name());
            assertTrue(!keys.get(1).doc().isEmpty(), "every has a doc line: " + k.name());
        }
    }

    @Test
    void theDefaultSectionsCanonicalFormIsTheOneFromBeforeTheRegistry() {
        assertEquals("{dist={enabled=true, every=1}, effective_lr={enabled=true, every=1}, escape_radius=0.0, "
                + "hessian={enabled=false, every=1, max_basis=50000000, max_iter=100, tol=1.0E-9}, "
                + "noise={enabled=false, every=1, exact_max_n=1024, samples=256}, "
                + "ntk={enabled=false, every=1, max_jacobian=50000000, max_n=512}, optimal_loss=null, "
                + "param_norm={enabled=true, every=1}, particles={enabled=false, every=1}, pl={enabled=true, every=1}, "
                + "test_loss={enabled=true, every=1}, update_norm={enabled=true, every=1}}",
                ProbeSpec.DEFAULT.canonical().toString());
        assertEquals(ProbeSpec.DEFAULT.canonical(), ProbeSpec.DEFAULT.identity(ProbeSpec.DEFAULT.canonical()),
                "no Later key, no plug-in: the run_id hashes the canonical form itself");
        assertEquals(HessianProbe.class, ProbeSpec.DEFAULT.get(HessianProbe.class).getClass());
    }

    @Test
    void anUnknownProbeListsEveryRegisteredOne() {
        SpecException e = assertThrows(SpecException.class,
                () -> ProbeSpec.parse(new Node("probes", map("hessain", map("enabled", true)))));
        assertTrue(e.getMessage().contains("probes.hessain: unknown probe; registered probes: test_loss, param_norm, "
                + "dist, update_norm, pl, effective_lr, hessian, ntk, noise, particles (and the section's keys "
                + "optimal_loss, escape_radius)"), e.getMessage());
    }
}
