package dev.fancy.run;

import dev.fancy.frame.Usage;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What every engine knows about a run without its steps: one row of
 * {@link WorkflowEngine#runs(RunQuery)}, and the head of a {@link RunHistory}.
 *
 * @param runId the run's ID
 * @param workflowName the workflow's name
 * @param status its state
 * @param createdAt when it was accepted
 * @param startedAt when its first step could start, or null while {@link RunStatus#PENDING}
 * @param finishedAt when it reached a final state, or null
 * @param error why it failed or was cancelled (the first failed step's error, or the stop
 *     reason), or null
 * @param labels free key/value metadata given at start ({@link RunOptions#labels()})
 * @param usage what its steps reported so far (engines that do not journal usage report what
 *     they saw)
 */
public record RunInfo(UUID runId, String workflowName, RunStatus status, Instant createdAt,
    Instant startedAt, Instant finishedAt, ErrorInfo error, Map<String, String> labels,
    Usage usage) {

  /**
   * Checks the fields and copies the labels.
   *
   * @throws NullPointerException if the ID, the workflow's name, the status, the creation time,
   *     the labels or the usage is null
   */
  public RunInfo {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(workflowName, "workflowName == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(usage, "usage == null");
  }
}
