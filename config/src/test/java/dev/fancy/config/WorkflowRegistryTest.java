package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.registry.DuplicateWorkflowException;
import dev.fancy.registry.IncompatibleModuleException;
import dev.fancy.registry.WorkflowModule;
import dev.fancy.registry.WorkflowRegistry;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's {@link WorkflowRegistry} finds the modules the processor generated for
 * {@code @WorkflowDefinition} methods (here {@link AnnotatedWorkflows}, compiled by the real
 * processor) through {@code ServiceLoader}, by name.
 */
class WorkflowRegistryTest {

  private static final String MODULE = "dev.fancy.config.AnnotatedWorkflowsWorkflowModule";

  @Test
  void findsAnnotatedWorkflowsByName() {
    WorkflowRegistry registry = WorkflowRegistry.load(getClass().getClassLoader());
    assertThat(registry.names()).containsExactly("test.annotated", "test.misnamed");
    assertThat(registry.source("test.annotated")).contains(MODULE);
    Workflow workflow = registry.find("test.annotated").orElseThrow();
    assertThat(workflow.name()).isEqualTo("test.annotated");
    assertThat(workflow.inputs()).extracting(c -> c.alias())
        .containsExactly("lr", "epochs", "model");
    assertThat(registry.find("test.nope")).isEmpty();
    assertThat(registry.source("test.nope")).isEmpty();
  }

  @Test
  void loadDefaultUsesTheContextClassLoader() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try {
      thread.setContextClassLoader(getClass().getClassLoader());
      assertThat(WorkflowRegistry.loadDefault().names()).contains("test.annotated");
      thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
      assertThat(WorkflowRegistry.loadDefault().names()).isEmpty();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void aWorkflowWhoseNameIsNotItsDefinitionsIsRefused() {
    WorkflowRegistry registry = WorkflowRegistry.load(getClass().getClassLoader());
    assertThatThrownBy(() -> registry.find("test.misnamed"))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessage("workflow definition 'test.misnamed' is invalid:\n"
            + "  - its method in " + MODULE + " built a workflow named 'something.else'; the "
            + "CLI, the server and the journal know it as 'test.misnamed'. Pass "
            + "'test.misnamed' to Workflow.of, or rename the definition");
  }

  private record Module(Map<String, Supplier<Workflow>> workflows, int apiVersion)
      implements WorkflowModule {}

  /** A hand-written module listed by a test's own services file; uses an annotated name. */
  public static final class ClashingModule implements WorkflowModule {
    @Override
    public Map<String, Supplier<Workflow>> workflows() {
      return Map.of("test.annotated", AnnotatedWorkflows::annotated);
    }
  }

  @Test
  void twoModulesOnOneClassPathWithOneNameAreAConfigErrorOfTheCatalog(@TempDir Path dir)
      throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(WorkflowModule.class.getName()),
        ClashingModule.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      assertThatThrownBy(() -> WorkflowRegistry.load(loader))
          .isInstanceOf(DuplicateWorkflowException.class);
      assertThatThrownBy(() -> WorkflowCatalog.load(loader))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("workflow name 'test.annotated' is provided by both ")
          .hasMessageContaining(ClashingModule.class.getName());
    }
  }

  @Test
  void twoModulesWithOneNameAndForeignVersionsAreRefused() {
    Module a = new Module(Map.of("x.same", AnnotatedWorkflows::annotated), 0);
    Module b = new Module(Map.of("x.same", AnnotatedWorkflows::annotated), 1);
    assertThatThrownBy(() -> WorkflowRegistry.of(List.of(a, b)))
        .isInstanceOf(DuplicateWorkflowException.class)
        .hasMessage("workflow name 'x.same' is provided by both " + Module.class.getName()
            + " and " + Module.class.getName() + "; rename one of them");
    assertThatThrownBy(() -> WorkflowRegistry.of(List.of(new Module(Map.of(), 99))))
        .isInstanceOf(IncompatibleModuleException.class)
        .hasMessageContaining("was generated for generated-code API version 99");
    Module nulls = new Module(Map.of("x.null", () -> null), 0);
    assertThatThrownBy(() -> WorkflowRegistry.of(List.of(nulls)).find("x.null"))
        .isInstanceOf(WorkflowValidationException.class)
        .hasMessageContaining("returned null instead of a workflow");
  }

  @Test
  void theCatalogFindsAnnotatedAndProvidedWorkflowsAndRefusesAClash(@TempDir Path dir)
      throws IOException {
    WorkflowCatalog catalog = WorkflowCatalog.load(getClass().getClassLoader());
    assertThat(catalog.names()).containsExactly("test.annotated", "test.misnamed", "test.small",
        "test.training");
    assertThat(catalog.get("test.annotated").name()).isEqualTo("test.annotated");
    assertThat(catalog.source("test.annotated")).contains(MODULE);
    assertThatThrownBy(() -> catalog.get("test.misnamed"))
        .isInstanceOf(WorkflowValidationException.class);

    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(WorkflowProvider.class.getName()),
        TestProviders.AnnotatedClash.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      assertThatThrownBy(() -> WorkflowCatalog.load(loader))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("workflow name 'test.annotated' is provided by both " + MODULE
              + " and " + TestProviders.AnnotatedClash.class.getName());
    }
  }
}
