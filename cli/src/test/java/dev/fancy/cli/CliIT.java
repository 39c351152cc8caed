package dev.fancy.cli;

import static dev.fancy.cli.FancyProcess.TEST_CLASSES;
import static dev.fancy.cli.FancyProcess.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code target/fancy} executable, run as a subprocess: output, files, exit codes. */
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CP = TEST_CLASSES.toString();

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path sweepFile() throws IOException {
    return write("sweep.yaml", """
        inputs:
          model: a
        metadata:
          name: demo
          tags: {team: cli}
        sweep:
          grid:
            lr: [0.1, 0.2]
            epochs: [1, 2, 3]
        """);
  }

  @Test
  void helpAndVersionAndUsageErrors() throws Exception {
    FancyProcess.Result help = run(dir, "--help").exits(0);
    assertThat(help.out()).contains("Usage: fancy", "run", "validate", "graph", "steps", "config",
        "workflow", "runs", "Exit codes: 0 all succeeded");
    assertThat(run(dir, "run", "--help").exits(0).out()).contains("--multirun", "Examples:");
    assertThat(run(dir, "--version").exits(0).out()).startsWith("fancy 0.1.0-SNAPSHOT");
    assertThat(Path.of("target", "fancy_completion")).content()
        .contains("complete -F _complete_fancy", "workflow", "parallel", "--isolate");
    FancyProcess.Result missing = run(dir, "run").exits(2);
    assertThat(missing.err()).startsWith("Missing required parameter: 'WORKFLOW'");
    assertThat(run(dir, "run", "x", "--bogus").exits(2).err())
        .startsWith("Unknown option: '--bogus'");
    assertThat(run(dir, "workflow", "parallel", "cli.score", "-cp", CP, "--timeout", "soon")
        .exits(2).err()).contains("'soon' is not a positive duration");
    assertThat(run(dir, "workflow", "parallel", "cli.score", "-cp", CP, "--workers", "0")
        .exits(2).err()).contains("--workers must be at least 1");
  }

  @Test
  void stepsListsTheClassPathsSteps() throws Exception {
    // The runnable jar has the server module (fancy serve), whose own steps (tracker.task and
    // the order steps) register like any module on the class path.
    String builtIn = run(dir, "steps").exits(0).out();
    assertThat(builtIn).contains("tracker.task v1").doesNotContain("cli.");
    int serverSteps = Integer.parseInt(builtIn.lines().reduce((a, b) -> b).orElseThrow()
        .split(" ")[0]);
    FancyProcess.Result steps = run(dir, "steps", "--class-path", CP).exits(0);
    assertThat(steps.out()).contains(
        "cli.score v1  (lr: double, epochs: int, model: String) -> (out: double)",
        "    Scores a config: lr times epochs.", (serverSteps + 3) + " steps");
    JsonNode json = JSON.readTree(run(dir, "steps", "--class-path", CP, "--json").exits(0)
        .out());
    assertThat(json).hasSize(serverSteps + 3);
    assertThat(json.get(1).get("slug").asText()).isEqualTo("cli.score");
    assertThat(json.get(1).get("inputs").get(0).toString())
        .isEqualTo("{\"name\":\"lr\",\"type\":\"double\",\"kind\":\"VALUE\"}");
  }

  @Test
  void runPrintsHistoryOutputsAndWritesARunDirectory() throws Exception {
    FancyProcess.Result result = run(dir, "run", "cli.score", "-cp", CP, "--set", "lr=0.5",
        "--set", "epochs=4", "--set", "model=a").exits(0);
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).matches("run [0-9a-f-]{36} of workflow 'cli.score': SUCCEEDED");
    assertThat(lines.get(1)).startsWith("step").contains("status", "attempts", "duration");
    assertThat(lines.get(2)).matches("cli\\.score\\s+SUCCEEDED\\s+1\\s+[0-9.]+ ms");
    assertThat(lines).contains("outputs:", "  score.out = 2.0");
    Path runDir = Path.of(lines.get(lines.size() - 1).substring("run directory: ".length()));
    assertThat(runDir.toString()).matches("runs/\\d{4}-\\d{2}-\\d{2}/\\d{2}-\\d{2}-\\d{2}/1");
    Path absolute = dir.resolve(runDir);
    assertThat(JSON.readTree(absolute.resolve("config.json").toFile()).get("inputs").toString())
        .isEqualTo("{\"lr\":0.5,\"epochs\":4,\"model\":\"a\"}");
    assertThat(JSON.readTree(absolute.resolve("outputs.json").toFile()).toString())
        .isEqualTo("{\"score.out\":2.0}");
    JsonNode provenance = JSON.readTree(absolute.resolve("provenance.json").toFile());
    assertThat(provenance.get("fancyVersion").asText()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(provenance.get("steps").toString()).isEqualTo("{\"cli.score\":1}");
    assertThat(provenance.get("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void runJsonAndFailureExitCode() throws Exception {
    JsonNode ok = JSON.readTree(run(dir, "run", "cli.score", "-cp", CP, "-s", "lr=1",
        "-s", "epochs=3", "-s", "model=a", "--json", "--no-output-dir").exits(0).out());
    assertThat(ok.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(ok.get("outputs").toString()).isEqualTo("{\"score.out\":3.0}");
    assertThat(ok.get("steps").get(0).get("slug").asText()).isEqualTo("cli.score");
    assertThat(ok.get("directory").isNull()).isTrue();
    FancyProcess.Result failed = run(dir, "run", "cli.score", "-cp", CP, "-s", "lr=1",
        "-s", "epochs=3", "-s", "model=bad", "--no-output-dir").exits(1);
    assertThat(failed.out()).contains("FAILED");
    assertThat(failed.err()).matches("(?s)error: run [0-9a-f-]{36} FAILED: "
        + "java.lang.IllegalStateException: model 'bad' diverged\\n");
    assertThat(dir.resolve("runs")).doesNotExist();
  }

  @Test
  void invalidInputsAndUnknownWorkflowsExitThreeWithOneLineEach() throws Exception {
    FancyProcess.Result wrong = run(dir, "run", "cli.score", "-cp", CP, "-s", "lr=fast",
        "-s", "epochs=3", "-s", "model=a").exits(3);
    assertThat(wrong.err()).isEqualTo("error: --set lr=fast: input 'lr' must be a number "
        + "(java.lang.Double), but got a string \"fast\"\n");
    assertThat(wrong.out()).isEmpty();
    FancyProcess.Result unknown = run(dir, "run", "cli.nope", "-cp", CP).exits(3);
    assertThat(unknown.err()).isEqualTo("error: no workflow named 'cli.nope' on the class path; "
        + "known workflows: cli.count, cli.misnamed, cli.score, cli.write\n");
    FancyProcess.Result verbose = run(dir, "run", "cli.nope", "-cp", CP, "--verbose").exits(3);
    assertThat(verbose.err()).contains("dev.fancy.config.ConfigException", "\tat ");
    FancyProcess.Result badPath = run(dir, "steps", "-cp", dir.resolve("none.jar").toString())
        .exits(3);
    assertThat(badPath.err()).isEqualTo("error: class path entry '" + dir.resolve("none.jar")
        + "' does not exist\n");
    write("broken.json", "{\"schemaVersion\": 1, \"name\": ");
    assertThat(run(dir, "validate", "broken.json").exits(3).err()).startsWith("error: ");
  }

  @Test
  void runFindsAWorkflowDefinitionByNameAndRefusesOneWhoseWorkflowIsNamedOtherwise()
      throws Exception {
    Path file = write("text.txt", "twelve chars");
    FancyProcess.Result count = run(dir, "run", "cli.count", "-cp", CP, "-s", "file=" + file,
        "--no-output-dir").exits(0);
    assertThat(count.out()).startsWith("run ").contains("of workflow 'cli.count': SUCCEEDED",
        "  count.out = 12");
    assertThat(count.err()).isEmpty();
    FancyProcess.Result misnamed = run(dir, "run", "cli.misnamed", "-cp", CP, "-s",
        "file=" + file, "--no-output-dir").exits(3);
    assertThat(misnamed.err()).isEqualTo("error: workflow definition 'cli.misnamed' is invalid:\n"
        + "error:   its method in dev.fancy.cli.fixtures.CliWorkflowsWorkflowModule built a "
        + "workflow named 'cli.other'; the CLI, the server and the journal know it as "
        + "'cli.misnamed'. Pass 'cli.misnamed' to Workflow.of, or rename the definition\n");
    assertThat(misnamed.out()).isEmpty();
  }

  @Test
  void multirunPrintsOneLinePerJobAndATable() throws Exception {
    FancyProcess.Result result = run(dir, "run", "cli.score", "-cp", CP, "-s", "model=a",
        "--multirun", "lr=0.1,0.2", "epochs=range(1,4)", "--no-output-dir").exits(0);
    List<String> jobs = result.out().lines().filter(l -> l.startsWith("#") && l.contains(" : "))
        .toList();
    assertThat(jobs).containsExactly("#1 : lr=0.1 epochs=1", "#2 : lr=0.1 epochs=2",
        "#3 : lr=0.1 epochs=3", "#4 : lr=0.2 epochs=1", "#5 : lr=0.2 epochs=2",
        "#6 : lr=0.2 epochs=3");
    assertThat(result.out()).contains("6 runs: 6 succeeded, 0 did not");
    FancyProcess.Result someFail = run(dir, "run", "cli.score", "-cp", CP, "-s", "lr=1",
        "-m", "epochs=1", "model=choice(a,bad)").exits(1);
    assertThat(someFail.out()).contains("2 runs: 1 succeeded, 1 did not; run directories in runs/");
    try (Stream<Path> files = Files.walk(dir.resolve("runs"))) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("provenance.json")))
          .hasSize(2);
    }
  }

  @Test
  void configShowAndValidate() throws Exception {
    Path sweep = sweepFile();
    FancyProcess.Result show = run(dir, "config", "show", sweep.toString(), "-n", "4").exits(0);
    assertThat(show.out()).isEqualTo(sweep + ": 6 configs, name 'demo', tags {team=cli}\n"
        + "#1 : lr=0.1 epochs=1\n#2 : lr=0.1 epochs=2\n"
        + "#3 : lr=0.1 epochs=3\n#4 : lr=0.2 epochs=1\n... and 2 more\n");
    assertThat(run(dir, "config", "validate", sweep.toString(), "cli.score", "-cp", CP)
        .exits(0).out()).isEqualTo(sweep + ": 6 configs valid for workflow 'cli.score'\n");
    Path bad = write("bad.yaml", "inputs:\n  model: a\nsweep:\n  grid:\n    lr: [0.1, fast]\n"
        + "    epochs: [1, 2.5]\n");
    FancyProcess.Result invalid = run(dir, "config", "validate", bad.toString(), "cli.score",
        "-cp", CP).exits(3);
    assertThat(invalid.err()).isEqualTo(
        "error: " + bad + ":6:17: input 'epochs' must be a whole number (java.lang.Integer), "
            + "but got a number 2.5 (config #2, #4)\n"
            + "error: " + bad + ":5:15: input 'lr' must be a number (java.lang.Double), but got "
            + "a string \"fast\" (config #3, #4)\n");
    Path syntax = write("syntax.toml", "[inputs]\nmodel = = 'a'\n");
    assertThat(run(dir, "config", "show", syntax.toString()).exits(3).err())
        .startsWith("error: " + syntax + ":2:").contains("syntax error");
  }

  @Test
  void validateChecksGraphAndConfigs() throws Exception {
    assertThat(run(dir, "validate", "cli.score", "-cp", CP).exits(0).out()).isEqualTo(
        "workflow 'cli.score' is valid: 1 steps, inputs [lr: java.lang.Double, epochs: "
            + "java.lang.Integer, model: java.lang.String] (no config given: inputs not "
            + "checked)\n");
    assertThat(run(dir, "validate", "cli.score", "-cp", CP, "-c", sweepFile().toString())
        .exits(0).out()).isEqualTo("workflow 'cli.score' is valid: 1 steps, 6 configs "
            + "checked\n");
    assertThat(run(dir, "validate", "cli.score", "-cp", CP, "-s", "lr=1", "-s", "model=a")
        .exits(3).err()).isEqualTo("error: missing input 'epochs' (java.lang.Integer) of "
            + "workflow 'cli.score'\n");
  }

  @Test
  void graphDrawsAndRunRunsANamedWorkflowOrAJsonFile() throws Exception {
    String mermaid = run(dir, "graph", "cli.score", "-cp", CP).exits(0).out();
    assertThat(mermaid).isEqualTo("""
        flowchart LR
          i0[/"lr: Double"/]
          i1[/"epochs: Integer"/]
          i2[/"model: String"/]
          s0["cli.score v1"]
          i0 -->|"lr"| s0
          i1 -->|"epochs"| s0
          i2 -->|"model"| s0
          o0(["score.out"])
          s0 --> o0
        """);
    Path json = write("score.json", dev.fancy.cli.fixtures.CliWorkflows.score().toJson());
    String dot = run(dir, "graph", json.toString(), "--format", "dot").exits(0).out();
    assertThat(dot).startsWith("digraph \"cli.score\" {").contains(
        "s0 [shape=box, label=\"cli.score v1\"];", "i0 -> s0 [label=\"lr\"];", "s0 -> o0;")
        .endsWith("}\n");
    JsonNode ran = JSON.readTree(run(dir, "run", json.toString(), "-cp", CP, "-s", "lr=2",
        "-s", "epochs=2", "-s", "model=a", "--json", "--no-output-dir").exits(0).out());
    assertThat(ran.get("outputs").toString()).isEqualTo("{\"score.out\":4.0}");
    assertThat(run(dir, "graph", "cli.score", "-cp", CP, "-f", "svg").exits(2).err())
        .contains("Invalid value for option '--format'");
  }

  @Test
  void sequentialRunsEachWorkflowWithTheInputsItDeclares() throws Exception {
    Path file = dir.resolve("stage.txt");
    Path config = write("pipeline.yaml", "inputs:\n  file: " + file + "\n  text: hello fancy\n");
    FancyProcess.Result result = run(dir, "workflow", "sequential", "cli.write", "cli.count",
        "-cp", CP, "-c", config.toString()).exits(0);
    assertThat(result.out()).containsPattern("\\[1/2\\] cli.write: SUCCEEDED in [0-9.]+ ms")
        .containsPattern("\\[2/2\\] cli.count: SUCCEEDED in [0-9.]+ ms")
        .contains("    count.out = 11");
    assertThat(file).hasContent("hello fancy");
    Path missing = write("missing.yaml", "inputs:\n  file: " + dir.resolve("none.txt")
        + "\n  text: x\n");
    FancyProcess.Result stopped = run(dir, "workflow", "sequential", "cli.count", "cli.write",
        "-cp", CP, "-c", missing.toString()).exits(1);
    assertThat(stopped.out()).contains("cli.count: FAILED", "NoSuchFileException",
        "stopped: 1 workflow not run (use --keep-going)");
    assertThat(dir.resolve("none.txt")).doesNotExist();
    FancyProcess.Result going = run(dir, "workflow", "sequential", "cli.count", "cli.write",
        "-cp", CP, "-c", missing.toString(), "--keep-going").exits(1);
    assertThat(going.out()).contains("[2/2] cli.write: SUCCEEDED");
  }

  @Test
  void parallelSweepRanksWritesCsvAndJsonLines() throws Exception {
    Path sweep = sweepFile();
    FancyProcess.Result result = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", sweep.toString(), "--workers", "2", "--rank-by", "score.out", "--out",
        "results.csv").exits(0);
    List<String> progress = result.out().lines().filter(l -> l.startsWith("[")).toList();
    assertThat(progress).hasSize(6).allMatch(l -> l.matches("\\[\\d/6\\] #\\d SUCCEEDED in "
        + "[0-9.]+ ms : lr=0\\.[12] epochs=\\d"));
    assertThat(result.out()).contains("workflow 'cli.score': 6 configs, 6 succeeded, 0 did not",
        "best score.out: 0.6000000000000001 (#6 : lr=0.2 epochs=3)",
        "results written to results.csv");
    List<String> table = result.out().lines().dropWhile(l -> !l.startsWith("#  status"))
        .toList();
    assertThat(table.get(1)).startsWith("6  SUCCEEDED");
    assertThat(table.get(6)).startsWith("1  SUCCEEDED");
    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    assertThat(csv).hasSize(7);
    assertThat(csv.get(0)).isEqualTo("index,status,duration_ms,run_id,config,input.model,"
        + "input.lr,input.epochs,output.score.out,error");
    assertThat(csv.get(6)).startsWith("6,SUCCEEDED,").endsWith(",demo,a,0.2,3,"
        + "0.6000000000000001,");
    run(dir, "workflow", "parallel", "cli.score", "-cp", CP, "-c", sweep.toString(), "--out",
        "results.jsonl", "-s", "model=bad").exits(1);
    List<String> jsonl = Files.readAllLines(dir.resolve("results.jsonl"));
    assertThat(jsonl).hasSize(6);
    JsonNode first = JSON.readTree(jsonl.get(0));
    assertThat(first.get("status").asText()).isEqualTo("FAILED");
    assertThat(first.get("tags").toString()).isEqualTo("{\"team\":\"cli\"}");
    assertThat(first.get("error").asText()).contains("model 'bad' diverged");
  }

  @Test
  void durableSweepResumesAndRunsCommandsReadTheJournal() throws Exception {
    Path sweep = write("resume.yaml", "inputs: {lr: 1.0}\nsweep:\n  grid:\n"
        + "    model: [a, bad]\n    epochs: [1, 2]\n");
    Path journal = dir.resolve("journal.db");
    FancyProcess.Result first = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", sweep.toString(), "--journal", journal.toString()).exits(1);
    assertThat(first.out()).contains("4 configs, 2 succeeded, 2 did not");
    FancyProcess.Result again = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", sweep.toString(), "--journal", journal.toString(), "--resume", "-s",
        "model=a").exits(0);
    // With model=a for all, the configs differ: a different sweep, nothing skipped.
    assertThat(again.out()).contains("4 configs, 4 succeeded, 0 did not");
    Path fixed = write("resume.yaml", "inputs: {lr: 1.0}\nsweep:\n  grid:\n"
        + "    model: [a, bad]\n    epochs: [1, 2]\n");
    FancyProcess.Result resumed = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", fixed.toString(), "--journal", journal.toString(), "--resume").exits(1);
    assertThat(resumed.out()).contains("4 configs, 0 succeeded, 2 skipped (succeeded before), "
        + "2 did not");
    assertThat(resumed.out().lines().filter(l -> l.contains("SKIPPED"))).hasSize(4);

    FancyProcess.Result list = run(dir, "runs", "list", "--journal", journal.toString())
        .exits(0);
    assertThat(list.out()).contains("10 runs").contains("cli.score");
    FancyProcess.Result failed = run(dir, "runs", "list", "--journal", journal.toString(),
        "--status", "FAILED").exits(0);
    assertThat(failed.out()).contains("4 runs");
    String failedId = failed.out().lines().skip(1).findFirst().orElseThrow().substring(0, 36);
    FancyProcess.Result show = run(dir, "runs", "show", failedId, "--journal",
        journal.toString()).exits(0);
    assertThat(show.out()).contains("run " + failedId + " of workflow 'cli.score': FAILED",
        "model 'bad' diverged", "sweep.index=");
    assertThat(run(dir, "runs", "cancel", failedId, "--journal", journal.toString()).exits(1)
        .out()).isEqualTo("run " + failedId + " had already ended\n");
    FancyProcess.Result resume = run(dir, "runs", "resume", failedId, "--journal",
        journal.toString(), "-cp", CP).exits(1);
    assertThat(resume.out()).contains("resumed: FAILED");
    assertThat(run(dir, "runs", "show", "00000000-0000-0000-0000-000000000000", "--journal",
        journal.toString()).exits(2).err()).startsWith("error: ");
    assertThat(run(dir, "runs", "list").exits(2).err())
        .startsWith("Missing required option: '--journal=FILE'");
  }

  @Test
  void parallelSweepInChildProcesses() throws Exception {
    FancyProcess.Result result = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", sweepFile().toString(), "--workers", "2", "--isolate", "process", "--jvm-option",
        "-Xmx128m", "-s", "model=a", "--timeout", "60s", "--rank-by", "score").exits(0);
    assertThat(result.out()).contains("6 configs, 6 succeeded, 0 did not",
        "best score.out: 0.6000000000000001 (#6 : lr=0.2 epochs=3)");
    FancyProcess.Result failing = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", sweepFile().toString(), "--isolate", "process", "-s", "model=bad").exits(1);
    assertThat(failing.out()).contains("6 configs, 0 succeeded, 6 did not", "model 'bad' "
        + "diverged");
    assertThat(run(dir, "workflow", "parallel", "cli.score", "-cp", CP, "-c",
        sweepFile().toString(), "--isolate", "fork").exits(2).err())
        .contains("--isolate must be thread or process, not 'fork'");
  }

  /**
   * On the durable engine each {@code --isolate process} child opens the shared journal itself:
   * the steps run in the children (their process IDs, written by the step, are not the
   * parent's), the runs are in the journal afterwards, and a resume skips the configs that
   * succeeded without starting their steps again.
   */
  @Test
  void childProcessesJournalTheirRunsAndAResumeSkipsTheSucceededOnes() throws Exception {
    Path sweep = write("children.yaml", "inputs: {lr: 1.0}\nsweep:\n  grid:\n"
        + "    model: [slow, bad]\n    epochs: [1, 2, 3]\n");
    Path journal = dir.resolve("journal.db");
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Path out = dir.resolve("children.txt");
    ProcessBuilder builder = new ProcessBuilder(FancyProcess.LAUNCHER.toString(), "workflow",
        "parallel", "cli.score", "-cp", CP, "-c", sweep.toString(), "--workers", "2",
        "--isolate", "process", "--journal", journal.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().remove("FANCY_CLASS_PATH");
    builder.environment().put("CLI_TEST_MARKERS", markers.toString());
    builder.environment().put("FANCY_JAVA_OPTS", FancyProcess.AGENTS);
    Process parent = builder.start();
    assertThat(parent.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(parent.exitValue()).as(Files.readString(out)).isEqualTo(1);
    assertThat(Files.readString(out)).contains("6 configs, 3 succeeded, 3 did not");
    for (int epochs = 1; epochs <= 3; epochs++) {
      long pid = Long.parseLong(Files.readString(markers.resolve("started-" + epochs)));
      assertThat(pid).as("config with epochs=%d ran in a child", epochs)
          .isNotEqualTo(parent.pid());
    }

    FancyProcess.Result succeeded = run(dir, "runs", "list", "--journal", journal.toString(),
        "--status", "SUCCEEDED").exits(0);
    assertThat(succeeded.out()).contains("\n3 runs\n", "cli.score");
    FancyProcess.Result failed = run(dir, "runs", "list", "--journal", journal.toString(),
        "--status", "FAILED").exits(0);
    assertThat(failed.out()).contains("\n3 runs\n");
    String failedId = failed.out().lines().skip(1).findFirst().orElseThrow().substring(0, 36);
    assertThat(run(dir, "runs", "show", failedId, "--journal", journal.toString()).exits(0)
        .out()).contains("model 'bad' diverged", "sweep.index=");

    try (var stream = Files.list(markers)) {
      for (Path marker : stream.toList()) {
        Files.delete(marker);
      }
    }
    ProcessBuilder again = new ProcessBuilder(FancyProcess.LAUNCHER.toString(), "workflow",
        "parallel", "cli.score", "-cp", CP, "-c", sweep.toString(), "--workers", "2",
        "--isolate", "process", "--journal", journal.toString(), "--resume")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    again.environment().remove("FANCY_CLASS_PATH");
    again.environment().put("CLI_TEST_MARKERS", markers.toString());
    again.environment().put("FANCY_JAVA_OPTS", FancyProcess.AGENTS);
    Process resumed = again.start();
    assertThat(resumed.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(out)).isEqualTo(1);
    assertThat(Files.readString(out)).contains("6 configs, 0 succeeded, 3 skipped (succeeded "
        + "before), 3 did not");
    try (var stream = Files.list(markers)) {
      assertThat(stream.toList()).as("no succeeded config ran again").isEmpty();
    }
    assertThat(run(dir, "runs", "list", "--journal", journal.toString(), "--status",
        "SUCCEEDED").exits(0).out()).contains("\n3 runs\n");
  }

  @Test
  void sweepResumesAfterItsProcessIsKilledWithoutRunningASucceededConfigAgain()
      throws Exception {
    Path sweep = write("slow.yaml", "inputs: {lr: 1.0, model: slow}\nsweep:\n  grid:\n"
        + "    epochs: [1, 2, 3, 4, 5, 6, 7, 8]\n");
    Path journal = dir.resolve("journal.db");
    Path out = dir.resolve("first.txt");
    Path markers = Files.createDirectories(dir.resolve("markers"));
    ProcessBuilder builder = new ProcessBuilder(FancyProcess.LAUNCHER.toString(), "workflow",
        "parallel", "cli.score", "-cp", CP, "-c", sweep.toString(), "--journal",
        journal.toString(), "--lease", "2s").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    builder.environment().put("CLI_TEST_MARKERS", markers.toString());
    builder.environment().put("FANCY_JAVA_OPTS", FancyProcess.AGENTS);
    Process first = builder.start();
    // Config #4's step runs for 3 s: kill the process while it is in that step.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(markers.resolve("started-4"))) {
      assertThat(System.nanoTime()).as("config #4 started before the deadline")
          .isLessThan(deadline);
      assertThat(first.isAlive()).as(Files.readString(out)).isTrue();
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
    }
    first.destroyForcibly(); // SIGKILL: the launcher execs the JVM
    assertThat(first.waitFor(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);
    long doneBefore = Files.readString(out).lines().filter(l -> l.contains(" SUCCEEDED in "))
        .count();
    assertThat(doneBefore).isEqualTo(3);

    FancyProcess.Result resumed = run(dir, "workflow", "parallel", "cli.score", "-cp", CP,
        "-c", sweep.toString(), "--journal", journal.toString(), "--resume", "--lease", "2s")
        .exits(0);
    assertThat(markers.resolve("started-4")).exists();
    // The run that was executing when the process died is taken over, not started again.
    assertThat(resumed.out()).contains("waited for 1 run of an interrupted attempt",
        "8 configs, " + (8 - doneBefore) + " succeeded, " + doneBefore
            + " skipped (succeeded before), 0 did not");
    FancyProcess.Result succeeded = run(dir, "runs", "list", "--journal", journal.toString(),
        "--status", "SUCCEEDED").exits(0);
    assertThat(succeeded.out()).contains("\n8 runs\n");
    java.util.regex.Matcher index = java.util.regex.Pattern.compile("sweep\\.index=(\\d+)")
        .matcher(succeeded.out());
    List<String> indices = new java.util.ArrayList<>();
    while (index.find()) {
      indices.add(index.group(1));
    }
    assertThat(indices).as("each config succeeded exactly once")
        .containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
  }

  @Test
  void provenanceHasTheGitCommitAndTheInputFilesChecksum() throws Exception {
    git("init", "-q");
    Path input = write("stage.txt", "hello");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "stage.txt");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "data");
    String head = new String(new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toFile())
        .start().getInputStream().readAllBytes()).strip();
    FancyProcess.Result result = run(dir, "run", "cli.count", "-cp", CP, "-s",
        "file=" + input, "--output-dir", "out").exits(0);
    assertThat(result.out()).contains("count.out = 5");
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      Path provenance = files.filter(p -> p.endsWith("provenance.json")).findFirst()
          .orElseThrow();
      JsonNode json = JSON.readTree(provenance.toFile());
      assertThat(json.get("gitCommit").asText()).isEqualTo(head).hasSize(40);
      assertThat(json.get("inputFiles").get("file").get("sha256").asText()).isEqualTo(
          "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    }
  }

  private void git(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    assertThat(new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start()
        .waitFor()).isZero();
  }

  @Test
  void childProcessesEndWhenTheSweepIsKilled() throws Exception {
    Path sweep = write("hang.yaml", "inputs: {lr: 1.0, model: hang}\nsweep:\n  grid:\n"
        + "    epochs: [4]\n");
    Path markers = Files.createDirectories(dir.resolve("markers"));
    ProcessBuilder builder = new ProcessBuilder(FancyProcess.LAUNCHER.toString(), "workflow",
        "parallel", "cli.score", "-cp", CP, "-c", sweep.toString(), "--isolate", "process")
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.txt").toFile());
    builder.environment().put("CLI_TEST_MARKERS", markers.toString());
    builder.environment().put("FANCY_JAVA_OPTS", FancyProcess.AGENTS);
    Process parent = builder.start();
    Path marker = markers.resolve("started-4");
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(marker)) {
      assertThat(System.nanoTime()).as("a child started the step").isLessThan(deadline);
      assertThat(parent.isAlive()).isTrue();
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
    }
    long child = Long.parseLong(Files.readString(marker).strip());
    assertThat(child).isNotEqualTo(parent.pid());
    ProcessHandle handle = ProcessHandle.of(child).orElseThrow();
    parent.destroyForcibly();
    parent.waitFor();
    // The child notices that its parent died and halts, though its step blocks for ever.
    try {
      assertThat(handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS).isAlive())
          .isFalse();
    } finally {
      handle.destroyForcibly(); // no orphan even if the check failed
    }
  }
}
