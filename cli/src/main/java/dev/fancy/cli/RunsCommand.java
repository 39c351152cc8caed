package dev.fancy.cli;

import dev.fancy.run.RunHandle;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fancy runs list|show|cancel|resume --journal FILE}. */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "Reads and steers the runs of a durable journal.",
    footer = {"", "Examples:", "  fancy runs list --journal .fancy/journal.db --status FAILED",
        "  fancy runs resume 1b4e28ba-2fa1-11d2-883f-0016d3cca427 --journal .fancy/journal.db"},
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Cancel.class,
        RunsCommand.Resume.class})
final class RunsCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The journal every runs command needs. */
  static final class JournalOption {
    @Option(names = "--journal", paramLabel = "FILE", required = true,
        description = "The durable engine's journal file.")
    Path journal;

    EngineOptions engine() {
      EngineOptions options = new EngineOptions();
      options.kind = EngineOptions.Kind.durable;
      options.journal = journal;
      return options;
    }

    /** The engine of a command that only reads the journal: it never takes a run over. */
    EngineOptions inspecting() {
      EngineOptions options = engine();
      options.inspectOnly = true;
      return options;
    }
  }

  /** {@code fancy runs list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists runs, newest first.",
      footer = {"", "Example:", "  fancy runs list --journal .fancy/journal.db --status FAILED "
          + "--label sweep=penguins"})
  static final class ListRuns implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    JournalOption journal;

    @Option(names = "--status", paramLabel = "STATUS",
        description = "Only runs of these statuses (PENDING, RUNNING, SUCCEEDED, FAILED, "
            + "CANCELLED).")
    List<RunStatus> statuses = List.of();

    @Option(names = "--workflow", paramLabel = "NAME", description = "Only runs of this workflow.")
    String workflow;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Only runs with this "
        + "label.")
    java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "50",
        description = "At most N runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = new Session(common)) {
        WorkflowEngine engine = session.engine(journal.inspecting());
        RunQuery.Builder query = RunQuery.builder().limit(Math.min(Math.max(limit, 1),
            RunQuery.MAX_LIMIT));
        statuses.forEach(query::status);
        if (workflow != null) {
          query.workflow(workflow);
        }
        labels.forEach(query::label);
        RunPage page = engine.runs(query.build());
        out.printf(Locale.ROOT, "%-36s  %-24s  %-10s  %-20s  %s%n", "run", "workflow", "status",
            "created", "labels");
        for (RunInfo run : page.runs()) {
          out.printf(Locale.ROOT, "%-36s  %-24s  %-10s  %-20s  %s%n", run.runId(),
              run.workflowName(), run.status(), second(run.createdAt()),
              run.labels().isEmpty() ? "" : new java.util.TreeMap<>(run.labels()));
        }
        out.println(page.runs().size() + " run" + (page.runs().size() == 1 ? "" : "s")
            + (page.next() == null ? "" : " (more: raise --limit)"));
        return ExitCode.OK;
      }
    }
  }

  /** {@code fancy runs show RUN}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Prints a run and the history of its steps.",
      footer = {"", "Example:", "  fancy runs show 1b4e28ba-2fa1-11d2-883f-0016d3cca427 "
          + "--journal .fancy/journal.db"})
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    JournalOption journal;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's ID.")
    UUID runId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = new Session(common)) {
        WorkflowEngine engine = session.engine(journal.inspecting());
        RunHistory history = engine.handle(runId).history();
        RunInfo run = history.run();
        out.println("run " + run.runId() + " of workflow '" + run.workflowName() + "': "
            + run.status());
        out.println("created " + second(run.createdAt()) + (run.finishedAt() == null ? ""
            : ", finished " + second(run.finishedAt())));
        if (!run.labels().isEmpty()) {
          out.println("labels " + new java.util.TreeMap<>(run.labels()));
        }
        if (run.error() != null) {
          out.println("error " + run.error());
        }
        out.print(Printing.steps(history.steps()));
        return ExitCode.OK;
      }
    }
  }

  /** {@code fancy runs cancel RUN}. */
  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Asks a run to stop.",
      footer = {"", "Example:", "  fancy runs cancel 1b4e28ba-2fa1-11d2-883f-0016d3cca427 "
          + "--journal .fancy/journal.db --reason 'wrong data'"})
  static final class Cancel implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    JournalOption journal;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's ID.")
    UUID runId;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled from the CLI",
        description = "Why (recorded as the run's error).")
    String reason;

    @Override
    public Integer call() {
      try (Session session = new Session(common)) {
        WorkflowEngine engine = session.engine(journal.engine());
        boolean cancelled = engine.handle(runId).cancel(reason);
        spec.commandLine().getOut().println(cancelled ? "run " + runId + " cancelled"
            : "run " + runId + " had already ended");
        return cancelled ? ExitCode.OK : ExitCode.FAILED;
      }
    }
  }

  /** {@code fancy runs resume RUN}. */
  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Continues a failed or cancelled run: committed steps keep their results, "
          + "the others run again. Waits for it to end.",
      footer = {"", "Example:", "  fancy runs resume 1b4e28ba-2fa1-11d2-883f-0016d3cca427 "
          + "--journal .fancy/journal.db --class-path app.jar"})
  static final class Resume implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;
    @Mixin
    JournalOption journal;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's ID.")
    UUID runId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Session session = new Session(common)) {
        WorkflowEngine engine = session.engine(journal.engine());
        RunHandle handle = engine.resume(runId);
        RunResult result = handle.result();
        out.println("run " + runId + " resumed: " + result.status());
        out.print(Printing.steps(result.history()));
        return result.status() == RunStatus.SUCCEEDED ? ExitCode.OK : ExitCode.FAILED;
      }
    }
  }

  private static String second(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
