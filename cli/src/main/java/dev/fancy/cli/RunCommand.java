package dev.fancy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.config.Config;
import dev.fancy.config.ConfigFile;
import dev.fancy.config.ConfigGenerator;
import dev.fancy.config.Overrides;
import dev.fancy.config.Sweep;
import dev.fancy.config.SweepResult;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fancy run}: one run, or one per config of a sweep file or {@code --multirun}. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs a workflow once with the inputs of a config file and --set overrides, "
        + "and prints its step history and outputs.",
        "With --multirun (or a config file with a sweep), runs once per config of the grid and "
            + "prints one '#N : input=value ...' line per job and a results table.",
        "Each run gets an output directory (default runs/DATE/TIME/N/) with its resolved "
            + "config, outputs and provenance."},
    footer = {"", "Examples:",
        "  fancy run pipeline.json --config inputs.yaml --set threshold=0.8",
        "  fancy run penguins.train --class-path app.jar --set data=penguins.json \\",
        "      --multirun lr=0.1,0.01 epochs=range(10,50,10) model=choice(sgd,adagrad)",
        "  fancy run penguins.train_resumable --config resumable.yaml --journal runs.db --resume"})
final class RunCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Spec
  CommandSpec spec;
  @Mixin
  CommonOptions common;
  @Mixin
  ConfigOptions configs;
  @Mixin
  EngineOptions engineOptions;

  @Parameters(index = "0", paramLabel = "WORKFLOW",
      description = "A workflow JSON file, or the name of a workflow on the class path.")
  String workflowName;

  @Option(names = {"-m", "--multirun"}, arity = "1..*", paramLabel = "INPUT=VALUES",
      description = "Sweeps a grid: 'lr=0.1,0.01', 'epochs=range(10,50,10)', "
          + "'model=choice(a,b)'.")
  List<String> multirun = new ArrayList<>();

  @Option(names = "--json", description = "Prints the result as JSON instead of tables.")
  boolean json;

  @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "Where run directories go (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(names = "--no-output-dir", description = "Writes no run directory.")
  boolean noOutputDir;

  @Option(names = "--resume", description = "With --journal: continues the newest earlier run "
      + "of this workflow with this config instead of starting another: waits for a run a "
      + "killed process left running (taken over when its lease runs out), resumes a failed or "
      + "cancelled one (steps go on from their checkpoints), shows one that succeeded.")
  boolean resume;

  /**
   * The label of a single run on the durable engine: {@code <workflow>-<hash of its resolved
   * config>}, by which {@code --resume} finds it.
   */
  static final String RUN_KEY_LABEL = "run.key";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Session session = new Session(common)) {
      Workflow workflow = session.workflow(workflowName);
      ConfigFile file = configs.file();
      ConfigGenerator jobs = configs.configs(file);
      if (!multirun.isEmpty()) {
        jobs = jobs.times(Overrides.multirun(multirun));
      }
      boolean single = multirun.isEmpty() && (file == null || !file.isSweep());
      if (resume && engineOptions.kind() != EngineOptions.Kind.durable) {
        throw new ParameterException(spec.commandLine(), "--resume needs the durable engine: "
            + "give --journal FILE");
      }
      if (resume && !single) {
        throw new ParameterException(spec.commandLine(), "--resume continues one run; for a "
            + "sweep use 'fancy workflow parallel ... --journal FILE --resume'");
      }
      WorkflowEngine engine = session.engine(engineOptions);
      RunDirectory directory = noOutputDir ? null : new RunDirectory(outputDir);
      if (single) {
        return single(out, engine, workflow, configs.base(file), directory);
      }
      return sweep(out, engine, workflow, jobs, configs.base(file), directory);
    }
  }

  private int single(PrintWriter out, WorkflowEngine engine, Workflow workflow, Config config,
      RunDirectory directory) {
    Map<String, Object> values = config.resolve(workflow, engine.codec());
    Inputs inputs = config.toInputs(workflow, engine.codec());
    RunOptions.Builder options = RunOptions.builder();
    config.labels().forEach(options::label);
    RunHandle handle = null;
    if (engineOptions.kind() == EngineOptions.Kind.durable) {
      String key = Sweep.nameOf(workflow, ConfigGenerator.of(config));
      options.label(RUN_KEY_LABEL, key);
      if (resume) {
        handle = earlier(out, engine, key);
      }
    }
    RunResult result;
    try {
      result = handle != null ? handle.result() : engine.run(workflow, inputs, options.build());
    } catch (UsageLimitExceededException e) {
      result = e.result();
    }
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    if (result.status() == RunStatus.SUCCEEDED) {
      for (Map.Entry<Cell<?>, Object> output : result.outputs().entrySet()) {
        outputs.put(output.getKey().alias(), engine.codec().toTree(output.getValue()));
      }
    }
    // On the durable engine, the history as the journal has it: every process's attempts.
    List<StepRecord> history = engineOptions.kind() == EngineOptions.Kind.durable
        ? engine.handle(result.runId()).history().steps() : result.history();
    Path dir = directory == null ? null : directory.write(1, workflow, config, values,
        result.runId(), result.status().toString(), outputs, engine.codec());
    if (json) {
      ObjectNode node = JSON.createObjectNode();
      node.put("runId", result.runId().toString());
      node.put("workflow", workflow.name());
      node.put("status", result.status().toString());
      node.put("durationMs", result.duration().toNanos() / 1e6);
      node.set("outputs", JSON.valueToTree(outputs));
      ArrayNode steps = node.putArray("steps");
      for (StepRecord step : history) {
        steps.add(Printing.step(step));
      }
      node.put("error", result.info().error() == null ? null
          : result.info().error().toString());
      node.put("directory", dir == null ? null : dir.toString());
      out.println(node);
    } else {
      out.println("run " + result.runId() + " of workflow '" + workflow.name() + "': "
          + result.status());
      out.print(Printing.steps(history));
      if (!outputs.isEmpty()) {
        out.println("outputs:");
        outputs.forEach((alias, value) -> out.println("  " + alias + " = " + value));
      }
      if (dir != null) {
        out.println("run directory: " + dir);
      }
    }
    if (result.status() != RunStatus.SUCCEEDED) {
      spec.commandLine().getErr().println("error: run " + result.runId() + " "
          + result.status() + (result.info().error() == null ? ""
              : ": " + result.info().error()));
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  }

  /**
   * The newest earlier run labelled {@code key}, made to go on: a run a dead process left
   * running is waited for (the engine takes it over when its lease runs out), a failed or
   * cancelled one is resumed, a succeeded one is only read. Null if there is none.
   */
  private RunHandle earlier(PrintWriter out, WorkflowEngine engine, String key) {
    List<RunInfo> runs = engine.runs(RunQuery.builder().label(RUN_KEY_LABEL, key).limit(1)
        .build()).runs();
    if (runs.isEmpty()) {
      out.println("no earlier run of this config (" + RUN_KEY_LABEL + "=" + key
          + "): starting one");
      return null;
    }
    RunInfo run = runs.get(0);
    switch (run.status()) {
      case SUCCEEDED -> {
        out.println("run " + run.runId() + " of this config already succeeded; not running "
            + "it again");
        return engine.handle(run.runId());
      }
      case FAILED, CANCELLED -> {
        out.println("resuming run " + run.runId() + " (" + run.status() + "): committed steps "
            + "keep their results, the others go on from their checkpoints");
        return engine.resume(run.runId());
      }
      default -> {
        out.println("run " + run.runId() + " never ended (its process died?): waiting for "
            + "it; it is taken over when its lease runs out");
        out.flush();
        return engine.handle(run.runId());
      }
    }
  }

  private int sweep(PrintWriter out, WorkflowEngine engine, Workflow workflow,
      ConfigGenerator jobs, Config base, RunDirectory directory) {
    ArrayNode rows = JSON.createArrayNode();
    SweepResult result = Sweep.of(engine, workflow, jobs).onRow(row -> {
      Path dir = null;
      if (directory != null && row.status() != SweepResult.Status.INVALID) {
        dir = directory.write((int) row.index(), workflow, row.config(),
            row.config().resolve(workflow, engine.codec()), row.runId(), row.status().toString(),
            row.outputs(), engine.codec());
      }
      if (json) {
        ObjectNode node = SweepResult.toJson(row);
        node.put("directory", dir == null ? null : dir.toString());
        rows.add(node);
      } else {
        out.println("#" + row.index() + " : " + (multirun.isEmpty()
            ? Printing.overrides(row.config(), base)
            : Printing.only(row.config(), multirun.stream()
                .map(o -> o.substring(0, Math.max(0, o.indexOf('='))).strip()).toList())));
        out.println("    " + row.status() + String.format(java.util.Locale.ROOT, " in %.1f ms",
            row.duration().toNanos() / 1e6) + (row.error() == null ? "" : ": " + row.error()));
      }
      out.flush();
    }).run();
    if (json) {
      out.println(rows);
    } else {
      out.println();
      out.print(result.table());
      out.println(result.rows().size() + " runs: " + result.count(SweepResult.Status.SUCCEEDED)
          + " succeeded, " + (result.rows().size() - result.count(SweepResult.Status.SUCCEEDED))
          + " did not" + (directory == null ? "" : "; run directories in "
              + directory.root()));
    }
    return result.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
  }
}
