package dev.fancy.internal.journal;

import dev.fancy.frame.Usage;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.ChildRun;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunInfo;
import dev.fancy.run.StepRecord;
import dev.fancy.workflow.Workflow;
import java.util.List;
import java.util.Map;

/**
 * An upper estimate, in bytes, of the heap a kept result retains: its run record, step records
 * (with attempts and child runs), the failure as thrown and its workflow. Every object counts a
 * 16-byte header and 8 bytes per field or reference (a 64-bit JVM without compressed pointers;
 * with them, the real size is smaller), every string 2 bytes per character plus 40, every
 * {@code Instant}, {@code Duration} and {@code UUID} 32. A shared object (the workflow, a slug)
 * counts once per result that holds it, so the estimate only errs on the heavy side. Values are
 * never kept, so they are not weighed.
 */
final class KeptWeight {
  private KeptWeight() {}

  private static final long HEADER = 16;
  private static final long REF = 8;
  private static final long SMALL = 32;
  /** What a workflow step with its cells and options holds, generously. */
  static final long WORKFLOW_STEP = 1024;
  /** The least a step record weighs: its object and the slots of its list. */
  static final long STEP_RECORD = HEADER + 13 * REF + 3 * SMALL + REF;
  /** Stack frames weighed for a throwable (each with its class, method and file names). */
  private static final long FRAME = 200;

  /** The least a result of {@code workflow} weighs, before its history is built. */
  static long floor(Workflow workflow) {
    return workflow.steps().size() * (WORKFLOW_STEP + STEP_RECORD);
  }

  static long of(RunInfo info, Workflow workflow, List<StepRecord> history, Throwable failure) {
    long bytes = 512 + workflow.steps().size() * WORKFLOW_STEP;
    bytes += HEADER + 9 * REF + 3 * SMALL + error(info.error()) + usage(info.usage())
        + map(info.labels());
    bytes += steps(history);
    bytes += throwable(failure, 0);
    return bytes;
  }

  /** The weight of outputs kept as JSON text by step. */
  static long outputs(Map<java.util.UUID, String> outputs) {
    long bytes = 0;
    for (String json : outputs.values()) {
      bytes += HEADER + 3 * REF + SMALL + string(json);
    }
    return bytes;
  }

  private static long steps(List<StepRecord> steps) {
    long bytes = HEADER + 16 + steps.size() * REF;
    for (StepRecord step : steps) {
      bytes += STEP_RECORD + string(step.slug()) + error(step.error()) + usage(step.usage());
      bytes += HEADER + 16 + step.attempts().size() * REF;
      for (AttemptRecord attempt : step.attempts()) {
        bytes += HEADER + 8 * REF + 3 * SMALL + string(attempt.idempotencyKey())
            + error(attempt.error()) + usage(attempt.usage());
      }
      bytes += HEADER + 16 + step.children().size() * REF;
      for (ChildRun child : step.children()) {
        bytes += HEADER + 5 * REF + string(child.label()) + string(child.note())
            + usage(child.usage()) + steps(child.steps());
      }
    }
    return bytes;
  }

  private static long error(ErrorInfo error) {
    return error == null ? 0
        : HEADER + 4 * REF + string(error.type()) + string(error.message())
            + string(error.stack());
  }

  private static long usage(Usage usage) {
    return usage == null || usage == Usage.NONE ? 0
        : HEADER + 4 * REF + 2 * SMALL + map(usage.counters());
  }

  private static long map(Map<String, ?> map) {
    long bytes = HEADER + 16 + 2 * map.size() * REF;
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      bytes += HEADER + 3 * REF + string(entry.getKey()) + SMALL;
      if (entry.getValue() instanceof String text) {
        bytes += string(text);
      }
    }
    return bytes;
  }

  private static long throwable(Throwable error, int depth) {
    if (error == null || depth > 16) {
      return 0;
    }
    long bytes = HEADER + 6 * REF + 256 + string(error.getMessage())
        + error.getStackTrace().length * FRAME;
    for (Throwable suppressed : error.getSuppressed()) {
      bytes += throwable(suppressed, depth + 1);
    }
    return bytes + (error.getCause() == error ? 0 : throwable(error.getCause(), depth + 1));
  }

  private static long string(String text) {
    return text == null ? 0 : 40 + 2L * text.length();
  }
}
