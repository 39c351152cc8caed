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

  /** A workflow of one score step over inputs lr, epochs, model. */
  static Workflow workflow() {
    Cell<Double> lr = Cell.input("lr", Double.class);
    Cell<Integer> epochs = Cell.input("epochs", Integer.class);
    Cell<String> model = Cell.input("model", String.class);
    return Workflow.of("sweep.test", SweepStepsSteps.score(lr, epochs, model).out());
  }
}
