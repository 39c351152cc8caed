package dev.fancy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.cli.fixtures.CliStepsSteps;
import dev.fancy.workflow.Arg;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/**
 * {@link Fancy#execute} in this JVM, for what needs no separate process: usage of command
 * groups, durations, diagrams of constants. The test steps are on this JVM's class path.
 */
class FancyInProcessIT {

  private record Output(int code, String out, String err) {}

  private static Output fancy(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fancy.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Output(code, out.toString(), err.toString());
  }

  @Test
  void commandGroupsPrintTheirUsage() {
    assertThat(fancy().out()).startsWith("Usage: fancy [-hV] [COMMAND]");
    assertThat(fancy("config").out()).startsWith("Usage: fancy config").contains("show",
        "validate");
    assertThat(fancy("workflow").out()).contains("sequential", "parallel");
    assertThat(fancy("runs").out()).contains("list", "show", "cancel", "resume");
    assertThat(fancy("help", "run").out()).startsWith("Usage: fancy run");
  }

  /** Every command of the tree, found by walking picocli's model, shows an example. */
  @Test
  void everyCommandsHelpHasAnExample() {
    java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
    collect(Fancy.commandLine(), new java.util.ArrayList<>(), paths);
    assertThat(paths).as("the whole tree is walked").hasSizeGreaterThan(15)
        .contains(java.util.List.of("config"), java.util.List.of("workflow", "parallel"),
            java.util.List.of("runs", "resume"), java.util.List.of("serve"));
    for (java.util.List<String> path : paths) {
      java.util.List<String> args = new java.util.ArrayList<>(path);
      args.add("--help");
      Output help = fancy(args.toArray(String[]::new));
      assertThat(help.code()).as("fancy " + args).isZero();
      assertThat(help.out()).as("fancy " + args).containsPattern("(?m)^Examples?:$")
          .containsPattern("(?m)^  fancy " + java.util.regex.Pattern.quote(
              path.isEmpty() ? "" : path.get(0)));
    }
  }

  private static void collect(picocli.CommandLine line, java.util.List<String> path,
      java.util.List<java.util.List<String>> paths) {
    paths.add(java.util.List.copyOf(path));
    line.getSubcommands().forEach((name, sub) -> {
      if (!name.equals(sub.getCommandName())) {
        return; // an alias
      }
      java.util.List<String> next = new java.util.ArrayList<>(path);
      next.add(name);
      collect(sub, next, paths);
    });
  }

  @Test
  void durationsInShortAndIsoForms() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("2H")).isEqualTo(Duration.ofHours(2));
    assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    for (String bad : new String[] {"0s", "PT0S", "-PT1S", "soon"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .isInstanceOf(TypeConversionException.class).hasMessageContaining(bad);
    }
  }

  @Test
  void diagramsShowConstantsAndWorkflowsFromTheClassPath(@TempDir Path dir) throws Exception {
    Cell<Double> lr = Cell.input("lr", Double.class);
    Cell<String> model = Cell.input("model", String.class);
    Workflow workflow = Workflow.of("with.constant",
        CliStepsSteps.score(lr, Arg.value(3), model).out());
    Path file = Files.writeString(dir.resolve("constant.json"), workflow.toJson());
    Output mermaid = fancy("graph", file.toString());
    assertThat(mermaid.code()).isZero();
    assertThat(mermaid.out()).contains("  c0[(\"", "c0 -->|\"");
    Output dot = fancy("graph", file.toString(), "-f", "dot");
    assertThat(dot.out()).contains("c0 [shape=cylinder", "c0 -> s0");
    assertThat(fancy("graph", "cli.score").out()).contains("s0[\"cli.score v1\"]");
    Output missing = fancy("graph", dir.resolve("none.json").toString());
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).startsWith("error: " + dir.resolve("none.json")
        + ": cannot read the workflow file (NoSuchFileException)");
  }

  /**
   * {@code fancy run --journal FILE --resume} on one config: a succeeded run is shown and not
   * run again, a failed one is resumed; {@code --resume} needs the journal and one run.
   */
  @Test
  void runResumesTheEarlierRunOfTheSameConfigOnTheJournal(@TempDir Path dir) {
    String journal = dir.resolve("journal.db").toString();
    Output first = fancy("run", "cli.score", "-s", "lr=1.0", "-s", "epochs=2", "-s", "model=a",
        "--journal", journal, "--resume", "--no-output-dir");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("no earlier run of this config (run.key=cli.score-",
        "): starting one", "score.out = 2.0");
    String runId = first.out().lines().filter(l -> l.startsWith("run ")).findFirst()
        .orElseThrow().substring(4, 40);
    Output again = fancy("run", "cli.score", "-s", "lr=1.0", "-s", "epochs=2", "-s", "model=a",
        "--journal", journal, "--resume", "--no-output-dir", "--json");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("run " + runId + " of this config already succeeded; "
        + "not running it again").contains("\"runId\":\"" + runId + "\"");

    Output failed = fancy("run", "cli.score", "-s", "lr=1.0", "-s", "epochs=2", "-s",
        "model=bad", "--journal", journal, "--no-output-dir");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("model 'bad' diverged");
    Output resumed = fancy("run", "cli.score", "-s", "lr=1.0", "-s", "epochs=2", "-s",
        "model=bad", "--journal", journal, "--resume", "--no-output-dir");
    assertThat(resumed.code()).isEqualTo(1);
    assertThat(resumed.out()).contains("(FAILED): committed steps keep their results");

    Output memory = fancy("run", "cli.score", "-s", "lr=1.0", "-s", "epochs=2", "-s",
        "model=a", "--resume", "--no-output-dir");
    assertThat(memory.code()).isEqualTo(2);
    assertThat(memory.err()).contains("--resume needs the durable engine: give --journal FILE");
    Output sweep = fancy("run", "cli.score", "-s", "lr=1.0", "-s", "model=a", "--multirun",
        "epochs=1,2", "--journal", journal, "--resume", "--no-output-dir");
    assertThat(sweep.code()).isEqualTo(2);
    assertThat(sweep.err()).contains("--resume continues one run");
  }

  /** A multirun with {@code --json} prints one JSON array of its rows. */
  @Test
  void multirunAsJson() {
    Output result = fancy("run", "cli.score", "-s", "lr=0.5", "-s", "model=a", "--multirun",
        "epochs=1,2", "--json", "--no-output-dir");
    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("[").contains("\"status\":\"SUCCEEDED\"",
        "\"directory\":null");
  }

  @Test
  void validateWithoutConfigOnAnInvalidGraph(@TempDir Path dir) throws Exception {
    String json = Workflow.of("x", CliStepsSteps.count(Cell.input("file", Path.class)).out())
        .toJson().replace("\"cli.count\"", "\"cli.nope\"");
    Path file = Files.writeString(dir.resolve("bad.json"), json);
    Output result = fancy("validate", file.toString());
    assertThat(result.code()).as(result.err()).isEqualTo(3);
    assertThat(result.err()).startsWith("error: ").contains("cli.nope");
  }
}
