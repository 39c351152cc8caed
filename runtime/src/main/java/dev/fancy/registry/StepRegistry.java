package dev.fancy.registry;

import dev.fancy.internal.StepDefinition;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.OutputValidator;
import dev.fancy.workflow.Port;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps {@code slug@version} to a step definition. Filled from generated modules found with
 * {@link ServiceLoader} and from explicit registration; always holds the built-in composite and
 * control-flow steps.
 * Thread-safe: registration and lookups may happen concurrently.
 */
public final class StepRegistry {

  /**
   * Classes any workflow JSON may name for inputs and constants: plain JDK values that Jackson
   * reads without calling anything of the caller's choosing.
   */
  private static final Set<String> SAFE_TYPES = Set.of("java.lang.String", "java.lang.Object",
      "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Character",
      "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
      "java.lang.Number", "java.math.BigDecimal", "java.math.BigInteger", "java.util.List",
      "java.util.Set", "java.util.Map", "java.util.Collection", "java.util.SortedMap",
      "java.util.SortedSet", "java.util.Optional", "java.util.OptionalInt",
      "java.util.OptionalLong", "java.util.OptionalDouble", "java.util.UUID",
      "java.nio.file.Path", "java.net.URI", "dev.fancy.value.Blob");

  private final Map<String, Entry> definitions = new ConcurrentHashMap<>();
  private final Map<String, OutputValidator<?>> validators = new ConcurrentHashMap<>();
  private final Set<String> allowedTypes = ConcurrentHashMap.newKeySet();
  /** Every class the registered contracts mention; null when a registration made it stale. */
  private volatile Set<String> contractClasses;

  private record Entry(StepDefinition definition, String source) {}

  private StepRegistry() {}

  /** A registry holding only the built-in composite and control-flow steps. */
  public static StepRegistry empty() {
    StepRegistry registry = new StepRegistry();
    registry.register(new CompositeModule());
    registry.register(new FlowModule());
    return registry;
  }

  /**
   * A registry with the built-in steps and every {@link StepModule} that {@link ServiceLoader}
   * finds through the context class loader (the modules generated for classes whose steps are
   * all static).
   *
   * @throws DuplicateStepException if two modules define the same slug and version
   * @throws java.util.ServiceConfigurationError if a listed module cannot be created
   */
  public static StepRegistry loadDefault() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  /**
   * As {@link #loadDefault()}, with modules found through {@code loader}.
   *
   * @throws DuplicateStepException if two modules define the same slug and version
   */
  public static StepRegistry load(ClassLoader loader) {
    StepRegistry registry = empty();
    for (StepModule module : ServiceLoader.load(StepModule.class, loader)) {
      registry.register(module);
    }
    return registry;
  }

  /**
   * Registers every definition of {@code module}; all or nothing.
   *
   * @return this registry
   * @throws DuplicateStepException if a slug and version is already registered (nothing of the
   *     module is registered then)
   * @throws IncompatibleModuleException if the module was generated for another generated-code
   *     API version (nothing is registered then)
   */
  public synchronized StepRegistry register(StepModule module) {
    Objects.requireNonNull(module, "module == null");
    String source = module.getClass().getName();
    int version = module.apiVersion();
    if (version != 0 && version != StepModule.GENERATED_API_VERSION) {
      throw new IncompatibleModuleException("step module " + source + " was generated for "
          + "generated-code API version " + version + ", but this fancy-runtime runs version "
          + StepModule.GENERATED_API_VERSION + ". Rebuild the project that contains it with the "
          + "fancy-processor of the same Fancy version as fancy-runtime (for Maven: mvn clean "
          + "compile), so its code is generated again");
    }
    List<StepDefinition> steps = module.steps();
    for (StepDefinition step : steps) {
      requireAbsent(step, source);
    }
    for (StepDefinition step : steps) {
      definitions.put(step.key(), new Entry(step, source));
    }
    contractClasses = null;
    return this;
  }

