package dev.fancy.workflow;

import dev.fancy.run.ContextRule;
import dev.fancy.value.ValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Typed control flow: sub-workflows, map (dynamic fan-out), if/else, switches on an enum,
 * routers, bounded loops and parallel groups, each written as lambdas that wire steps, and each
 * returning typed cells. The wiring inside a lambda becomes a child workflow of a control-flow
 * step ({@link FlowStep}). Cells from outside that a lambda uses are captured: they become inputs
 * of the child, bound automatically. Javac checks every type.
 *
 * <pre>{@code
 * Cell<List<YearSummary>> summaries =
 *     Flow.map(years, 2, year -> YearlySteps.summarizeYear(seattle, year).out());
 * Cell<String> note = Flow.ifElse(YearlySteps.warmed(summaries).out(),
 *     () -> YearlySteps.warmingNote(summaries).out(),
 *     () -> YearlySteps.steadyNote(summaries).out());
 * }</pre>
 *
 * <p>Every step a lambda creates belongs to its body and runs with it (also steps whose outputs
 * nobody reads). A cell made inside a body exists only there: use what the builder returns. The
 * resulting workflow JSON is the same as any control-flow step's (see docs/workflow-json.md), so
 * it round-trips and runs anywhere. Execution semantics (child runs, concurrency, context,
 * history) are in docs/semantics.md.
 */
public final class Flow {

  /** The name of a map body's item input. */
  static final String ITEM = "item";
  /** The name of a loop body's state input. */
  static final String STATE = "state";
  /** The name of a sub-workflow's argument input. */
  static final String ARGUMENT = "argument";

  private Flow() {}

  /**
   * Runs the steps {@code body} wires as one step: a sub-workflow, shown nested in the history.
   *
   * @param name the child workflow's name, for the history and JSON
   * @param body wires steps and returns the cell the sub-workflow computes
   * @return the sub-workflow's result
   * @throws WorkflowValidationException if the body does not fit (see {@link Flow})
   */
  public static <T> Cell<T> subWorkflow(String name, Supplier<? extends Cell<T>> body) {
    Objects.requireNonNull(body, "body == null");
    FlowBody.Captures captures = new FlowBody.Captures();
    FlowBody.Scoped<? extends Cell<T>> run = FlowBody.run("sub-workflow '" + name + "'", body);
    Workflow child = FlowBody.build(name, run.scope(), List.of(run.result()), List.of(),
        captures);
    FlowStep step = build(FlowStep.Kind.SUBWORKFLOW, Map.of(FlowStep.BODY, child),
        FlowStep.Settings.NONE, null, null, captures.bindings());
    return output(step, 0);
  }

  /**
   * As {@link #subWorkflow(String, Supplier)}, for a body that takes an argument: the same body
   * can wire sub-workflows of different arguments.
   *
   * @param argument the cell the body receives
   * @param body wires steps from its argument and returns the cell the sub-workflow computes
   */
  public static <A, T> Cell<T> subWorkflow(String name, Cell<A> argument,
      Function<Cell<A>, ? extends Cell<T>> body) {
    Objects.requireNonNull(argument, "argument == null");
    Objects.requireNonNull(body, "body == null");
    FlowBody.Captures captures = new FlowBody.Captures().reserve(ARGUMENT);
    Cell<A> parameter = Cell.parameter(ARGUMENT, argument.type());
    FlowBody.Scoped<? extends Cell<T>> run = FlowBody.run("sub-workflow '" + name + "'",
        () -> body.apply(parameter));
    Workflow child = FlowBody.build(name, run.scope(), List.of(run.result()),
        List.of(parameter), captures);
    Map<String, Cell<?>> inputs = new TreeMap<>(captures.bindings());
    inputs.put(ARGUMENT, argument);
    FlowStep step = build(FlowStep.Kind.SUBWORKFLOW, Map.of(FlowStep.BODY, child),
        FlowStep.Settings.NONE, null, null, inputs);
    return output(step, 0);
  }

