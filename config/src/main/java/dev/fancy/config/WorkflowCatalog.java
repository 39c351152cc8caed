package dev.fancy.config;

import dev.fancy.registry.DuplicateWorkflowException;
import dev.fancy.registry.WorkflowRegistry;
import dev.fancy.workflow.Workflow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Every workflow on a class path by name: the {@code @WorkflowDefinition} methods that the
 * runtime's {@link WorkflowRegistry} finds (generated {@code WorkflowModule}s), and the
 * hand-written {@link WorkflowProvider}s. Immutable.
 */
public final class WorkflowCatalog {

  private final WorkflowRegistry registry;
  private final Map<String, Supplier<Workflow>> provided;
  private final Map<String, String> sources;

  private WorkflowCatalog(WorkflowRegistry registry, Map<String, Supplier<Workflow>> provided,
      Map<String, String> sources) {
    this.registry = registry;
    this.provided = provided;
    this.sources = sources;
  }

  /**
   * The workflows of every {@code WorkflowModule} and {@link WorkflowProvider} that
   * {@link ServiceLoader} finds through {@code loader}.
   *
   * @throws ConfigException if two modules or providers use the same name, naming both
   * @throws dev.fancy.registry.IncompatibleModuleException if a workflow module was generated
   *     for another runtime version
   * @throws java.util.ServiceConfigurationError if a listed module or provider cannot be created
   */
  public static WorkflowCatalog load(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader == null");
    WorkflowRegistry registry;
    try {
      registry = WorkflowRegistry.load(loader);
    } catch (DuplicateWorkflowException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    Map<String, Supplier<Workflow>> provided = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    for (String name : registry.names()) {
      sources.put(name, registry.source(name).orElseThrow());
    }
    List<String> problems = new ArrayList<>();
    for (WorkflowProvider provider : ServiceLoader.load(WorkflowProvider.class, loader)) {
      String source = provider.getClass().getName();
      provider.workflows().forEach((name, supplier) -> {
        String other = sources.putIfAbsent(name, source);
        if (other != null) {
          problems.add("workflow name '" + name + "' is provided by both " + other + " and "
              + source + "; rename one of them");
        } else {
          provided.put(name, Objects.requireNonNull(supplier, "supplier of '" + name + "'"));
        }
      });
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new WorkflowCatalog(registry, Collections.unmodifiableMap(provided),
        Collections.unmodifiableMap(sources));
  }

  /** The names of every workflow, sorted. */
  public List<String> names() {
    return List.copyOf(sources.keySet());
  }

  /** The class that provides the workflow named {@code name} (module or provider), if any. */
  public Optional<String> source(String name) {
    return Optional.ofNullable(sources.get(name));
  }

  /**
   * Builds the workflow named {@code name}, if there is one.
   *
   * @throws dev.fancy.workflow.WorkflowValidationException if a {@code @WorkflowDefinition}
   *     built a workflow whose own name is not {@code name}
   */
  public Optional<Workflow> find(String name) {
    Supplier<Workflow> supplier = provided.get(name);
    return supplier != null ? Optional.of(supplier.get()) : registry.find(name);
  }

  /**
   * Builds the workflow named {@code name}.
   *
   * @throws ConfigException if there is none, listing the names there are
   * @throws dev.fancy.workflow.WorkflowValidationException if a {@code @WorkflowDefinition}
   *     built a workflow whose own name is not {@code name}
   */
  public Workflow get(String name) {
    return find(name).orElseThrow(() -> new ConfigException("no workflow named '" + name
        + "' on the class path" + (sources.isEmpty()
            ? " (no @WorkflowDefinition or WorkflowProvider was found; pass your classes with "
                + "--class-path)"
            : "; known workflows: " + String.join(", ", sources.keySet()))));
  }
}
