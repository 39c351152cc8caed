package dev.fancy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.config.Config;
import dev.fancy.run.StepRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text and JSON shapes the commands share. */
final class Printing {
  private Printing() {}

  /** {@code lr=0.1 epochs=10 model=linear}: Hydra's override syntax, strings unquoted. */
  static String overrides(Config config) {
    return overrides(config, Config.empty());
  }

  /** The values of {@code keys} in {@code config}, as {@link #overrides(Config)} writes them. */
  static String only(Config config, java.util.Collection<String> keys) {
    Config chosen = Config.empty();
    for (Map.Entry<String, Object> value : config.values().entrySet()) {
      if (keys.contains(value.getKey())) {
        chosen = chosen.with(value.getKey(), value.getValue());
      }
    }
    return overrides(chosen);
  }

  /**
   * The values of {@code config} that {@code base} does not have or has otherwise, as
   * {@link #overrides(Config)} writes them: what a sweep changed. All values if none differs.
   */
  static String overrides(Config config, Config base) {
    StringBuilder text = new StringBuilder();
    boolean any = config.values().entrySet().stream().anyMatch(v -> !base.values()
        .containsKey(v.getKey()) || !java.util.Objects.equals(base.values().get(v.getKey()),
            v.getValue()));
    for (Map.Entry<String, Object> value : config.values().entrySet()) {
      if (any && base.values().containsKey(value.getKey())
          && java.util.Objects.equals(base.values().get(value.getKey()), value.getValue())) {
        continue;
      }
      if (text.length() > 0) {
        text.append(' ');
      }
      Object v = value.getValue();
      String shown = v instanceof JsonNode node ? (node.isTextual() ? node.asText()
          : node.toString()) : String.valueOf(v);
      text.append(value.getKey()).append('=').append(shown.length() > 60
          ? shown.substring(0, 57) + "..." : shown);
    }
    return text.toString();
  }

  /** One line per step: slug, status, attempts, duration and error. */
  static String steps(List<StepRecord> steps) {
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "%-36s %-10s %8s %12s  %s%n", "step", "status",
        "attempts", "duration", "note"));
    for (StepRecord step : steps) {
      table.append(String.format(Locale.ROOT, "%-36s %-10s %8d %12s  %s", step.slug(),
          step.status(), step.attempts().size(),
          String.format(Locale.ROOT, "%.2f ms", step.duration().toNanos() / 1e6),
          note(step)).stripTrailing()).append(System.lineSeparator());
    }
    return table.toString();
  }

  /** What the note column says of a step: a cache hit, its checkpoints, its error. */
  private static String note(StepRecord step) {
    if (step.cacheHit()) {
      return "cache hit";
    }
    String checkpoints = step.checkpoints() == 0 ? ""
        : step.checkpoints() + (step.checkpoints() == 1 ? " checkpoint" : " checkpoints");
    if (step.error() == null) {
      return checkpoints;
    }
    return checkpoints.isEmpty() ? step.error().toString()
        : checkpoints + "; " + step.error();
  }

  /** A step record as JSON. */
  static ObjectNode step(StepRecord step) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("stepId", step.stepId().toString());
    json.put("slug", step.slug());
    json.put("version", step.version());
    json.put("status", step.status().toString());
    json.put("attempts", step.attempts().size());
    json.put("durationMs", step.duration().toNanos() / 1e6);
    json.put("cacheHit", step.cacheHit());
    json.put("checkpoints", step.checkpoints());
    json.put("error", step.error() == null ? null : step.error().toString());
    return json;
  }
}
