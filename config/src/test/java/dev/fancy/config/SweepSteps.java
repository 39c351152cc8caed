package dev.fancy.config;

import dev.fancy.annotations.Step;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.util.concurrent.CountDownLatch;

/** Steps for sweep tests: a score, a failure, a hang. */
public final class SweepSteps {
  private SweepSteps() {}

  /**
   * {@code lr * epochs}; model "bad" fails, model "hang" blocks until interrupted.
   *
   * @throws InterruptedException when a hanging attempt is cancelled
   */
  @Step(slug = "sweep.score")
  public static double score(double lr, int epochs, String model) throws InterruptedException {
    if (model.equals("bad")) {
      throw new IllegalArgumentException("model 'bad' diverged");
    }
    if (model.equals("hang")) {
      new CountDownLatch(1).await();
    }
    return lr * epochs;
  }

  /**
   * Misbehaves as {@code action} says, for isolation tests: {@code ok} and {@code whoami} return
   * this process's ID; {@code exit} calls {@code System.exit(7)}; {@code oom} fills the heap;
   * {@code hang} blocks; {@code pid} writes the process ID to {@code marker} and blocks.
   *
   * @throws Exception when interrupted or the marker cannot be written
   */
  @Step(slug = "sweep.behave")
  public static long behave(String action, java.nio.file.Path marker) throws Exception {
    switch (action) {
      case "exit" -> System.exit(7);
      case "oom" -> {
        java.util.List<long[]> hog = new java.util.ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      }
      case "hang" -> new CountDownLatch(1).await();
      case "pid" -> {
        java.nio.file.Path tmp = java.nio.file.Files.writeString(
            marker.resolveSibling(marker.getFileName() + ".tmp"),
            Long.toString(ProcessHandle.current().pid()));
        java.nio.file.Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        new CountDownLatch(1).await();
      }
      default -> System.out.println("step output goes to stderr, not the protocol");
    }
    return ProcessHandle.current().pid();
  }

  /** A workflow of one behave step over inputs action, marker. */
  static Workflow behaving() {
    Cell<String> action = Cell.input("action", String.class);
    Cell<java.nio.file.Path> marker = Cell.input("marker", java.nio.file.Path.class);
    return Workflow.of("sweep.behaving", SweepStepsSteps.behave(action, marker).out());
  }

  /** A workflow of one score step over inputs lr, epochs, model. */
  static Workflow workflow() {
    Cell<Double> lr = Cell.input("lr", Double.class);
    Cell<Integer> epochs = Cell.input("epochs", Integer.class);
    Cell<String> model = Cell.input("model", String.class);
    return Workflow.of("sweep.test", SweepStepsSteps.score(lr, epochs, model).out());
  }
}
