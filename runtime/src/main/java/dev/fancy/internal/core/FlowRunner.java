package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.frame.Usage;
import dev.fancy.frame.UsageLimits;
import dev.fancy.run.ChildRun;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.FlowStep;
import dev.fancy.workflow.RouteLog;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.spi.Ids;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a control-flow step of a run: its child workflows as child runs that share the run's
 * context, usage accounting and cancellation, each recorded as a {@link ChildRun} of the step.
 * Child runs execute on the engine's flow threads while the step's own thread waits.
 */
final class FlowRunner {

  private final RunExecution run;
  private final int s;
  private final FlowStep step;
  private final Map<String, ExecutionPlan> plans;
  private final Map<String, Object> inputs = new HashMap<>();
  /** Child runs by position (element, iteration, branch index), recorded in order at the end. */
  private final Map<Integer, ChildRun> records = new ConcurrentSkipListMap<>();

  private FlowRunner(RunExecution run, int s, Object[] args) {
    this.run = run;
    this.s = s;
    this.step = (FlowStep) run.plan.steps[s];
    this.plans = run.plan.children[s];
    for (int i = 0; i < args.length; i++) {
      inputs.put(step.inputNames().get(i), args[i]);
    }
  }

  /** Runs control-flow step {@code s} with its arguments; returns its outputs. */
  static Object[] run(RunExecution run, int s, Object[] args) throws Exception {
    FlowRunner runner = new FlowRunner(run, s, args);
    try {
      return switch (runner.step.kind()) {
        case SUBWORKFLOW -> runner.outputs(runner.child(0, "body", FlowStep.BODY, runner.inputs,
            run.context), FlowStep.BODY);
        case MAP -> runner.map();
        case CONDITIONAL -> runner.conditional();
        case LOOP -> runner.loop();
        case ROUTER -> runner.router();
        case PARALLEL -> runner.parallel();
      };
    } finally {
      runner.records.values().forEach(child -> run.addChildRun(s, child));
    }
  }

  private int position(String branch) {
    return new ArrayList<>(step.children().keySet()).indexOf(branch);
  }

  /** The values of a finished child's exposed outputs (all but a loop's predicate), in order. */
  private Object[] outputs(RunResult child, String name) {
    List<Cell<?>> exposed = new ArrayList<>(step.children().get(name).outputs());
    if (step.kind() == FlowStep.Kind.LOOP) {
      exposed.remove((int) step.settings().whileOutput());
    }
    Object[] values = new Object[exposed.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = child.get(exposed.get(i));
    }
    return values;
  }

  /**
   * Runs child workflow {@code name} to the end and records it; throws if it did not succeed.
   *
   * @param values the values of the child's inputs by alias (extra entries are ignored)
   */
  private RunResult child(int position, String label, String name, Map<String, Object> values,
      Object context) throws Exception {
    return child(position, label, name, values, context, false);
  }

  /**
   * As above; {@code inline} runs the child's steps one at a time on this thread (for map
   * elements and loop iterations, which already run on their own worker threads), otherwise on
   * the flow threads with the engine's concurrency.
   */
  private RunResult child(int position, String label, String name, Map<String, Object> values,
      Object context, boolean inline) throws Exception {
    ExecutionPlan plan = plans.get(name);
    Map<String, Object> bound = new HashMap<>();
    for (Cell<?> input : plan.workflow.inputs()) {
      bound.put(input.alias(), values.get(input.alias()));
    }
    RunOptions options = new RunOptions(UsageLimits.NONE, null, List.of(),
        run.options.contextRule(), null, Map.of(), null, run.options.cancelGrace());
    UUID childId = Ids.newId();
    RunExecution child = new RunExecution(plan, childId,
        inline ? run.services.inline() : run.services.forChildren(), options, context, run, s,
        null, Usage.NONE, null,
        run.listeners.child(new RunEvent.Child(childId, run.runId, step.id(), label, position)));
    child.label(label);
    Future<RunResult> future = child.start(plan.bindSources(bound, run.services.codec()));
    RunResult result;
    try {
      result = future.get();
    } catch (InterruptedException e) {
      child.stop("the parent step '" + step.slug() + "' was cancelled");
      result = joinUninterruptibly(future);
      records.put(position, record(label, result));
      throw new CancellationException("the run was stopped while " + label + " of step '"
          + step.slug() + "' ran");
    }
    records.put(position, record(label, result));
    if (result.status() != RunStatus.SUCCEEDED) {
      if (result.status() == RunStatus.CANCELLED || run.isStopped()) {
        throw new CancellationException(label + " of step '" + step.slug() + "' was stopped");
      }
      throw new ChildRunFailedException(label + " of step '" + step.slug() + "' failed: "
          + firstError(result), result.failure().orElse(null));
    }
    return result;
  }

