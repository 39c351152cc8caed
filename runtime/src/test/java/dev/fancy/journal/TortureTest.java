package dev.fancy.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.engine.Engine;
import dev.fancy.frame.Resources;
import dev.fancy.workflow.Workflow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM running durable workflows with SIGKILL at random moments, at least 20 times,
 * then lets a last child finish, and checks the promise: every run finished, every step's body
 * committed its effect exactly once, and the outputs equal an in-memory run's.
 */
@Tag("torture")
class TortureTest {

  static final int RUNS = 16;
  static final int STEPS = 50;
  static final int STEP_MILLIS = 40;
  static final int KILLS = 20;

  @TempDir
  Path temp;

  private Process child(Path journal) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        TortureWorker.class.getName(), journal.toString(), String.valueOf(RUNS),
        String.valueOf(STEPS), String.valueOf(STEP_MILLIS))
        .redirectErrorStream(true)
        .redirectOutput(temp.resolve("child.log").toFile())
        .start();
  }

  @Test
  void sigkillAtRandomMomentsLosesNothingAndRepeatsNothing() throws Exception {
    Path file = temp.resolve("torture.db");
    try (Journal journal = Journal.open(file);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE side_effects (run_id TEXT, step_id TEXT, "
          + "idempotency_key TEXT)");
    }
    Random random = new Random();
    int kills = 0;
    boolean finishedEarly = false;
    while (kills < KILLS) {
      Process child = child(file);
      boolean exited = child.waitFor(500 + random.nextInt(800), TimeUnit.MILLISECONDS);
      if (exited) {
        finishedEarly = true; // all work done before the kill: no more kills possible
        break;
      }
      child.destroyForcibly().waitFor(); // SIGKILL on Linux
      kills++;
    }
    assertThat(finishedEarly).as("the work must outlast %s kills", KILLS).isFalse();
    Process last = child(file);
    assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).isZero();

    try (Journal journal = Journal.open(file);
        Engine engine = Engine.builder().registry(TortureWorker.registry(2))
            .resources(Resources.builder().put(JournalEffects.class, new JournalEffects())
                .build()).build();
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      List<RunInfo> runs = journal.runs();
      assertThat(runs).hasSize(RUNS).allSatisfy(
          run -> assertThat(run.status()).as("run %s", run.runId()).isEqualTo("SUCCEEDED"));
      try (ResultSet row = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT run_id || "
          + "step_id) FROM side_effects")) {
        row.next();
        assertThat(row.getInt(1)).as("effects committed").isEqualTo(RUNS * STEPS);
        assertThat(row.getInt(2)).as("distinct steps with effects").isEqualTo(RUNS * STEPS);
      }
      try (ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM attempts "
          + "WHERE status = 'RUNNING'")) {
        row.next();
        assertThat(row.getInt(1)).as("attempts interrupted by kills").isGreaterThan(0);
      }
      Workflow workflow = TortureWorker.workflow(STEPS);
      for (RunInfo run : runs) {
        int x = journal.runInputs(run.runId()).get("x").asInt();
        Object inMemory = engine.run(workflow, Map.of("x", x)).get(workflow.outputs().get(0));
        Map<UUID, ArrayNode> committed = journal.committedOutputs(run.runId());
        assertThat(committed).hasSize(STEPS);
        Workflow stored = journal.loadWorkflow(run.workflowHash());
        UUID lastStep = stored.outputs().get(0).producer().id();
        assertThat(committed.get(lastStep).get(0).asInt()).isEqualTo(inMemory);
      }
    }
  }
}
