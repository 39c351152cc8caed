package dev.fancy.temporal;

import dev.fancy.temporal.Messages.AttemptReport;
import dev.fancy.temporal.Messages.BatchOutcome;
import dev.fancy.temporal.Messages.BatchRequest;

/** {@link MapBatchWorkflow} on an {@link Interpreter} of its own. */
final class MapBatch implements MapBatchWorkflow {

  private final Interpreter interpreter;

  MapBatch(Interpreter interpreter) {
    this.interpreter = interpreter;
  }

  @Override
  public BatchOutcome run(BatchRequest request) {
    return interpreter.runBatch(request);
  }

  @Override
  public String workflowJson() {
    return interpreter.workflowJson();
  }

  @Override
  public void cancel(String reason) {
    interpreter.cancel(reason);
  }

  @Override
  public void attemptFailed(AttemptReport report) {
    interpreter.attemptFailed(report);
  }
}
