package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.engine.Engine;
import dev.fancy.run.WorkflowEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps whose configs run in child JVMs: misbehaving children fail only their config. */
class ProcessIsolationTest {
  private final WorkflowEngine engine = Engine.inMemory();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    engine.close();
  }

  private static Set<ProcessHandle> workers() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().commandLine().orElse("").contains(SweepWorker.class.getName()))
        .collect(Collectors.toSet());
  }

  private ConfigGenerator actions(List<String> actions) {
    Path marker = dir.resolve("pid");
    return ConfigGenerator.grid(Map.of("action", actions)).over(Config.empty()
        .with("marker", marker));
  }

  @Test
  void childrenAreWarmAndOutputsComeBack() {
    SweepResult result = Sweep.of(engine, SweepSteps.behaving(),
            actions(List.of("whoami", "ok", "whoami")))
        .isolate(ProcessIsolation.builder().jvmOption("-Xmx64m").build()).run();
    assertThat(result.allSucceeded()).as(result.table()).isTrue();
    Set<Long> pids = result.rows().stream().map(r -> r.outputs().get("behave.out").asLong())
        .collect(Collectors.toSet());
    assertThat(pids).hasSize(1).doesNotContain(ProcessHandle.current().pid());
    assertThat(result.rows().get(0).runId()).isNotNull();
    assertThat(workers()).isEmpty();
  }

  @Test
  void exitOomHangAndKillFailOnlyTheirConfig() throws Exception {
    Path marker = dir.resolve("pid");
    CompletableFuture<Long> killed = CompletableFuture.supplyAsync(() -> {
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (Files.exists(marker)) {
            long pid = Long.parseLong(Files.readString(marker).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            return pid;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException("no child wrote its pid");
    });
    SweepResult result = Sweep.of(engine, SweepSteps.behaving(),
            actions(List.of("ok", "exit", "oom", "hang", "pid", "ok")))
        .parallelism(2).timeout(Duration.ofSeconds(5))
        .isolate(ProcessIsolation.builder().jvmOption("-Xmx64m").build()).run();
    List<SweepResult.Row> rows = result.rows();
    assertThat(killed.getNow(-1L)).as(result.table()).isPositive();
    assertThat(rows).extracting(SweepResult.Row::status).containsExactly(
        SweepResult.Status.SUCCEEDED, SweepResult.Status.FAILED, SweepResult.Status.FAILED,
        SweepResult.Status.TIMED_OUT, SweepResult.Status.FAILED, SweepResult.Status.SUCCEEDED);
    assertThat(rows.get(1).error()).startsWith("child process exited with code 7");
    assertThat(rows.get(2).error()).startsWith("child process exited with code 3")
        .contains("OutOfMemoryError");
    assertThat(rows.get(3).error()).startsWith("timed out after PT5S; child process killed");
    assertThat(rows.get(4).error()).startsWith("child process exited with code 137");
    assertThat(workers()).isEmpty();
  }

  @Test
  void invalidConfigsAreCaughtBeforeAnyChildStarts() {
    SweepResult result = Sweep.of(engine, SweepSteps.behaving(), ConfigGenerator.of(
            Config.empty().with("action", 3).with("marker", dir.resolve("m"))))
        .isolate(ProcessIsolation.builder().build()).run();
    assertThat(result.rows().get(0).status()).isEqualTo(SweepResult.Status.INVALID);
    assertThat(result.rows().get(0).error()).contains("input 'action' is a java.lang.String");
    assertThat(workers()).isEmpty();
  }
}