  /**
   * Runs {@code body} once per element of {@code items} (dynamic fan-out), at most
   * {@code maxConcurrency} at a time, and collects the results in the items' order. A failed
   * element fails the step, naming every failed index.
   *
   * @param items a list; its cell's type must name the element type ({@code List<Integer>})
   * @param maxConcurrency the most elements at once, {@code >= 1}
   * @param body wires steps from one element and returns the cell it computes
   * @return the results, one per item, in order
   * @throws IllegalArgumentException if the element type of {@code items} is unknown
   * @throws WorkflowValidationException if {@code maxConcurrency < 1} or the body does not fit
   */
  public static <E, R> Cell<List<R>> map(Cell<? extends List<E>> items, int maxConcurrency,
      Function<Cell<E>, ? extends Cell<R>> body) {
    Objects.requireNonNull(items, "items == null");
    Objects.requireNonNull(body, "body == null");
    @SuppressWarnings("unchecked")
    ValueType<E> elementType = (ValueType<E>) items.type().elementType();
    Cell<E> item = Cell.parameter(ITEM, elementType);
    FlowBody.Captures captures = new FlowBody.Captures().reserve(ITEM);
    FlowBody.Scoped<? extends Cell<R>> run = FlowBody.run("the map over '" + items.alias() + "'",
        () -> body.apply(item));
    Workflow child = FlowBody.build("map body", run.scope(), List.of(run.result()),
        List.of(item), captures);
    FlowStep step = build(FlowStep.Kind.MAP, Map.of(FlowStep.BODY, child),
        new FlowStep.Settings(maxConcurrency, 0, ITEM, null, null, null), FlowStep.ITEMS, items,
        captures.bindings());
    return output(step, 0);
  }

  /**
   * Runs {@code whenTrue} or {@code whenFalse}, as {@code condition} says; the branch not taken is
   * recorded as not run.
   *
   * @return the result of the branch that ran
   * @throws WorkflowValidationException if a branch does not fit
   */
  public static <T> Cell<T> ifElse(Cell<Boolean> condition, Supplier<? extends Cell<T>> whenTrue,
      Supplier<? extends Cell<T>> whenFalse) {
    Objects.requireNonNull(condition, "condition == null");
    Branches branches = new Branches("the if/else on '" + condition.alias() + "'");
    branches.add("true", Objects.requireNonNull(whenTrue, "whenTrue == null"));
    branches.add("false", Objects.requireNonNull(whenFalse, "whenFalse == null"));
    FlowStep step = build(FlowStep.Kind.CONDITIONAL, branches.children,
        FlowStep.Settings.NONE, FlowStep.CONDITION, condition,
        branches.captures.bindings());
    return output(step, 0);
  }

  /**
   * Starts a switch on an enum cell: {@code Flow.switchOn(mood).when(HAPPY, () -> ...)
   * .when(SAD, () -> ...).end()}. The branch of the cell's value runs; every constant needs a
   * branch.
   */
  public static <E extends Enum<E>> Switch<E> switchOn(Cell<E> key) {
    return new Switch<>(Objects.requireNonNull(key, "key == null"));
  }

  /**
   * Starts a router: {@code Flow.route(picked).when(RAIN, () -> ...).when(SUN, () -> ...).end()}.
   * At run time, the branches of the keys in the collection {@code routes} holds run (at the same
   * time); the result maps each of those keys to its branch's result.
   *
   * @param routes the keys to route to, chosen by an earlier step: enum constants or strings
   */
  public static <K> Router<K> route(Cell<? extends Collection<K>> routes) {
    return new Router<>(Objects.requireNonNull(routes, "routes == null"));
  }

  /**
   * Repeats {@code body} on a state (a loop-carried cell): the first iteration receives
   * {@code initial}, each next one the state the previous returned, while the previous said to go
   * on. Needing more than {@code maxIterations} iterations fails the step. Every iteration is
   * recorded.
   *
   * @param body wires one iteration from the state and returns {@link #next}
   * @return the state after the last iteration
   * @throws WorkflowValidationException if {@code maxIterations < 1} or the body does not fit
   */
  public static <S> Cell<S> loop(Cell<S> initial, int maxIterations,
      Function<Cell<S>, Next<S>> body) {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(body, "body == null");
    Cell<S> state = Cell.parameter(STATE, initial.type());
    FlowBody.Captures captures = new FlowBody.Captures().reserve(STATE);
    FlowBody.Scoped<Next<S>> run = FlowBody.run("the loop on '" + initial.alias() + "'",
        () -> body.apply(state));
    Workflow child = FlowBody.build("loop body", run.scope(),
        List.of(run.result().state(), run.result().goOn()), List.of(state), captures);
    Map<String, Cell<?>> inputs = new TreeMap<>(captures.bindings());
    inputs.put(STATE, initial);
    FlowStep step = build(FlowStep.Kind.LOOP, Map.of(FlowStep.BODY, child),
        new FlowStep.Settings(0, maxIterations, null, 1, Map.of(STATE, 0), null), null, null, inputs);
    return output(step, 0);
  }

  /** What a loop iteration returns: the next state, and whether to go on. */
  public static <S> Next<S> next(Cell<S> state, Cell<Boolean> goOn) {
    return new Next<>(state, goOn);
  }

