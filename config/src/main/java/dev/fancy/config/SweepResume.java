package dev.fancy.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunPage;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Finds an earlier attempt at the same sweep in a durable journal: a sweep is named by a hash
 * of its workflow's name and its configs, and each of its runs is labelled with that name and
 * its config's number, so re-running the same sweep skips the configs whose run succeeded and
 * waits for the runs that never ended (the durable engine takes them over when their lease runs
 * out) instead of starting them again.
 */
final class SweepResume {
  private SweepResume() {}

  /** {@code workflowName-<16 hex digits>}: the same for the same workflow and configs. */
  static String name(Workflow workflow, ConfigGenerator configs) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(workflow.name().getBytes(StandardCharsets.UTF_8));
      long n = 0;
      for (Config config : configs.limit(1_000_000)) {
        digest.update((++n + ":" + config.describe() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      String hash = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
      String prefix = workflow.name().length() > 64 ? workflow.name().substring(0, 64)
          : workflow.name();
      return prefix + "-" + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** What earlier attempts at a sweep left: succeeded rows and runs that never ended. */
  record Earlier(Map<Long, SweepResult.Row> succeeded, Map<Long, UUID> interrupted) {}

  /**
   * The earlier attempts at sweep {@code name}: the succeeded row of each config that has one,
   * and, for the others, the newest run if it never ended (its process died).
   */
  static Earlier earlier(WorkflowEngine engine, String name, ConfigGenerator configs) {
    Map<Long, RunInfo> succeeded = new HashMap<>();
    Map<Long, RunInfo> newest = new HashMap<>();
    RunQuery query = RunQuery.builder().label(Sweep.SWEEP_LABEL, name)
        .limit(RunQuery.MAX_LIMIT).build();
    for (RunPage page = engine.runs(query); ; page = engine.runs(query.after(page.next()))) {
      for (RunInfo run : page.runs()) {
        String label = run.labels().get(Sweep.INDEX_LABEL);
        if (label != null) {
          long index = Long.parseLong(label);
          newest.putIfAbsent(index, run); // runs come newest first
          if (run.status() == RunStatus.SUCCEEDED) {
            succeeded.putIfAbsent(index, run);
          }
        }
      }
      if (page.next() == null) {
        break;
      }
    }
    Map<Long, UUID> interrupted = new HashMap<>();
    newest.forEach((index, run) -> {
      if (!succeeded.containsKey(index) && !run.status().isFinal()) {
        interrupted.put(index, run.runId());
      }
    });
    Map<Long, SweepResult.Row> rows = new LinkedHashMap<>();
    long index = 0;
    for (Config config : configs) {
      RunInfo run = succeeded.get(++index);
      if (run != null) {
        rows.put(index, new SweepResult.Row(index, config, SweepResult.Status.SUCCEEDED,
            run.runId(), Duration.ZERO, outputs(engine, run), null));
      }
    }
    return new Earlier(rows, interrupted);
  }

  private static Map<String, JsonNode> outputs(WorkflowEngine engine, RunInfo run) {
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    try {
      RunResult result = engine.handle(run.runId()).result();
      for (Map.Entry<Cell<?>, Object> output : result.outputs().entrySet()) {
        outputs.put(output.getKey().alias(), engine.codec().toTree(output.getValue()));
      }
    } catch (RuntimeException e) {
      // The values are no longer kept; the row shows none.
    }
    return outputs;
  }
}
