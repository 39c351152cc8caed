package dev.fancy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.run.AttemptRecord;
import dev.fancy.run.ErrorInfo;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.StepRecord;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The API's JSON shapes, written from the engine contract's history model: snake_case fields,
 * RFC 3339 timestamps, errors without stack traces.
 */
final class Views {
  /** Output previews are cut at this many bytes of UTF-8 JSON text (1 KiB). */
  static final int PREVIEW_LIMIT = 1024;

  /** The label that ties a run to the catalog workflow it was started from. */
  static final String WORKFLOW_LABEL = "fancy.workflow_id";

  private Views() {}

  static ObjectNode workflow(Catalog.StoredWorkflow row) {
    ObjectNode node = Json.object();
    node.put("id", row.id());
    node.put("name", row.name());
    node.put("shape", row.shape());
    JsonNode definition = Json.parse(row.definition().getBytes(
        java.nio.charset.StandardCharsets.UTF_8), true);
    if (row.shape().equals("tracker")) {
      node.set("steps", definition.get("steps"));
    } else {
      node.set("steps", fancySteps(definition));
      node.set("workflow", definition);
    }
    node.put("created_at", time(row.createdAt()));
    return node;
  }

  private static ArrayNode fancySteps(JsonNode workflowJson) {
    ArrayNode steps = Json.MAPPER.createArrayNode();
    Map<String, String> producers = new java.util.HashMap<>();
    for (JsonNode step : workflowJson.path("steps")) {
      for (JsonNode out : step.path("outputs")) {
        producers.put(out.path("id").asText(), step.path("id").asText());
      }
    }
    for (JsonNode step : workflowJson.path("steps")) {
      ObjectNode s = steps.addObject();
      s.put("id", step.path("id").asText());
      s.put("type", step.path("slug").asText());
      s.putObject("config").put("version", step.path("version").asInt(1));
      ArrayNode deps = s.putArray("depends_on");
      java.util.Set<String> seen = new java.util.LinkedHashSet<>();
      step.path("inputs").forEach(cell -> {
        String producer = producers.get(cell.asText());
        if (producer != null) {
          seen.add(producer);
        }
      });
      step.path("after").forEach(a -> seen.add(a.asText()));
      seen.forEach(deps::add);
    }
    return steps;
  }

  static ObjectNode run(RunInfo info) {
    ObjectNode node = Json.object();
    node.put("id", info.runId().toString());
    node.put("workflow_id", info.labels().get(WORKFLOW_LABEL));
    node.put("workflow_name", info.workflowName());
    node.put("status", info.status().name());
    node.put("created_at", time(info.createdAt()));
    node.put("started_at", time(info.startedAt()));
    node.put("finished_at", time(info.finishedAt()));
    node.set("error", error(info.error()));
    ObjectNode labels = node.putObject("labels");
    info.labels().forEach(labels::put);
    return node;
  }

  /**
   * A run with its steps.
   *
   * @param names the API name of each workflow step (see {@link WorkflowEntry})
   * @param outputs the names under which {@code GET /runs/{id}/outputs/{output}} serves each
   *     workflow step's outputs (see {@link WorkflowEntry#outputNames}); steps without any get
   *     an empty list
   * @param previews output previews by workflow step, for finished runs; may be empty
   */
  static ObjectNode run(RunHistory history, Map<UUID, String> names,
      Map<UUID, java.util.List<String>> outputs, Map<UUID, ObjectNode> previews) {
    ObjectNode node = run(history.run());
    ArrayNode steps = node.putArray("steps");
    for (StepRecord step : history.steps()) {
      ObjectNode s = steps.addObject();
      s.put("id", names.getOrDefault(step.stepId(), step.slug()));
      s.put("step_id", step.stepId().toString());
      s.put("slug", step.slug());
      s.put("version", step.version());
      s.put("status", step.status().name());
      s.put("attempts", step.attempts().size());
      s.put("started_at", time(step.startedAt()));
      s.put("finished_at", time(step.endedAt()));
      s.put("duration_ms", step.duration().toNanos() / 1e6);
      s.set("error", error(step.error()));
      s.put("cache_hit", step.cacheHit());
      s.set("output_preview", previews.get(step.stepId()));
      ArrayNode outputNames = s.putArray("outputs");
      outputs.getOrDefault(step.stepId(), java.util.List.of()).forEach(outputNames::add);
    }
    return node;
  }

  static ArrayNode attempts(StepRecord step) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (AttemptRecord a : step.attempts()) {
      ObjectNode node = list.addObject();
      node.put("attempt", a.attempt());
      node.put("status", a.status().name());
      node.put("idempotency_key", a.idempotencyKey());
      node.put("started_at", time(a.startedAt()));
      node.put("finished_at", time(a.endedAt()));
      node.put("duration_ms", a.duration().toNanos() / 1e6);
      node.set("error", error(a.error()));
    }
    return list;
  }

  static ObjectNode event(RunEvent e, Map<UUID, String> names) {
    ObjectNode node = Json.object();
    node.put("sequence", e.sequence());
    node.put("run_id", e.runId().toString());
    node.put("at", time(e.at()));
    node.put("type", e.type().name());
    if (e.stepId() != null) {
      node.put("step", names.getOrDefault(e.stepId(), e.slug()));
      node.put("step_id", e.stepId().toString());
      node.put("slug", e.slug());
    }
    if (e.attempt() > 0) {
      node.put("attempt", e.attempt());
    }
    if (e.status() != null) {
      node.put("status", e.status());
    }
    if (e.error() != null) {
      node.set("error", error(e.error()));
    }
    if (e.delay() != null) {
      node.put("delay_ms", e.delay().toMillis());
    }
    if (e.child() != null) {
      ObjectNode child = node.putObject("child");
      child.put("run_id", e.child().runId().toString());
      child.put("parent_run_id", e.child().parentRunId().toString());
      child.put("parent_step_id", e.child().parentStepId().toString());
      child.put("label", e.child().label());
      child.put("index", e.child().index());
    }
    return node;
  }

  /**
   * A preview of a value's JSON text: {@code {"json": text, "truncated": boolean}}, the text cut
   * to at most {@link #PREVIEW_LIMIT} bytes of UTF-8 and never inside a character.
   */
  static ObjectNode preview(JsonNode value) {
    String text = value.toString();
    int end = 0;
    int bytes = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes + size > PREVIEW_LIMIT) {
        break;
      }
      bytes += size;
      end += Character.charCount(codePoint);
    }
    ObjectNode node = Json.object();
    boolean cut = end < text.length();
    node.put("json", text.substring(0, end));
    node.put("truncated", cut);
    return node;
  }

  static JsonNode error(ErrorInfo error) {
    if (error == null) {
      return Json.MAPPER.nullNode();
    }
    ObjectNode node = Json.object();
    node.put("type", error.type());
    node.put("message", error.message());
    node.put("retryable", error.retryable());
    return node;
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