  private static RunResult joinUninterruptibly(Future<RunResult> future) throws Exception {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException again) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String firstError(RunResult result) {
    return result.history().stream().filter(r -> r.status() == StepStatus.FAILED).findFirst()
        .map(r -> "step '" + r.slug() + "': " + r.error())
        .orElse(result.status().toString());
  }

  private static ChildRun record(String label, RunResult result) {
    return new ChildRun(label, result.status(), null, result.history(), result.usage());
  }

  private void notRun(int position, String label, String note) {
    records.put(position, new ChildRun(label, null, note, List.of(), Usage.NONE));
  }

  /** The alias of the cell bound to this step's input {@code name}. */
  private String inputAlias(String name) {
    int index = step.inputNames().indexOf(name);
    return index < 0 ? name : step.inputCells().get(index).alias();
  }

  private Object[] map() throws Exception {
    List<?> items = (List<?>) inputs.get(FlowStep.ITEMS);
    if (items == null) {
      throw new IllegalArgumentException("the list '" + inputAlias(FlowStep.ITEMS) + "' the map "
          + "runs over is null; give it a list (an empty list for no elements)");
    }
    Object[] results = new Object[items.size()];
    Throwable[] failures = new Throwable[items.size()];
    GroupContexts contexts = GroupContexts.of(run);
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
        if (run.isStopped()) {
          failures[i] = new CancellationException("the run was stopped");
          continue;
        }
        Map<String, Object> values = new HashMap<>(inputs);
        values.put(step.settings().itemInput(), items.get(i));
        try {
          results[i] = outputs(child(i, "element " + i, FlowStep.BODY, values,
              contexts.child(i), true), FlowStep.BODY)[0];
        } catch (Exception e) {
          failures[i] = e;
        }
      }
    };
    runConcurrently(worker, Math.min(step.settings().maxConcurrency(), items.size()));
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < failures.length; i++) {
      if (failures[i] instanceof CancellationException) {
        throw (CancellationException) failures[i];
      }
      if (failures[i] != null) {
        failed.add(i + ": " + failures[i].getMessage());
      }
    }
    if (!failed.isEmpty()) {
      throw new ChildRunFailedException(failed.size() + " of " + items.size() + " elements of "
          + "map step failed: " + String.join("; ", failed), null);
    }
    contexts.merge();
    List<Object> list = new ArrayList<>(results.length);
    java.util.Collections.addAll(list, results);
    return new Object[] {list};
  }

  /**
   * Runs {@code workers} copies of {@code worker} on the flow threads and waits for all. If this
   * thread is interrupted (the run was stopped), the workers are interrupted too and still waited
   * for, so every child run they started is recorded before the step ends.
   */
  private void runConcurrently(Runnable worker, int workers) {
    CountDownLatch done = new CountDownLatch(workers);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      futures.add(run.services.flowThreads().get().submit(() -> {
        try {
          worker.run();
        } finally {
          done.countDown();
        }
      }));
    }
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        if (!interrupted) {
          interrupted = true;
          futures.forEach(future -> future.cancel(true));
        }
      }
    }
    if (interrupted) {
      throw new CancellationException("the run was stopped while step '" + step.slug()
          + "' ran");
    }
  }

  private Object[] conditional() throws Exception {
    Object condition = inputs.get(FlowStep.CONDITION);
    String chosen = condition instanceof Enum<?> e ? e.name() : String.valueOf(condition);
    if (!step.children().containsKey(chosen)) {
      throw new IllegalArgumentException("conditional step has no branch '" + chosen
          + "'; its branches are " + step.children().keySet());
    }
    for (String branch : step.children().keySet()) {
      if (!branch.equals(chosen)) {
        notRun(position(branch), "branch " + branch, "not taken: the condition was " + chosen);
      }
    }
    return outputs(child(position(chosen), "branch " + chosen, chosen, inputs, run.context),
        chosen);
  }

  private Object[] loop() throws Exception {
    Map<String, Object> values = new HashMap<>(inputs);
    Workflow body = step.children().get(FlowStep.BODY);
    for (int iteration = 1; ; iteration++) {
      RunResult result =
          child(iteration, "iteration " + iteration, FlowStep.BODY, values, run.context, true);
      boolean goOn = Boolean.TRUE.equals(
          result.get(body.outputs().get(step.settings().whileOutput())));
      for (Map.Entry<String, Integer> carried : step.settings().carry().entrySet()) {
        values.put(carried.getKey(), result.get(body.outputs().get(carried.getValue())));
      }
      if (!goOn) {
        return outputs(result, FlowStep.BODY);
      }
      if (iteration == step.settings().maxIterations()) {
        throw new IllegalStateException("loop step still wanted to go on after its maximum of "
            + iteration + " iterations; raise maxIterations or check its predicate");
      }
    }
  }

  /**
   * A route's branch: the branch whose key equals the route as JSON (value equality, so keys
   * whose {@code toString} collide stay apart); for workflows written before keys were kept, the
   * branch named by the enum constant's name or the key's text.
   */
  /** JSON equality with numbers compared by value (2 equals 2.0, whatever the node class). */
  private static final java.util.Comparator<JsonNode> SAME_VALUE = (a, b) ->
      a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue())
          : a.equals(b) ? 0 : 1;

  private String branchOf(Object route) {
    Map<String, JsonNode> keys = step.settings().keys();
    if (keys.isEmpty()) {
      return route instanceof Enum<?> constant ? constant.name() : String.valueOf(route);
    }
    JsonNode json = run.services.codec().toTree(route);
    for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
      if (key.getValue().equals(SAME_VALUE, json)) {
        return key.getKey();
      }
    }
    return null;
  }

  private Object[] router() throws Exception {
    Collection<?> routes = (Collection<?>) inputs.get(FlowStep.ROUTES);
    if (routes == null) {
      throw new IllegalArgumentException("the routes '" + inputAlias(FlowStep.ROUTES) + "' are "
          + "null; give the router a collection of route keys (an empty collection for no "
          + "branch)");
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    for (Object route : routes) {
      String branch = branchOf(route);
      if (branch == null || !step.children().containsKey(branch)) {
        throw new IllegalArgumentException("router step was routed to '" + route
            + "', which has no branch; its branches are " + step.children().keySet());
      }
      keys.putIfAbsent(branch, route);
    }
    List<String> chosen = new ArrayList<>();
    for (String branch : step.children().keySet()) {
      if (keys.containsKey(branch)) {
        chosen.add(branch);
      } else {
        notRun(position(branch), "branch " + branch, "not routed");
      }
    }
    if (run.context instanceof RouteLog log) {
      log.routed(step.id(), List.copyOf(chosen));
    }
    Map<String, Object[]> outputs = branches(chosen);
    Map<Object, Object> results = new LinkedHashMap<>();
    for (String branch : chosen) {
      results.put(keys.get(branch), outputs.get(branch)[0]);
    }
    return new Object[] {results};
  }

  private Object[] parallel() throws Exception {
    List<String> names = new ArrayList<>(step.children().keySet());
    Map<String, Object[]> outputs = branches(names);
    List<Object> all = new ArrayList<>();
    for (String name : names) {
      java.util.Collections.addAll(all, outputs.get(name));
    }
    return all.toArray();
  }

  /**
   * Runs branches at the same time, each on its own copy of the run context when the run has a
   * {@link dev.fancy.run.ContextRule} ({@link GroupContexts}).
   */
  private Map<String, Object[]> branches(List<String> names) throws Exception {
    GroupContexts contexts = GroupContexts.of(run);
    Map<String, Object[]> outputs = new java.util.concurrent.ConcurrentHashMap<>();
    Throwable[] failures = new Throwable[names.size()];
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < names.size(); i = next.getAndIncrement()) {
        String name = names.get(i);
        try {
          outputs.put(name, outputs(child(position(name), "branch " + name, name, inputs,
              contexts.child(i)), name));
        } catch (Exception e) {
          failures[i] = e;
        }
      }
    };
    int bound = step.kind() == FlowStep.Kind.PARALLEL ? step.settings().maxConcurrency()
        : run.services.maxConcurrency();
    runConcurrently(worker, Math.max(1, Math.min(bound, names.size())));
    for (Throwable failure : failures) {
      if (failure instanceof Exception e) {
        throw e;
      }
    }
    contexts.merge();
    return outputs;
  }
}
