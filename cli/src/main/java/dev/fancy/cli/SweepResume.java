package dev.fancy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.config.Config;
import dev.fancy.config.ConfigGenerator;
import dev.fancy.config.Sweep;
import dev.fancy.config.SweepResult;
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

/**
 * Finds an earlier attempt at the same sweep in a durable journal: a sweep is named by a hash
 * of its workflow's name and its configs, and each of its runs is labelled with that name and
 * its config's number, so re-running the same sweep skips the configs whose run succeeded.
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

  /** The succeeded rows of earlier attempts at sweep {@code name}, by config number. */
  static Map<Long, SweepResult.Row> earlier(WorkflowEngine engine, String name,
      ConfigGenerator configs) {
    Map<Long, RunInfo> succeeded = new HashMap<>();
    RunQuery query = RunQuery.builder().label(Sweep.SWEEP_LABEL, name)
        .status(RunStatus.SUCCEEDED).limit(RunQuery.MAX_LIMIT).build();
    for (RunPage page = engine.runs(query); ; page = engine.runs(query.after(page.next()))) {
      for (RunInfo run : page.runs()) {
        String index = run.labels().get(Sweep.INDEX_LABEL);
        if (index != null) {
          succeeded.putIfAbsent(Long.parseLong(index), run);
        }
      }
      if (page.next() == null) {
        break;
      }
    }
    Map<Long, SweepResult.Row> rows = new LinkedHashMap<>();
    long index = 0;
    for (Config config : configs) {
      RunInfo run = succeeded.get(++index);
      if (run != null) {
        rows.put(index, new SweepResult.Row(index, config, SweepResult.Status.SUCCEEDED,
            run.runId(), Duration.ZERO, outputs(engine, run), null));
      }
    }
    return rows;
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
