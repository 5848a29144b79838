package org.ratelab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md's dataflow as rules over the compiled main classes: no cycle between the packages, and each
 * stage's package may use only the stages before it (and the shared {@code spec}, {@code api} and
 * {@code linalg}). {@link #ALLOWED} is the table of which package may use which; a new dependency that is
 * not in it fails here, so the arrow in ARCHITECTURE.md stays true.
 */
class ArchitectureTest {
    /** package → the other ratelab packages it may depend on. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("spec", Set.of());
        ALLOWED.put("linalg", Set.of());
        ALLOWED.put("api", Set.of("spec"));
        ALLOWED.put("data", Set.of("api", "spec"));
        ALLOWED.put("model", Set.of("api", "spec", "data", "linalg"));
        ALLOWED.put("optim", Set.of("api", "spec"));
        ALLOWED.put("probes", Set.of("api", "spec", "data", "linalg", "model", "optim"));
        ALLOWED.put("train", Set.of("api", "spec", "data", "linalg", "model", "optim", "probes"));
        ALLOWED.put("grid", Set.of("api", "spec", "data", "model", "optim", "probes", "train"));
        ALLOWED.put("table", Set.of("data", "model", "optim", "probes", "train"));
        ALLOWED.put("fits", Set.of("spec", "table"));
        ALLOWED.put("laws", Set.of("fits", "probes", "table"));
        ALLOWED.put("checks", Set.of("api", "spec", "grid", "train", "probes", "table", "fits", "laws"));
        ALLOWED.put("report", Set.of("table", "laws"));
        ALLOWED.put("job", Set.of("api", "spec", "linalg", "data", "model", "optim", "probes", "train", "grid",
                "table", "fits", "laws", "checks", "report"));
    }

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.ratelab");
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("org.ratelab.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPackageIsInTheTable() {
        Set<String> found = new TreeSet<>();
        classes.forEach(c -> {
            String p = c.getPackageName();
            if (p.startsWith("org.ratelab.")) found.add(p.substring("org.ratelab.".length()).split("\\.")[0]);
        });
        assertTrue(ALLOWED.keySet().containsAll(found),
                "packages not in ArchitectureTest.ALLOWED: " + found);
    }

    /**
     * The conformance kit ships alone in the test-jar ({@code org/ratelab/testkit/**}): it may use ratelab's main
     * classes and JUnit, but no other test class (a plug-in author's build would not find it), and no main
     * class may use it.
     */
    @Test
    void theTestkitStandsAloneInItsTestJar() {
        JavaClasses tests = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("org.ratelab");
        Set<String> otherTests = new TreeSet<>();
        tests.forEach(c -> { if (!c.getPackageName().startsWith("org.ratelab.testkit")) otherTests.add(c.getName()); });
        Set<String> bad = new TreeSet<>();
        tests.forEach(c -> {
            if (!c.getPackageName().startsWith("org.ratelab.testkit")) return;
            c.getDirectDependenciesFromSelf().forEach(d -> {
                if (otherTests.contains(d.getTargetClass().getName())) bad.add(c.getName() + " -> " + d.getTargetClass().getName());
            });
        });
        assertTrue(!tests.stream().noneMatch(c -> c.getPackageName().equals("org.ratelab.testkit")), "no testkit classes found");
        assertTrue(bad.isEmpty(), "the testkit uses test classes outside its test-jar: " + bad);
        noClasses().that().resideInAPackage("org.ratelab..").should().dependOnClassesThat()
                .resideInAPackage("org.ratelab.testkit..").allowEmptyShould(true).check(classes);
    }

    @Test
    void eachStageUsesOnlyTheStagesBeforeIt() {
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            List<String> forbidden = new ArrayList<>();
            for (String other : ALLOWED.keySet()) {
                if (!other.equals(e.getKey()) && !e.getValue().contains(other)) {
                    forbidden.add("org.ratelab." + other + "..");
                }
            }
            noClasses().that().resideInAPackage("org.ratelab." + e.getKey() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .allowEmptyShould(true)
                    .because("ARCHITECTURE.md: " + e.getKey() + " may use only " + new TreeSet<>(e.getValue()))
                    .check(classes);
        }
    }
}
