package dev.fancy.cli;

import dev.fancy.config.Config;
import dev.fancy.config.ConfigFile;
import dev.fancy.config.ConfigGenerator;
import dev.fancy.run.Inputs;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fancy validate}: checks a workflow and its configs; runs nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Checks a workflow's graph against the registry and, with --config or --set, "
        + "every config's inputs against the workflow's input types. Runs nothing.",
        "Exits 0 if valid, 3 if not."},
    footer = {"", "Example:", "  fancy validate pipeline.json --config sweep.yaml"})
final class ValidateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  CommonOptions common;
  @Mixin
  ConfigOptions configs;

  @Parameters(index = "0", paramLabel = "WORKFLOW",
      description = "A workflow JSON file, or the name of a workflow on the class path.")
  String workflowName;

  @Option(names = "--max-configs", paramLabel = "N", defaultValue = "10000",
      description = "Checks at most the first N configs of a sweep (default: ${DEFAULT-VALUE}).")
  long maxConfigs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Session session = new Session(common)) {
      Workflow workflow = session.workflow(workflowName);
      WorkflowEngine engine = session.engine(new EngineOptions());
      ConfigFile file = configs.file();
      if (file == null && configs.set.isEmpty()) {
        checkGraph(engine, workflow);
        out.println("workflow '" + workflow.name() + "' is valid: " + workflow.steps().size()
            + " steps, inputs " + inputs(workflow) + " (no config given: inputs not checked)");
        return ExitCode.OK;
      }
      ConfigGenerator all = configs.configs(file);
      long checked = all.validate(workflow, engine.codec(), maxConfigs);
      for (Config config : all.limit(1)) {
        engine.validate(workflow, config.toInputs(workflow, engine.codec()));
      }
      out.println("workflow '" + workflow.name() + "' is valid: " + workflow.steps().size()
          + " steps, " + checked + " config" + (checked == 1 ? "" : "s") + " checked");
      return ExitCode.OK;
    }
  }

  /** The graph and registry problems only: inputs are not given. */
  static void checkGraph(WorkflowEngine engine, Workflow workflow) {
    try {
      engine.validate(workflow, Inputs.none());
    } catch (WorkflowValidationException e) {
      List<String> problems = e.problems().stream()
          .filter(p -> !p.startsWith("missing input") && !p.matches("workflow input '[^']*' .*has no "
              + "value.*")).toList();
      if (!problems.isEmpty()) {
        throw new WorkflowValidationException("workflow '" + workflow.name() + "'", problems);
      }
    }
  }

  static String inputs(Workflow workflow) {
    StringBuilder text = new StringBuilder("[");
    for (Cell<?> input : workflow.inputs()) {
      text.append(text.length() == 1 ? "" : ", ").append(input.alias()).append(": ")
          .append(input.type().name());
    }
    return text.append(']').toString();
  }
}
