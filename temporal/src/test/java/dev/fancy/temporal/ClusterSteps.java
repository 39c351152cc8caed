package dev.fancy.temporal;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Steps of the multi-process test, the same in every JVM. {@code cluster.slow} leaves a marker
 * file {@code started-<attempt>-<pid>} in the marker directory; its first attempt then waits for
 * a {@code release} file there (so a test can kill its worker mid-activity), later attempts
 * return at once.
 */
final class ClusterSteps {
  private ClusterSteps() {}

  static StepRegistry registry(Path markers) {
    return StepRegistry.empty().register(new MathSteps.Module())
        .register(Call.intStep("cluster.slow", (frame, args) -> {
          Files.createDirectories(markers);
          Files.writeString(markers.resolve("started-" + frame.attempt() + "-"
              + ProcessHandle.current().pid()), "");
          if (frame.attempt() == 1) {
            while (!Files.exists(markers.resolve("release"))) {
              Thread.sleep(10); // the step's work: waiting for its input to arrive
            }
          }
          return new Object[] {2 * (Integer) args[0]};
        }));
  }

  /** The pid of the worker that started {@code attempt} of the slow step, or -1 if none yet. */
  static long startedBy(Path markers, int attempt) {
    if (!Files.isDirectory(markers)) {
      return -1;
    }
    try (var files = Files.list(markers)) {
      return files.map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith("started-" + attempt + "-"))
          .mapToLong(name -> Long.parseLong(name.substring(name.lastIndexOf('-') + 1)))
          .findFirst().orElse(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
