package dev.fancy.config;

import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.function.Supplier;

/** Providers for {@link WorkflowCatalogTest}. */
public final class TestProviders {
  private TestProviders() {}

  /** Provides the test workflows. */
  public static final class Training implements WorkflowProvider {
    @Override
    public Map<String, Supplier<Workflow>> workflows() {
      return Map.of("test.training", TestWorkflows::training, "test.small", TestWorkflows::small);
    }
  }

  /** Provides a name that {@link Training} uses too. */
  public static final class Clash implements WorkflowProvider {
    @Override
    public Map<String, Supplier<Workflow>> workflows() {
      return Map.of("test.small", TestWorkflows::small);
    }
  }

  /** Provides a name that {@link AnnotatedWorkflows} defines. */
  public static final class AnnotatedClash implements WorkflowProvider {
    @Override
    public Map<String, Supplier<Workflow>> workflows() {
      return Map.of("test.annotated", TestWorkflows::small);
    }
  }
}
