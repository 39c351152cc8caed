package dev.fancy.config;

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
 * Every workflow that the {@link WorkflowProvider}s on a class path provide, by name.
 * Immutable.
 */
public final class WorkflowCatalog {

  private final Map<String, Supplier<Workflow>> workflows;
  private final Map<String, String> sources;

  private WorkflowCatalog(Map<String, Supplier<Workflow>> workflows,
      Map<String, String> sources) {
    this.workflows = workflows;
    this.sources = sources;
  }

  /**
   * The workflows of every provider {@link ServiceLoader} finds through {@code loader}.
   *
   * @throws ConfigException if two providers use the same name, naming both
   * @throws java.util.ServiceConfigurationError if a listed provider cannot be created
   */
  public static WorkflowCatalog load(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader == null");
    Map<String, Supplier<Workflow>> workflows = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (WorkflowProvider provider : ServiceLoader.load(WorkflowProvider.class, loader)) {
      String source = provider.getClass().getName();
      provider.workflows().forEach((name, supplier) -> {
        String other = sources.putIfAbsent(name, source);
        if (other != null) {
          problems.add("workflow name '" + name + "' is provided by both " + other + " and "
              + source + "; rename one of them");
        } else {
          workflows.put(name, Objects.requireNonNull(supplier, "supplier of '" + name + "'"));
        }
      });
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new WorkflowCatalog(Collections.unmodifiableMap(workflows),
        Collections.unmodifiableMap(sources));
  }

  /** The names of every workflow, sorted. */
  public List<String> names() {
    return List.copyOf(workflows.keySet());
  }

  /** The provider class of the workflow named {@code name}, if there is one. */
  public Optional<String> source(String name) {
    return Optional.ofNullable(sources.get(name));
  }

  /** Builds the workflow named {@code name}, if there is one. */
  public Optional<Workflow> find(String name) {
    Supplier<Workflow> supplier = workflows.get(name);
    return supplier == null ? Optional.empty() : Optional.of(supplier.get());
  }

  /**
   * Builds the workflow named {@code name}.
   *
   * @throws ConfigException if there is none, listing the names there are
   */
  public Workflow get(String name) {
    return find(name).orElseThrow(() -> new ConfigException("no workflow named '" + name
        + "' on the class path" + (workflows.isEmpty()
            ? " (no WorkflowProvider was found; pass your classes with --class-path)"
            : "; known workflows: " + String.join(", ", workflows.keySet()))));
  }
}
