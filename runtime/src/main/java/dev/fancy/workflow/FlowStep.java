package dev.fancy.workflow;

import dev.fancy.run.Inputs;
import dev.fancy.value.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A control-flow step: it runs child workflows instead of a registered method. Made by the
 * factories of {@link Flow}; the engine executes it. Its child workflows are part of the
 * workflow's data (and its JSON) and are checked with it before anything runs. Every child run
 * shares the parent run's context, usage limits and cancellation, and appears in the step's
 * history.
 *
 * <p>Slugs are {@code fancy.flow.<kind>} (version 1). Input and output names by kind:
 *
 * <table>
 * <caption>Inputs and outputs of control-flow steps</caption>
 * <tr><th>kind</th><th>inputs</th><th>outputs</th><th>children</th></tr>
 * <tr><td>sub-workflow</td><td>one per child input, by alias</td><td>{@code out0..} = the
 *     child's outputs</td><td>{@code body}</td></tr>
 * <tr><td>map</td><td>{@code items} (a {@code List}), then the body's other inputs</td>
 *     <td>{@code results}: a {@code List} of the body's single output, in item order</td>
 *     <td>{@code body}</td></tr>
 * <tr><td>conditional</td><td>{@code condition} (boolean or enum), then the branches'
 *     inputs</td><td>{@code out0..} = the chosen branch's outputs</td><td>one per branch,
 *     named {@code true}/{@code false} or by enum constant</td></tr>
 * <tr><td>loop</td><td>the body's inputs (carried ones start with these values)</td>
 *     <td>{@code out0..} = the body's outputs except the predicate</td><td>{@code body}</td></tr>
 * <tr><td>router</td><td>{@code routes} (a {@code Collection} of keys, compared by value:
 *     each branch's key is kept as JSON in the settings' {@code keys}; a branch is named by its
 *     enum constant, its string, or its key's JSON text), then the branches' inputs</td><td>{@code results}: a
 *     {@code Map} of each key routed to, to its branch's single output</td><td>one per key</td></tr>
 * <tr><td>parallel</td><td>the branches' inputs</td><td>{@code <branch>_out<i>}</td>
 *     <td>one per branch</td></tr>
 * </table>
 */
public final class FlowStep extends WorkflowStep {

  /** What a control-flow step does. */
  public enum Kind {
    /** Runs one child workflow as a step. */
    SUBWORKFLOW,
    /** Runs the body once per element of a list, with bounded concurrency (dynamic fan-out). */
    MAP,
    /** Runs the branch a boolean or enum cell chooses; the others are skipped. */
    CONDITIONAL,
    /** Repeats the body while a boolean output of it holds, at most a given number of times. */
    LOOP,
    /** Runs the branches a routing cell names at run time. */
    ROUTER,
    /** Runs every branch at the same time on copies of the run context. */
    PARALLEL;

    /** The slug of this kind, e.g. {@code fancy.flow.map}. */
    public String slug() {
      return "fancy.flow." + name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Version of every control-flow step. */
  public static final int VERSION = 1;
  /** Name of the map step's list input. */
  public static final String ITEMS = "items";
  /** Name of the conditional step's condition input. */
  public static final String CONDITION = "condition";
  /** Name of the router step's routes input. */
  public static final String ROUTES = "routes";
  /** Name of the map and router steps' output. */
  public static final String RESULTS = "results";
  /** Name of the body's body workflow. */
  public static final String BODY = "body";

  /**
   * Settings of a control-flow step; fields that do not apply to its kind are 0 or null.
   *
   * @param maxConcurrency map and parallel: the most child runs at the same time, {@code >= 1}
   * @param maxIterations loop: the most iterations, {@code >= 1}; reaching it while the
   *     predicate still holds fails the step
   * @param itemInput map: the alias of the body input that receives each element
   * @param whileOutput loop: the index among the body's outputs of the boolean that says "go on"
   * @param carry loop: body input alias to the index of the body output that feeds it in the next
   *     iteration (loop-carried cells)
   */
  public record Settings(int maxConcurrency, int maxIterations, String itemInput,
      Integer whileOutput, Map<String, Integer> carry,
      @com.fasterxml.jackson.annotation.JsonInclude(
          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
      Map<String, com.fasterxml.jackson.databind.JsonNode> keys) {

    /** No settings: for sub-workflows and conditionals. */
    static final Settings NONE = new Settings(0, 0, null, null, null, null);

    /** Copies the maps (sorted by input alias and branch name). */
    public Settings {
      carry = carry == null ? Map.of()
          : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(carry));
      keys = keys == null ? Map.of()
          : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(keys));
    }

    /** These settings for a router whose branches have the keys {@code keys} (as JSON). */
    static Settings routes(Map<String, com.fasterxml.jackson.databind.JsonNode> keys) {
      return new Settings(0, 0, null, null, null, keys);
    }

    /** What is wrong with these settings for {@code kind}, one sentence each. */
    public List<String> problems(Kind kind) {
      List<String> problems = new ArrayList<>();
      if ((kind == Kind.MAP || kind == Kind.PARALLEL) && maxConcurrency < 1) {
        problems.add("maxConcurrency is " + maxConcurrency + "; it must be at least 1");
      }
      if (kind == Kind.LOOP && maxIterations < 1) {
        problems.add("maxIterations is " + maxIterations + "; a loop needs a bound of at least 1");
      }
      if (kind == Kind.MAP && (itemInput == null || itemInput.isBlank())) {
        problems.add("the map has no item input");
      }
      if (kind == Kind.LOOP && whileOutput == null) {
        problems.add("the loop has no predicate output");
      }
      return problems;
    }
  }

  private final Kind kind;
  private final Map<String, Workflow> children;
  private final Settings settings;

  FlowStep(UUID id, Kind kind, Map<String, Workflow> children, Settings settings,
      List<String> inputNames, List<? extends Cell<?>> inputs, List<OutputSpec> outputs) {
    super(id, kind.slug(), VERSION, inputNames, inputs, outputs);
    FlowScope.register(this);
    this.kind = Objects.requireNonNull(kind, "kind == null");
    this.children = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(children));
    this.settings = Objects.requireNonNull(settings, "settings == null");
    List<String> problems = settings.problems(kind);
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the " + kind.slug() + " step (" + id + ")", problems);
    }
  }

  /**
   * The ID of a control-flow step made by {@link Flow}: as a plain step's (its slug, which names
   * the kind, its inputs in order and its outputs), with its settings and, per child in order, the
   * child's name and the IDs of its inputs, constants, steps and outputs. The children's IDs are
   * derived from their wiring in turn, so this covers the whole body.
   */
  static UUID contentId(Kind kind, Map<String, Workflow> children, Settings settings,
      List<String> inputNames, List<? extends Cell<?>> inputs, List<OutputSpec> outputs) {
    ContentId content = outputsContent(content(kind.slug(), VERSION, inputNames, inputs),
        outputs);
    content.add(settings.maxConcurrency()).add(settings.maxIterations())
        .add(settings.itemInput())
        .add(settings.whileOutput() == null ? null : settings.whileOutput().toString())
        .add(settings.carry().size());
    settings.carry().forEach((input, output) -> content.add(input).add(output));
    content.add(settings.keys().size());
    settings.keys().forEach((branch, key) -> content.add(branch).add(key));
    content.add(children.size());
    for (Map.Entry<String, Workflow> child : children.entrySet()) {
      Workflow workflow = child.getValue();
      content.add(child.getKey()).add(workflow.name());
      for (List<Cell<?>> cells : List.of(workflow.inputs(), workflow.constants(),
          workflow.outputs())) {
        content.add(cells.size());
        cells.forEach(cell -> content.add(cell.id()));
      }
      content.add(workflow.steps().size());
      workflow.steps().forEach(step -> content.add(step.id()));
    }
    return content.id();
  }

  /** What this step does. */
  public Kind kind() {
    return kind;
  }

  /** The child workflows by name ({@code body}, or branch names), in declaration order. */
  public Map<String, Workflow> children() {
    return children;
  }

  /** The step's settings. */
  public Settings settings() {
    return settings;
  }

  @Override
  boolean extrasEqual(WorkflowStep other) {
    return other instanceof FlowStep flow && kind == flow.kind
        && children.equals(flow.children) && settings.equals(flow.settings);
  }

  /** Type of map results of elements of {@code element}. */
  static ValueType<?> listOf(ValueType<?> element) {
    return ValueType.of(List.class, "java.util.List<" + boxed(element) + ">");
  }

  /** Type of router results: keys of {@code key}, values of {@code value}. */
  static ValueType<?> mapOf(ValueType<?> key, ValueType<?> value) {
    return ValueType.of(Map.class, "java.util.Map<" + boxed(key) + "," + boxed(value) + ">");
  }

  private static String boxed(ValueType<?> type) {
    return type.isPrimitive() ? type.rawType().getName() : type.name();
  }
}
