package dev.fancy.internal.journal;

import dev.fancy.frame.Usage;
import dev.fancy.journal.JournalException;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A journaled run's history in the engine contract's model, read from the journal's rows: what
 * any process sharing the journal sees of a run, while it executes and after.
 */
final class JournalHistory {
  private JournalHistory() {}

  /**
   * The run and one record per workflow step in workflow order; steps the journal has no row for
   * yet are {@link StepStatus#PENDING}. It reads with several queries: call it inside
   * {@link JournalStore#snapshot} (with the read of {@code run}) for one consistent view.
   *
   * @throws JournalException if the run's rows cannot be read
   */
  static RunHistory of(JournalStore journal, JournalRun run, Workflow workflow) {
    UUID runId = run.runId();
    RunInfo info = run.toRunInfo(journal.usage(runId));
    Map<UUID, StepInfo> rows = new HashMap<>();
    for (StepInfo step : journal.steps(runId)) {
      rows.put(step.stepId(), step);
    }
    Map<UUID, List<AttemptRecord>> attempts = new HashMap<>();
    for (AttemptInfo attempt : journal.attempts(runId)) {
      Instant end = attempt.endedAt();
      ErrorInfo error = attempt.errorType() == null ? null
          : new ErrorInfo(attempt.errorType(), attempt.errorMessage(), false, null);
      attempts.computeIfAbsent(attempt.stepId(), id -> new ArrayList<>()).add(new AttemptRecord(
          attempt.attempt(), attempt.status(), attempt.idempotencyKey(), attempt.startedAt(), end,
          end == null || attempt.startedAt() == null ? Duration.ZERO
              : Duration.between(attempt.startedAt(), end), error, Usage.NONE));
    }
    Map<UUID, Long> checkpoints = journal.checkpointCounts(runId);
    List<StepRecord> steps = new ArrayList<>();
    for (WorkflowStep step : workflow.steps()) {
      long checkpointCount = checkpoints.getOrDefault(step.id(), 0L);
      StepInfo row = rows.get(step.id());
      List<AttemptRecord> tried = attempts.getOrDefault(step.id(), List.of());
      if (row == null) {
        steps.add(new StepRecord(step.id(), step.slug(), step.version(), StepStatus.PENDING,
            null, null, Duration.ZERO, null, List.of(), false, false, Usage.NONE, List.of(),
            checkpointCount));
        continue;
      }
      Instant start = tried.isEmpty() ? null : tried.get(0).startedAt();
      Instant end = row.status().isFinal() && !tried.isEmpty()
          ? tried.get(tried.size() - 1).endedAt() : null;
      ErrorInfo error = row.error() == null || row.status() == StepStatus.SUCCEEDED ? null
          : ErrorInfo.of(switch (row.status()) {
            case SKIPPED -> ErrorInfo.SKIPPED;
            case CANCELLED -> ErrorInfo.CANCELLED;
            default -> tried.isEmpty() || tried.get(tried.size() - 1).error() == null
                ? "fancy.failed" : tried.get(tried.size() - 1).error().type();
          }, row.error());
      steps.add(new StepRecord(step.id(), step.slug(), step.version(), row.status(), start, end,
          start == null || end == null ? Duration.ZERO : Duration.between(start, end), error,
          tried, false, false, Usage.NONE, List.of(), checkpointCount));
    }
    return new RunHistory(info, steps);
  }
}
