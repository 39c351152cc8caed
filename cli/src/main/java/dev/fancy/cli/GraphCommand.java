package dev.fancy.cli;

import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fancy graph}: a workflow as a Mermaid or Graphviz diagram. */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = "Prints a workflow as a Mermaid flowchart or a Graphviz (dot) digraph: inputs, "
        + "steps (slug and version) and outputs, edges labelled with cell names.",
    footer = {"", "Examples:", "  fancy graph pipeline.json --format mermaid",
        "  fancy graph weather.report --class-path app.jar --format dot | dot -Tsvg > w.svg"})
final class GraphCommand implements Callable<Integer> {

  /** The diagram languages. */
  enum Format {
    /** Mermaid's {@code flowchart LR}. */
    mermaid,
    /** Graphviz's {@code digraph}. */
    dot
  }

  @Spec
  CommandSpec spec;
  @Mixin
  CommonOptions common;

  @Parameters(index = "0", paramLabel = "WORKFLOW",
      description = "A workflow JSON file, or the name of a workflow on the class path.")
  String workflowName;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "mermaid",
      description = "mermaid or dot (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    try (Session session = new Session(common)) {
      Workflow workflow = session.workflow(workflowName);
      spec.commandLine().getOut().print(format == Format.mermaid ? mermaid(workflow)
          : dot(workflow));
      return ExitCode.OK;
    }
  }

  /** Node IDs: i0.. for inputs, c0.. for constants, s0.. for steps, o0.. for outputs. */
  private static Map<Object, String> ids(Workflow workflow) {
    Map<Object, String> ids = new HashMap<>();
    List<Cell<?>> inputs = workflow.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      ids.put(inputs.get(i).id(), "i" + i);
    }
    List<Cell<?>> constants = workflow.constants();
    for (int i = 0; i < constants.size(); i++) {
      ids.put(constants.get(i).id(), "c" + i);
    }
    List<WorkflowStep> steps = workflow.steps();
    for (int i = 0; i < steps.size(); i++) {
      ids.put(steps.get(i).id(), "s" + i);
    }
    return ids;
  }

  static String mermaid(Workflow workflow) {
    Map<Object, String> ids = ids(workflow);
    StringBuilder text = new StringBuilder("flowchart LR\n");
    for (Cell<?> input : workflow.inputs()) {
      text.append("  ").append(ids.get(input.id())).append("[/\"").append(escape(input.alias()))
          .append(": ").append(escape(simple(input.type().name()))).append("\"/]\n");
    }
    for (Cell<?> constant : workflow.constants()) {
      text.append("  ").append(ids.get(constant.id())).append("[(\"")
          .append(escape(constant.alias())).append("\")]\n");
    }
    for (WorkflowStep step : workflow.steps()) {
      text.append("  ").append(ids.get(step.id())).append("[\"").append(escape(step.slug()))
          .append(" v").append(step.version()).append("\"]\n");
    }
    edges(workflow, ids, (from, to, label) -> text.append("  ").append(from).append(" -->|\"")
        .append(escape(label)).append("\"| ").append(to).append('\n'));
    List<Cell<?>> outputs = workflow.outputs();
    for (int i = 0; i < outputs.size(); i++) {
      Cell<?> output = outputs.get(i);
      text.append("  o").append(i).append("([\"").append(escape(output.alias())).append("\"])\n");
      String from = output.producer() == null ? ids.get(output.id())
          : ids.get(output.producer().id());
      text.append("  ").append(from).append(" --> o").append(i).append('\n');
    }
    return text.toString();
  }

  static String dot(Workflow workflow) {
    Map<Object, String> ids = ids(workflow);
    StringBuilder text = new StringBuilder("digraph \"" + quote(workflow.name()) + "\" {\n"
        + "  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for (Cell<?> input : workflow.inputs()) {
      text.append("  ").append(ids.get(input.id())).append(" [shape=parallelogram, label=\"")
          .append(quote(input.alias() + ": " + simple(input.type().name()))).append("\"];\n");
    }
    for (Cell<?> constant : workflow.constants()) {
      text.append("  ").append(ids.get(constant.id())).append(" [shape=cylinder, label=\"")
          .append(quote(constant.alias())).append("\"];\n");
    }
    for (WorkflowStep step : workflow.steps()) {
      text.append("  ").append(ids.get(step.id())).append(" [shape=box, label=\"")
          .append(quote(step.slug() + " v" + step.version())).append("\"];\n");
    }
    edges(workflow, ids, (from, to, label) -> text.append("  ").append(from).append(" -> ")
        .append(to).append(" [label=\"").append(quote(label)).append("\"];\n"));
    List<Cell<?>> outputs = workflow.outputs();
    for (int i = 0; i < outputs.size(); i++) {
      Cell<?> output = outputs.get(i);
      text.append("  o").append(i).append(" [shape=ellipse, label=\"")
          .append(quote(output.alias())).append("\"];\n");
      String from = output.producer() == null ? ids.get(output.id())
          : ids.get(output.producer().id());
      text.append("  ").append(from).append(" -> o").append(i).append(";\n");
    }
    return text.append("}\n").toString();
  }

  private interface Edge {
    void add(String from, String to, String label);
  }

  private static void edges(Workflow workflow, Map<Object, String> ids, Edge edge) {
    for (WorkflowStep step : workflow.steps()) {
      String to = ids.get(step.id());
      for (Cell<?> input : step.inputCells()) {
        String from = input.producer() == null ? ids.get(input.id())
            : ids.get(input.producer().id());
        if (from != null) {
          edge.add(from, to, input.alias());
        }
      }
      for (WorkflowStep upstream : step.upstream()) {
        String from = ids.get(upstream.id());
        if (from != null) {
          edge.add(from, to, "after");
        }
      }
    }
  }

  /** {@code java.util.List<com.acme.Row>} as {@code List<Row>}. */
  static String simple(String typeName) {
    return typeName.replaceAll("[a-z][a-z0-9_]*\\.", "").replace('$', '.');
  }

  private static String escape(String text) {
    return text.replace("\"", "#quot;");
  }

  private static String quote(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
