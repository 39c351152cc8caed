package dev.fancy.cli;

import dev.fancy.config.Config;
import dev.fancy.config.ConfigFile;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Workflow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fancy config show|validate}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Expands and checks config files.",
    footer = {"", "Examples:", "  fancy config show sweep.yaml",
        "  fancy config validate sweep.yaml penguins.train --class-path app.jar"},
    subcommands = {ConfigCommand.Show.class, ConfigCommand.Validate.class})
final class ConfigCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code fancy config show FILE}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Prints the configs a file expands to: the first N and the count.",
      footer = {"", "Example:", "  fancy config show sweep.yaml --limit 5"})
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "A config file.")
    Path file;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20",
        description = "Prints at most N configs (default: ${DEFAULT-VALUE}).")
    long limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ConfigFile config = ConfigFile.load(file);
      OptionalLong size = config.configs().size();
      Config base = config.base();
      out.println(file + ": " + (size.isPresent() ? size.getAsLong() + " config"
          + (size.getAsLong() == 1 ? "" : "s") : "configs") + (base.name().isPresent()
              ? ", name '" + base.name().get() + "'" : "") + (base.tags().isEmpty() ? ""
                  : ", tags " + base.tags()));
      Iterator<Config> configs = config.configs().iterator();
      long shown = 0;
      while (configs.hasNext() && shown < limit) {
        shown++;
        out.println("#" + shown + " : " + Printing.overrides(configs.next(), base));
      }
      long more = size.isPresent() ? size.getAsLong() - shown : -1;
      if (more > 0) {
        out.println("... and " + more + " more");
      } else if (more < 0 && configs.hasNext()) {
        out.println("... and more");
      }
      return ExitCode.OK;
    }
  }

  /** {@code fancy config validate FILE WORKFLOW}. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {"Checks every config of a file against a workflow's inputs: unknown and "
          + "missing inputs, values of the wrong type (with file, line and column).",
          "Exits 0 if all are valid, 3 if not."},
      footer = {"", "Example:", "  fancy config validate sweep.yaml penguins.train "
          + "--class-path app.jar"})
  static final class Validate implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "A config file.")
    Path file;

    @Parameters(index = "1", paramLabel = "WORKFLOW",
        description = "A workflow JSON file, or the name of a workflow on the class path.")
    String workflowName;

    @Option(names = "--max-configs", paramLabel = "N", defaultValue = "10000",
        description = "Checks at most the first N configs (default: ${DEFAULT-VALUE}).")
    long maxConfigs;

    @Override
    public Integer call() {
      try (Session session = new Session(common)) {
        ConfigFile config = ConfigFile.load(file);
        Workflow workflow = session.workflow(workflowName);
        WorkflowEngine engine = session.engine(new EngineOptions());
        long checked = config.validate(workflow, engine.codec(), maxConfigs);
        spec.commandLine().getOut().println(file + ": " + checked + " config"
            + (checked == 1 ? "" : "s") + " valid for workflow '" + workflow.name() + "'");
        return ExitCode.OK;
      }
    }
  }
}
