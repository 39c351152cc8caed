package dev.fancy.module;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The runtime's layers (docs/architecture.md): no package cycles, the hidden core and journal
 * reached only by the front doors, and the core never naming a front door.
 */
class ArchitectureTest {

  private static final JavaClasses RUNTIME =
      new ClassFileImporter().importPath(Path.of("target", "classes"));

  static final ArchRule NO_CYCLES = slices().matching("dev.fancy.(**)").should()
      .beFreeOfCycles();

  static final ArchRule ONLY_FRONT_DOORS_REACH_THE_CORE = noClasses().that()
      .resideOutsideOfPackages("dev.fancy.internal.core..", "dev.fancy.internal.journal..",
          "dev.fancy.engine..")
      .should().dependOnClassesThat()
      .resideInAnyPackage("dev.fancy.internal.core..", "dev.fancy.internal.journal..");

  static final ArchRule THE_CORE_NEVER_NAMES_A_FRONT_DOOR = noClasses().that()
      .resideInAPackage("dev.fancy.internal..").should().dependOnClassesThat()
      .resideInAPackage("dev.fancy.engine..");

  static final ArchRule THE_CORE_NEVER_NAMES_THE_JOURNAL = noClasses().that()
      .resideInAPackage("dev.fancy.internal.core..").should().dependOnClassesThat()
      .resideInAPackage("dev.fancy.internal.journal..");

  @Test
  void thePackagesHaveNoCycles() {
    assertThat(RUNTIME.size()).as("classes imported from target/classes").isGreaterThan(150);
    assertThat(RUNTIME.containPackage("dev.fancy.internal.core")).isTrue();
    NO_CYCLES.check(RUNTIME);
  }

  @Test
  void onlyTheFrontDoorsReachTheHiddenCoreAndJournal() {
    ONLY_FRONT_DOORS_REACH_THE_CORE.check(RUNTIME);
  }

  @Test
  void theCoreNamesNoFrontDoorAndNoJournal() {
    THE_CORE_NEVER_NAMES_A_FRONT_DOOR.check(RUNTIME);
    THE_CORE_NEVER_NAMES_THE_JOURNAL.check(RUNTIME);
  }

  @Test
  void theRulesSeeAViolation() {
    JavaClasses withFrontDoor = new ClassFileImporter().importClasses(
        dev.fancy.internal.core.Core.class, dev.fancy.engine.Engine.class,
        dev.fancy.run.RunHandle.class);
    EvaluationResult result = noClasses().that().resideInAPackage("dev.fancy.engine..")
        .should().dependOnClassesThat().resideInAPackage("dev.fancy.internal.core..")
        .evaluate(withFrontDoor);
    assertThat(result.hasViolation()).as("Engine depends on Core").isTrue();
  }
}
