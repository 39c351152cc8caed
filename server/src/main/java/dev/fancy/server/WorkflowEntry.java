package dev.fancy.server;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A catalog workflow read back: its row, the Fancy {@link Workflow}, the name of each workflow
 * step as the API shows it (the tracker's step ID for {@code tracker.task} steps, the slug for
 * others, {@code slug#2}... when a slug repeats), and the workflow's outputs by name (the
 * tracker step's ID, or the output cell's alias). Output names are looked up in this map only;
 * nothing in a request path reaches the file system.
 */
final class WorkflowEntry {
  final Catalog.StoredWorkflow row;
  final Workflow workflow;
  final Map<UUID, String> stepNames;
  final Map<String, WorkflowStep> stepsByName;
  final Map<String, Cell<?>> outputs;
  /** The names of {@link #outputs} by the workflow step that produces them, in order. */
  final Map<UUID, java.util.List<String>> outputNames;

  WorkflowEntry(Catalog.StoredWorkflow row, Workflow workflow) {
    this.row = row;
    this.workflow = workflow;
    Map<UUID, String> names = new LinkedHashMap<>();
    Map<String, WorkflowStep> byName = new LinkedHashMap<>();
    Map<String, Cell<?>> outs = new LinkedHashMap<>();
    Map<UUID, java.util.List<String>> byStep = new LinkedHashMap<>();
    for (WorkflowStep step : workflow.steps()) {
      String name = name(step);
      String unique = name;
      for (int n = 2; byName.containsKey(unique); n++) {
        unique = name + "#" + n;
      }
      names.put(step.id(), unique);
      byName.put(unique, step);
    }
    for (Cell<?> output : workflow.outputs()) {
      WorkflowStep producer = output.producer();
      String name = producer != null && producer.slug().equals("tracker.task")
          ? names.get(producer.id()) : output.alias();
      if (outs.putIfAbsent(name, output) == null && producer != null) {
        byStep.computeIfAbsent(producer.id(), id -> new java.util.ArrayList<>()).add(name);
      }
    }
    this.stepNames = Collections.unmodifiableMap(names);
    this.stepsByName = Collections.unmodifiableMap(byName);
    this.outputs = Collections.unmodifiableMap(outs);
    byStep.replaceAll((id, list) -> java.util.List.copyOf(list));
    this.outputNames = Collections.unmodifiableMap(byStep);
  }

  /** The API name of {@code step} (before making it unique). */
  static String name(WorkflowStep step) {
    if (step.slug().equals("tracker.task") && step.inputNames().contains("spec")) {
      return step.inputCell("spec").alias();
    }
    return step.slug();
  }

  /** The output cell of the tracker step or workflow output named {@code name}, or null. */
  Cell<?> output(String name) {
    return outputs.get(name);
  }
}
