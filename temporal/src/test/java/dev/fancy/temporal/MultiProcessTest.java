package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.engine.Engine;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.Inputs;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster in miniature: Temporal's Java test server in a process of its own on a port, and
 * Fancy workers in other JVMs. Killing a worker mid-activity (SIGKILL) gives the attempt to the
 * other worker once its heartbeat times out; killing every worker and starting a new one lets the
 * run go on. The outputs are those of the in-memory engine.
 */
class MultiProcessTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir
  Path temp;

  private final List<Process> processes = new ArrayList<>();
  private WorkflowServiceStubs service;

  @AfterEach
  void stopProcesses() {
    if (service != null) {
      service.shutdownNow();
    }
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void aKilledWorkersActivityIsRetriedElsewhereAndAllWorkersCanBeReplaced() throws Exception {
    Path log = temp.resolve("processes.log");
    try {
      killAndReplaceWorkers(log);
    } catch (Exception | AssertionError e) {
      throw new AssertionError("the run did not survive its workers; their log:\n"
          + ChildLog.tail(log), e);
    }
  }

  private void killAndReplaceWorkers(Path log) throws Exception {
    int port = freePort();
    start(log, "io.temporal.testserver.TestServer", port);
    Poll.until("the test server to listen on " + port, DEADLINE, () -> listens(port));
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget("127.0.0.1:" + port).build());
    Path claims = temp.resolve("claims");
    String queue = "multi-process";

    Cell<Integer> x = Cell.input("x", Integer.class);
    Call<Integer> slow = new Call<>("cluster.slow", Call.unary(MathSteps.INT),
        MathSteps.add(x, 1).out());
    MathSteps.AddStep last = MathSteps.add(slow.out(), 10);
    Workflow workflow = Workflow.of("cluster", last.out());

    Path released = temp.resolve("released");
    Files.createDirectories(released);
    Files.writeString(released.resolve("release"), "");
    RunResult expected;
    try (Engine local = Engine.builder().registry(ClusterSteps.registry(released)).build()) {
      expected = local.run(workflow, Inputs.of(x, 4)).requireSucceeded();
    }

    try (TemporalEngine engine = TemporalEngine.builder(service).taskQueue(queue)
        .registry(ClusterSteps.registry(temp.resolve("unused")))
        .claimChecks(ClaimCheckStore.directory(claims))
        .heartbeatTimeout(Duration.ofSeconds(2)).build()) {
      // One interpreter worker and two step workers; the step worker that takes the slow step
      // is killed mid-activity.
      Path markers = temp.resolve("markers-1");
      worker(log, port, queue, claims, markers, "interpreter");
      Process a = worker(log, port, queue, claims, markers, "steps");
      Process b = worker(log, port, queue, claims, markers, "steps");
      RunHandle run = engine.start(workflow, Inputs.of(x, 4));
      Poll.until("a worker to start the slow step", DEADLINE,
          () -> ClusterSteps.startedBy(markers, 1) > 0);
      long first = ClusterSteps.startedBy(markers, 1);
      Process victim = a.pid() == first ? a : b;
      Process survivor = victim == a ? b : a;
      victim.destroyForcibly().waitFor();

      assertThat(run.await(DEADLINE)).isEqualTo(RunStatus.SUCCEEDED);
      RunResult result = run.result();
      assertThat(result.outputs()).isEqualTo(expected.outputs());
      StepRecord record = result.step(slow);
      assertThat(record.attempts()).last().satisfies(attempt -> assertThat(attempt.attempt())
          .as("the attempt lost with the killed worker counts").isEqualTo(2));
      assertThat(ClusterSteps.startedBy(markers, 2)).as("the retry ran on the other worker")
          .isEqualTo(survivor.pid());

      // Every step worker dies while the slow step runs; a new one carries the run to its end.
      Path again = temp.resolve("markers-2");
      survivor.destroyForcibly().waitFor();
      Process c = worker(log, port, queue, claims, again, "steps");
      RunHandle second = engine.start(workflow, Inputs.of(x, 4));
      Poll.until("the new worker to start the slow step", DEADLINE,
          () -> ClusterSteps.startedBy(again, 1) > 0);
      c.destroyForcibly().waitFor();
      worker(log, port, queue, claims, again, "steps");
      assertThat(second.await(DEADLINE)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(second.result().outputs()).isEqualTo(expected.outputs());
    }
  }

  private Process worker(Path log, int port, String queue, Path claims, Path markers,
      String role) throws IOException {
    Process worker = start(log, WorkerMain.class.getName(), port, queue, claims, markers, role);
    Poll.until("worker " + worker.pid() + " to poll", DEADLINE,
        () -> ChildLog.contains(log, "ready", processes.stream()
            .filter(p -> p != processes.get(0)).count()));
    return worker;
  }

  private Process start(Path log, String main, Object... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), main));
    for (Object argument : arguments) {
      command.add(String.valueOf(argument));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reading the children's shared log. */
  static final class ChildLog {
    private ChildLog() {}

    static boolean contains(Path log, String line, long times) {
      try {
        return Files.exists(log) && Files.readAllLines(log).stream()
            .filter(line::equals).count() >= times;
      } catch (IOException e) {
        return false;
      }
    }

    static String tail(Path log) {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }
}