  /**
   * Registers one definition.
   *
   * @return this registry
   * @throws DuplicateStepException if its slug and version is already registered
   */
  public synchronized StepRegistry register(StepDefinition definition) {
    Objects.requireNonNull(definition, "definition == null");
    requireAbsent(definition, "an explicit registration");
    definitions.put(definition.key(), new Entry(definition, "an explicit registration"));
    contractClasses = null;
    return this;
  }

  /**
   * Allows workflow JSON to name {@code type} (and use it inside generic types) for workflow
   * inputs and constants, although no registered step's contract mentions it.
   *
   * @return this registry
   */
  public StepRegistry allowType(Class<?> type) {
    allowedTypes.add(Objects.requireNonNull(type, "type == null").getName());
    return this;
  }

  /**
   * Whether workflow JSON may name the class {@code className} (a binary name) in the type of a
   * workflow input or constant: it is a plain JDK value type ({@code String}, boxed primitives,
   * {@code BigDecimal}, {@code java.time} types, collections, {@code Path}, {@code UUID}, ...),
   * a class some registered step's contract mentions, or allowed with {@link #allowType}. A type
   * name in JSON decides which class Jackson instantiates for a value, so it must not be free
   * (see docs/workflow-json.md, "Trust").
   */
  public boolean isTypeAllowed(String className) {
    if (SAFE_TYPES.contains(className) || className.startsWith("java.time.")
        || allowedTypes.contains(className)) {
      return true;
    }
    Set<String> classes = contractClasses;
    if (classes == null) {
      classes = new HashSet<>();
      for (Entry entry : definitions.values()) {
        Contract contract = entry.definition().contract();
        for (Port port : contract.inputs()) {
          classes.addAll(port.type().classNames());
        }
        for (Port port : contract.outputs()) {
          classes.addAll(port.type().classNames());
        }
      }
      contractClasses = classes;
    }
    return classes.contains(className);
  }

  private void requireAbsent(StepDefinition step, String source) {
    Entry existing = definitions.get(step.key());
    if (existing != null) {
      throw new DuplicateStepException("step " + step.key() + " from " + source
          + " is already registered by " + existing.source() + "; give one of them another slug "
          + "or version, or register the module only once");
    }
  }

  /**
   * Registers an output validator under its {@link OutputValidator#name()}, for workflows read
   * from JSON (workflows built in code carry their validators).
   *
   * @return this registry
   * @throws IllegalArgumentException if the name is blank or another validator has it
   */
  public StepRegistry registerValidator(OutputValidator<?> validator) {
    Objects.requireNonNull(validator, "validator == null");
    String name = validator.name();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a validator name is blank");
    }
    OutputValidator<?> previous = validators.putIfAbsent(name, validator);
    if (previous != null && previous != validator) {
      throw new IllegalArgumentException("a validator named '" + name + "' is already registered");
    }
    return this;
  }

  /** The validator registered under {@code name}, if any. */
  public Optional<OutputValidator<?>> validator(String name) {
    return Optional.ofNullable(validators.get(name));
  }

  /** The definition of {@code slug} at {@code version}, if registered. */
  public Optional<StepDefinition> find(String slug, int version) {
    Entry entry = definitions.get(slug + "@" + version);
    return entry == null ? Optional.empty() : Optional.of(entry.definition());
  }

  /** Registered versions of {@code slug}, ascending; empty if the slug is unknown. */
  public List<Integer> versions(String slug) {
    List<Integer> versions = new ArrayList<>();
    for (Entry entry : definitions.values()) {
      if (entry.definition().slug().equals(slug)) {
        versions.add(entry.definition().version());
      }
    }
    versions.sort(Comparator.naturalOrder());
    return versions;
  }

  /** Every registered step, ordered by slug then version: what tools list and show. */
  public List<RegisteredStep> steps() {
    return definitions().stream().map(d -> new RegisteredStep(d.slug(), d.version(),
        d.description(), d.contract(), d.defaults())).toList();
  }

  /** Every registered definition, ordered by slug then version (for engines). */
  public List<StepDefinition> definitions() {
    return definitions.values().stream().map(Entry::definition)
        .sorted(Comparator.comparing(StepDefinition::slug)
            .thenComparingInt(StepDefinition::version))
        .toList();
  }
}
