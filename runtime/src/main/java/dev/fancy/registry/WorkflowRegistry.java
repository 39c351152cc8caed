package dev.fancy.registry;

import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
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
 * Workflows by name, from the {@link WorkflowModule}s that {@link ServiceLoader} finds (generated
 * for {@code @WorkflowDefinition} methods) or that are given explicitly. Immutable; a workflow is
 * built each time it is looked up.
 *
 * <pre>{@code
 * Workflow report = WorkflowRegistry.loadDefault().find("weather.report").orElseThrow();
 * }</pre>
 */
public final class WorkflowRegistry {

  private record Entry(Supplier<Workflow> supplier, String source) {}

  private final Map<String, Entry> workflows;

  private WorkflowRegistry(Map<String, Entry> workflows) {
    this.workflows = workflows;
  }

  /**
   * The workflows of every {@link WorkflowModule} that {@link ServiceLoader} finds through the
   * context class loader.
   *
   * @throws DuplicateWorkflowException if two modules provide the same name
   * @throws IncompatibleModuleException if a module was generated for another generated-code API
   *     version
   * @throws java.util.ServiceConfigurationError if a listed module cannot be created
   */
  public static WorkflowRegistry loadDefault() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  /**
   * As {@link #loadDefault()}, with modules found through {@code loader}.
   *
   * @throws NullPointerException if {@code loader} is null
   */
  public static WorkflowRegistry load(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader == null");
    List<WorkflowModule> modules = new ArrayList<>();
    ServiceLoader.load(WorkflowModule.class, loader).forEach(modules::add);
    return of(modules);
  }

  /**
   * The workflows of {@code modules}.
   *
   * @throws DuplicateWorkflowException if two modules provide the same name
   * @throws IncompatibleModuleException if a module was generated for another generated-code API
   *     version
   * @throws NullPointerException if {@code modules}, a module, a name or a supplier is null
   */
  public static WorkflowRegistry of(List<? extends WorkflowModule> modules) {
    Objects.requireNonNull(modules, "modules == null");
    Map<String, Entry> workflows = new TreeMap<>();
    for (WorkflowModule module : modules) {
      Objects.requireNonNull(module, "module == null");
      String source = module.getClass().getName();
      int version = module.apiVersion();
      if (version != 0 && version != StepModule.GENERATED_API_VERSION) {
        throw new IncompatibleModuleException("workflow module " + source + " was generated for "
            + "generated-code API version " + version + ", but this fancy-runtime runs version "
            + StepModule.GENERATED_API_VERSION + ". Rebuild the project that contains it with the "
            + "fancy-processor of the same Fancy version as fancy-runtime (for Maven: mvn clean "
            + "compile), so its code is generated again");
      }
      module.workflows().forEach((name, supplier) -> {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(supplier, "supplier of '" + name + "' == null");
        Entry other = workflows.putIfAbsent(name, new Entry(supplier, source));
        if (other != null) {
          throw new DuplicateWorkflowException("workflow name '" + name + "' is provided by both "
              + other.source() + " and " + source + "; rename one of them");
        }
      });
    }
    return new WorkflowRegistry(Collections.unmodifiableMap(workflows));
  }

  /** The names of every workflow, sorted. */
  public List<String> names() {
    return List.copyOf(workflows.keySet());
  }

  /** The class name of the module that provides the workflow {@code name}, if there is one. */
  public Optional<String> source(String name) {
    Entry entry = workflows.get(name);
    return entry == null ? Optional.empty() : Optional.of(entry.source());
  }

  /**
   * Builds the workflow named {@code name}, if there is one.
   *
   * @throws WorkflowValidationException if the built workflow's own {@link Workflow#name()} is not
   *     {@code name} (the CLI, the server and the journal's labels must agree on one name), or its
   *     supplier returned null
   */
  public Optional<Workflow> find(String name) {
    Entry entry = workflows.get(name);
    if (entry == null) {
      return Optional.empty();
    }
    Workflow workflow = entry.supplier().get();
    if (workflow == null) {
      throw new WorkflowValidationException("workflow definition '" + name + "'", List.of(
          entry.source() + " returned null instead of a workflow"));
    }
    if (!workflow.name().equals(name)) {
      throw new WorkflowValidationException("workflow definition '" + name + "'", List.of(
          "its method in " + entry.source() + " built a workflow named '" + workflow.name()
              + "'; the CLI, the server and the journal know it as '" + name + "'. Pass '" + name
              + "' to Workflow.of, or rename the definition"));
    }
    return Optional.of(workflow);
  }
}
