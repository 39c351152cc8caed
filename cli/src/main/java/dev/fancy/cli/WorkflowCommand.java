package dev.fancy.cli;

import dev.fancy.config.Config;
import dev.fancy.config.ConfigFile;
import dev.fancy.config.ConfigGenerator;
import dev.fancy.config.ProcessIsolation;
import dev.fancy.config.Sweep;
import dev.fancy.config.SweepResult;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fancy workflow sequential|parallel}. */
@Command(name = "workflow", mixinStandardHelpOptions = true,
    description = "Runs several workflows in turn, or sweeps configs over workers.",
    footer = {"", "Examples:",
        "  fancy workflow sequential preprocess train evaluate --config pipeline.yaml",
        "  fancy workflow parallel penguins.train --config sweep.yaml --workers 2 "
            + "--isolate process"},
    subcommands = {WorkflowCommand.Sequential.class, WorkflowCommand.Parallel.class})
final class WorkflowCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code fancy workflow sequential WORKFLOW...}. */
  @Command(name = "sequential", mixinStandardHelpOptions = true,
      description = {"Runs each workflow in turn, each with the inputs it declares taken from "
          + "the config file and --set (a multi-stage pipeline whose stages share files).",
          "Stops at the first failure unless --keep-going."},
      footer = {"", "Example:", "  fancy workflow sequential stage.preprocess stage.train "
          + "stage.report --class-path app.jar --config pipeline.yaml"})
  static final class Sequential implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    ConfigOptions configs;
    @Mixin
    EngineOptions engineOptions;

    @Parameters(arity = "1..*", paramLabel = "WORKFLOW",
        description = "Workflow JSON files or names, in the order to run them.")
    List<String> workflows;

    @Option(names = "--keep-going", description = "Runs the next workflow after a failure.")
    boolean keepGoing;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = new Session(common)) {
        List<Workflow> loaded = new ArrayList<>();
        for (String name : workflows) {
          loaded.add(session.workflow(name));
        }
        Config shared = configs.base(configs.file());
        WorkflowEngine engine = session.engine(engineOptions);
        // Check every stage's inputs before running any.
        List<Config> stages = new ArrayList<>();
        for (Workflow workflow : loaded) {
          Config own = Config.empty().withAll(shared);
          for (String key : shared.values().keySet()) {
            if (workflow.inputs().stream().noneMatch(c -> c.alias().equals(key))) {
              own = without(own, key);
            }
          }
          own.resolve(workflow, engine.codec());
          stages.add(own);
        }
        int failed = 0;
        for (int i = 0; i < loaded.size(); i++) {
          Workflow workflow = loaded.get(i);
          Config config = stages.get(i);
          RunOptions.Builder options = RunOptions.builder();
          config.labels().forEach(options::label);
          long started = System.nanoTime();
          RunResult result;
          try {
            result = engine.run(workflow, config.toInputs(workflow, engine.codec()),
                options.build());
          } catch (UsageLimitExceededException e) {
            result = e.result();
          }
          out.printf(Locale.ROOT, "[%d/%d] %s: %s in %.1f ms%n", i + 1, loaded.size(),
              workflow.name(), result.status(), (System.nanoTime() - started) / 1e6);
          if (result.status() == RunStatus.SUCCEEDED) {
            for (Map.Entry<Cell<?>, Object> output : result.outputs().entrySet()) {
              out.println("    " + output.getKey().alias() + " = "
                  + engine.codec().toTree(output.getValue()));
            }
          } else {
            failed++;
            out.println("    " + (result.info().error() == null ? result.status()
                : result.info().error()));
            if (!keepGoing) {
              if (i + 1 < loaded.size()) {
                out.println("stopped: " + (loaded.size() - i - 1) + " workflow"
                    + (loaded.size() - i - 1 == 1 ? "" : "s") + " not run (use --keep-going)");
              }
              break;
            }
          }
          out.flush();
        }
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
      }
    }

    private static Config without(Config config, String key) {
      Config copy = Config.empty();
      for (Map.Entry<String, Object> value : config.values().entrySet()) {
        if (!value.getKey().equals(key)) {
          copy = copy.with(value.getKey(), value.getValue());
        }
      }
      if (config.name().isPresent()) {
        copy = copy.named(config.name().get());
      }
      for (Map.Entry<String, String> tag : config.tags().entrySet()) {
        copy = copy.tagged(tag.getKey(), tag.getValue());
      }
      return copy;
    }
  }

  /** {@code fancy workflow parallel WORKFLOW... --config FILE --workers N}. */
  @Command(name = "parallel", mixinStandardHelpOptions = true,
      description = {"Runs each workflow over every config of the file (a sweep), N at a "
          + "time, and prints a results table.",
          "A progress bar on a terminal; one line per config otherwise."},
      footer = {"", "Example:", "  fancy workflow parallel penguins.train --class-path app.jar "
          + "--config sweep.yaml --workers 2 --rank-by accuracy --out results.csv"})
  static final class Parallel implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    ConfigOptions configs;
    @Mixin
    EngineOptions engineOptions;

    @Parameters(arity = "1..*", paramLabel = "WORKFLOW",
        description = "Workflow JSON files or names.")
    List<String> workflows;

    @Option(names = {"-w", "--workers"}, paramLabel = "N", defaultValue = "1",
        description = "How many configs run at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--isolate", paramLabel = "MODE", defaultValue = "thread",
        description = "thread (default): every run in this JVM; process: each config in a "
            + "child JVM of a warm pool.")
    String isolate;

    @Option(names = "--jvm-option", paramLabel = "OPTION",
        description = "With --isolate process: an option for the child JVMs (e.g. -Xmx512m).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Stops a config's run after this long (500ms, 30s, 5m, PT1H).")
    Duration timeout;

    @Option(names = "--out", paramLabel = "FILE",
        description = "Also writes the results to FILE: .csv or .jsonl.")
    Path outFile;

    @Option(names = "--rank-by", paramLabel = "OUTPUT",
        description = "Sorts the results table by this output, highest first.")
    String rankBy;

    @Option(names = "--ascending", description = "With --rank-by: lowest first.")
    boolean ascending;

    @Option(names = "--resume", description = "With --journal: skips configs that succeeded "
        + "in an earlier attempt at the same sweep and waits for its interrupted runs.")
    boolean resume;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (workers < 1) {
        throw new ParameterException(spec.commandLine(), "--workers must be at least 1");
      }
      if (!isolate.equals("thread") && !isolate.equals("process")) {
        throw new ParameterException(spec.commandLine(), "--isolate must be thread or process, "
            + "not '" + isolate + "'");
      }
      if (resume && engineOptions.kind() != EngineOptions.Kind.durable) {
        throw new ParameterException(spec.commandLine(), "--resume needs the durable engine: "
            + "give --journal FILE");
      }
      if (outFile != null && !outFile.toString().endsWith(".csv")
          && !outFile.toString().endsWith(".jsonl")) {
        throw new ParameterException(spec.commandLine(), "--out must end in .csv or .jsonl");
      }
      try (Session session = new Session(common)) {
        List<Workflow> loaded = new ArrayList<>();
        for (String name : workflows) {
          loaded.add(session.workflow(name));
        }
        ConfigFile file = configs.file();
        ConfigGenerator all = configs.configs(file);
        WorkflowEngine engine = session.engine(engineOptions);
        boolean allOk = true;
        for (Workflow workflow : loaded) {
          Sweep sweep = Sweep.of(engine, workflow, all).parallelism(workers)
              .name(Sweep.nameOf(workflow, all));
          if (timeout != null) {
            sweep.timeout(timeout);
          }
          if (resume) {
            sweep.resume();
          }
          if (isolate.equals("process")) {
            ProcessIsolation.Builder isolation = ProcessIsolation.builder()
                .classPath(session.classPath.entries());
            jvmOptions.forEach(isolation::jvmOption);
            if (engineOptions.kind() == EngineOptions.Kind.durable) {
              isolation.journal(engineOptions.journal != null ? engineOptions.journal
                  : dev.fancy.engine.Journal.DEFAULT_FILE);
            }
            sweep.isolate(isolation.build());
          }
          SweepResult result;
          try (Progress progress = Progress.start(out, workflow.name(),
              all.size().orElse(-1), configs.base(file))) {
            result = sweep.onRow(progress::row).run();
          }
          if (sweep.attached() > 0) {
            out.println("waited for " + sweep.attached() + " run" + (sweep.attached() == 1 ? ""
                : "s") + " of an interrupted attempt (taken over when their lease ran out)");
          }
          String rankOutput = rankBy == null ? null : result.outputNamed(rankBy);
          List<SweepResult.Row> rows = rankBy == null ? result.rows()
              : ranked(result, rankOutput, !ascending);
          out.println();
          out.println("workflow '" + workflow.name() + "': " + result.rows().size()
              + " configs, " + result.count(SweepResult.Status.SUCCEEDED) + " succeeded"
              + (result.count(SweepResult.Status.SKIPPED) > 0 ? ", "
                  + result.count(SweepResult.Status.SKIPPED) + " skipped (succeeded before)"
                  : "") + ", " + (result.rows().size() - result.count(SweepResult.Status
                      .SUCCEEDED) - result.count(SweepResult.Status.SKIPPED)) + " did not, in "
              + String.format(Locale.ROOT, "%.1f s", result.elapsed().toNanos() / 1e9));
          out.print(result.table(rows));
          if (rankBy != null) {
            result.best(rankOutput, !ascending).ifPresentOrElse(best -> out.println("best "
                + rankOutput + ": " + best.outputs().get(rankOutput) + " (#" + best.index()
                + " : " + Printing.overrides(best.config(), configs.base(file)) + ")"),
                () -> out.println("no succeeded config has a numeric output '" + rankBy + "'"));
          }
          if (outFile != null) {
            Path target = loaded.size() == 1 ? outFile : suffixed(outFile, workflow.name());
            if (target.toString().endsWith(".csv")) {
              result.writeCsv(target);
            } else {
              result.writeJsonLines(target);
            }
            out.println("results written to " + target);
          }
          allOk &= result.allSucceeded();
        }
        return allOk ? ExitCode.OK : ExitCode.FAILED;
      }
    }

    private static List<SweepResult.Row> ranked(SweepResult result, String output,
        boolean descending) {
      List<SweepResult.Row> rows = new ArrayList<>(result.rankedBy(output, descending));
      result.rows().stream().filter(row -> !rows.contains(row)).forEach(rows::add);
      return rows;
    }

    private static Path suffixed(Path file, String workflow) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      return file.resolveSibling(name.substring(0, dot) + "-" + workflow + name.substring(dot));
    }
  }
}