  /**
   * What a loop iteration returns.
   *
   * @param state the state the next iteration receives, or the loop's result if it is the last
   * @param goOn whether another iteration runs
   */
  public record Next<S>(Cell<S> state, Cell<Boolean> goOn) {
    /** Validates. */
    public Next {
      Objects.requireNonNull(state, "state == null");
      Objects.requireNonNull(goOn, "goOn == null");
    }
  }

  /**
   * Runs every branch at the same time, at most {@code maxConcurrency} at once, each on its own
   * copy of the run context (merged back by the run's {@code ContextRule}).
   *
   * @return the branches' results, in order
   * @throws WorkflowValidationException if {@code maxConcurrency < 1}, there is no branch, or a
   *     branch does not fit
   */
  public static <T> List<Cell<T>> parallel(int maxConcurrency,
      List<? extends Supplier<? extends Cell<T>>> branches) {
    FlowStep step = parallelStep(maxConcurrency, branches);
    List<Cell<T>> results = new ArrayList<>();
    for (int i = 0; i < branches.size(); i++) {
      results.add(output(step, i));
    }
    return List.copyOf(results);
  }

  /**
   * As {@link #parallel(int, List)}, for two branches of different types.
   *
   * @return both results
   */
  public static <A, B> Pair<A, B> parallel(int maxConcurrency, Supplier<? extends Cell<A>> first,
      Supplier<? extends Cell<B>> second) {
    FlowStep step = parallelStep(maxConcurrency, List.of(first, second));
    return new Pair<>(output(step, 0), output(step, 1));
  }

  /** The parallel step of {@code branches}, named {@code branch0}, {@code branch1}, ... */
  private static FlowStep parallelStep(int maxConcurrency,
      List<? extends Supplier<? extends Cell<?>>> branches) {
    Objects.requireNonNull(branches, "branches == null; pass one supplier per branch");
    Branches all = new Branches("a parallel group");
    for (int i = 0; i < branches.size(); i++) {
      int index = i;
      all.add("branch" + i, Objects.requireNonNull(branches.get(i), () -> "branch " + index
          + " of a parallel group is null; pass a supplier that builds the branch"));
    }
    return build(FlowStep.Kind.PARALLEL, all.children,
        new FlowStep.Settings(maxConcurrency, 0, null, null, null, null), null, null,
        all.captures.bindings());
  }

  /**
   * The results of two parallel branches.
   *
   * @param first the first branch's result
   * @param second the second branch's result
   */
  public record Pair<A, B>(Cell<A> first, Cell<B> second) {}

  /** A switch on an enum cell, before its first branch. */
  public static final class Switch<E extends Enum<E>> {
    private final Cell<E> key;

    private Switch(Cell<E> key) {
      this.key = key;
    }

    /** The branch of {@code constant}; its result type is the switch's. */
    public <T> Cases<E, T> when(E constant, Supplier<? extends Cell<T>> body) {
      return new Cases<E, T>(key).when(constant, body);
    }
  }

  /**
   * The branches of a switch on an enum cell.
   *
   * @param <E> the enum
   * @param <T> the type of every branch's result
   */
  public static final class Cases<E extends Enum<E>, T> {
    private final Cell<E> key;
    private final Branches branches;
    private final Set<E> covered = new java.util.HashSet<>();

    private Cases(Cell<E> key) {
      this.key = key;
      this.branches = new Branches("the switch on '" + key.alias() + "'");
    }

    /**
     * The branch of {@code constant}.
     *
     * @throws IllegalArgumentException if {@code constant} has a branch already
     */
    public Cases<E, T> when(E constant, Supplier<? extends Cell<T>> body) {
      if (!covered.add(Objects.requireNonNull(constant, "constant == null"))) {
        throw new IllegalArgumentException(constant + " has a branch already");
      }
      branches.add(constant.name(), Objects.requireNonNull(body, "body == null"));
      return this;
    }

    /**
     * The switch's result: the result of the branch of the key's value.
     *
     * @throws WorkflowValidationException if a constant has no branch, or a branch does not fit
     */
    public Cell<T> end() {
      Class<E> type = covered.iterator().next().getDeclaringClass();
      EnumSet<E> missing = EnumSet.allOf(type);
      missing.removeAll(covered);
      if (!missing.isEmpty()) {
        throw new WorkflowValidationException("the switch on '" + key.alias() + "'",
            List.of("the constants " + missing + " have no branch; give every constant of "
                + type.getSimpleName() + " a branch"));
      }
      FlowStep step = build(FlowStep.Kind.CONDITIONAL, branches.children,
          FlowStep.Settings.NONE, FlowStep.CONDITION, key,
          branches.captures.bindings());
      return output(step, 0);
    }
  }

  /** A router, before its first branch. */
  public static final class Router<K> {
    private final Cell<? extends Collection<K>> routes;

    private Router(Cell<? extends Collection<K>> routes) {
      this.routes = routes;
    }

    /** The branch of {@code key}; its result type is every branch's. */
    public <T> Routes<K, T> when(K key, Supplier<? extends Cell<T>> body) {
      return new Routes<K, T>(routes).when(key, body);
    }
  }

  /**
   * The branches of a router.
   *
   * @param <K> the type of the keys
   * @param <T> the type of every branch's result
   */
  public static final class Routes<K, T> {
    private final Cell<? extends Collection<K>> routes;
    private final Branches branches;
    private final Map<String, com.fasterxml.jackson.databind.JsonNode> keys =
        new java.util.LinkedHashMap<>();

    private Routes(Cell<? extends Collection<K>> routes) {
      this.routes = routes;
      this.branches = new Branches("the router on '" + routes.alias() + "'");
    }

    /**
     * The branch of {@code key}.
     *
     * @throws IllegalArgumentException if a key of the same name has a branch already
     */
    public Routes<K, T> when(K key, Supplier<? extends Cell<T>> body) {
      Objects.requireNonNull(key, "key == null");
      com.fasterxml.jackson.databind.JsonNode json;
      try {
        json = WorkflowJson.canonical(dev.fancy.value.ValueCodec.defaults().toTree(key));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("route key " + key + " cannot be written as JSON, "
            + "which a workflow keeps its keys as: " + e.getMessage(), e);
      }
      String name = key instanceof Enum<?> constant ? constant.name()
          : json.isTextual() ? json.textValue() : json.toString();
      for (var existing : keys.entrySet()) {
        if (existing.getValue().equals(json)) {
          throw new IllegalArgumentException("key " + key + " has a branch already");
        }
      }
      if (branches.children.containsKey(name)) {
        throw new IllegalArgumentException("key " + key + " and another key are both named '"
            + name + "' as branches; give keys of one router distinct texts");
      }
      keys.put(name, json);
      branches.add(name, Objects.requireNonNull(body, "body == null"));
      return this;
    }

    /**
     * The router's result: each key routed to, to its branch's result.
     *
     * @throws WorkflowValidationException if a branch does not fit
     */
    public Cell<Map<K, T>> end() {
      FlowStep step = build(FlowStep.Kind.ROUTER, branches.children,
          FlowStep.Settings.routes(keys), FlowStep.ROUTES, routes,
          branches.captures.bindings());
      return output(step, 0);
    }
  }

  /** Branches of one control-flow step, built with shared captures. */
  private static final class Branches {
    private final String description;
    private final FlowBody.Captures captures = new FlowBody.Captures();
    private final Map<String, Workflow> children = new LinkedHashMap<>();

    Branches(String description) {
      this.description = description;
    }

    void add(String name, Supplier<? extends Cell<?>> body) {
      FlowBody.Scoped<? extends Cell<?>> run =
          FlowBody.run("branch " + name + " of " + description, body);
      children.put(name, FlowBody.build(name, run.scope(), List.of(run.result()), List.of(),
          captures));
    }
  }

  /** The output {@code index} of {@code step}, typed as the builder promises. */
  @SuppressWarnings("unchecked")
  private static <T> Cell<T> output(FlowStep step, int index) {
    return (Cell<T>) step.outputCells().get(index);
  }

  private static FlowStep build(FlowStep.Kind kind, Map<String, Workflow> children,
      FlowStep.Settings settings, String controlName, Cell<?> control,
      Map<String, ? extends Cell<?>> inputs) {
    List<String> names = new ArrayList<>();
    List<Cell<?>> cells = new ArrayList<>();
    if (controlName != null) {
      names.add(controlName);
      cells.add(control);
    }
    for (Map.Entry<String, ? extends Cell<?>> input : new TreeMap<>(inputs).entrySet()) {
      names.add(input.getKey());
      cells.add(input.getValue());
    }
    List<WorkflowStep.OutputSpec> outputs =
        FlowShape.outputs(kind, settings, children, control == null ? null : control.type());
    FlowStep step = new FlowStep(FlowStep.contentId(kind, children, settings, names, cells,
        outputs), kind, children, settings, names, cells, outputs);
    List<String> problems = FlowShape.problems(step);
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the " + kind.slug() + " step", problems);
    }
    return step;
  }
}
