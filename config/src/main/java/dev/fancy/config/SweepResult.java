package dev.fancy.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a {@link Sweep} did: one row per config, in config order, with its status, duration,
 * chosen outputs and error. Prints as a table ({@link #table()}), writes CSV and JSON lines, and
 * ranks rows by an output ({@link #rankedBy}). Immutable.
 */
public final class SweepResult {

  /** How one config of a sweep ended. */
  public enum Status {
    /** The run succeeded. */
    SUCCEEDED,
    /** The run failed (a step failed), or its process died. */
    FAILED,
    /** The run was cancelled or stopped by a usage limit. */
    CANCELLED,
    /** The run ran past the sweep's timeout and was stopped. */
    TIMED_OUT,
    /** The config does not fit the workflow; nothing ran. */
    INVALID,
    /** Succeeded in an earlier attempt at the same sweep ({@code --resume}); not run again. */
    SKIPPED
  }

  /**
   * One config's outcome.
   *
   * @param index the config's number in the sweep, from 1
   * @param config the config
   * @param status how it ended
   * @param runId the run's ID, or null if none was started
   * @param duration how long it took, from start to end as this process saw it
   * @param outputs the chosen outputs by cell alias, as JSON (empty unless it succeeded)
   * @param error what went wrong, one line, or null
   */
  public record Row(long index, Config config, Status status, UUID runId, Duration duration,
      Map<String, JsonNode> outputs, String error) {

    /** Checks and copies. */
    public Row {
      Objects.requireNonNull(config, "config == null");
      Objects.requireNonNull(status, "status == null");
      Objects.requireNonNull(duration, "duration == null");
      outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /**
     * The output of cell alias {@code alias} as JSON, or null if the row has none (the run did
     * not succeed, or the output was not chosen).
     */
    public JsonNode output(String alias) {
      return outputs.get(alias);
    }

    /** Whether the config succeeded now or in an earlier attempt. */
    public boolean ok() {
      return status == Status.SUCCEEDED || status == Status.SKIPPED;
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final List<Row> rows;
  private final Duration elapsed;

  /**
   * Creates the result.
   *
   * @param rows the rows, any order (sorted by index here)
   * @param elapsed the sweep's wall-clock time
   */
  public SweepResult(List<Row> rows, Duration elapsed) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(Row::index));
    this.rows = List.copyOf(sorted);
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed == null");
  }

  /** The rows in config order. */
  public List<Row> rows() {
    return rows;
  }

  /** The sweep's wall-clock time. */
  public Duration elapsed() {
    return elapsed;
  }

  /** How many rows have {@code status}. */
  public long count(Status status) {
    return rows.stream().filter(row -> row.status() == status).count();
  }

  /** Whether every config succeeded (now or in an earlier attempt). */
  public boolean allSucceeded() {
    return rows.stream().allMatch(Row::ok);
  }

  /**
   * The output alias {@code name} means: {@code name} itself if a row has it, else
   * {@code name.out} (a step's default output alias), else {@code name} unchanged.
   */
  public String outputNamed(String name) {
    List<String> outputs = outputNames();
    return outputs.contains(name) || !outputs.contains(name + ".out") ? name : name + ".out";
  }

  /**
   * The rows that succeeded and have a numeric output {@code output}, best first: highest first
   * if {@code descending}.
   */
  public List<Row> rankedBy(String output, boolean descending) {
    Comparator<Row> order = Comparator.comparingDouble(row -> row.outputs().get(output)
        .asDouble());
    return rows.stream()
        .filter(row -> row.ok() && row.outputs().containsKey(output)
            && row.outputs().get(output).isNumber())
        .sorted(descending ? order.reversed() : order)
        .toList();
  }

  /** The best row by {@code output} (see {@link #rankedBy}), if any has it. */
  public Optional<Row> best(String output, boolean descending) {
    List<Row> ranked = rankedBy(output, descending);
    return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
  }

  /**
   * The rows as a plain-text table: {@code #}, status, duration, each swept or bound input, each
   * output, and the error.
   */
  public String table() {
    return table(rows);
  }

  /**
   * {@code rows} (some of this result's) as a table shaped like {@link #table()}. Inputs bound
   * to the same value in every row are left out when there are several rows (they are in the
   * CSV and JSON lines).
   */
  public String table(List<Row> rows) {
    List<String> inputs = new ArrayList<>(inputNames());
    if (this.rows.size() > 1) {
      inputs.removeIf(input -> this.rows.stream()
          .map(row -> String.valueOf(row.config().values().get(input))).distinct().count() == 1);
    }
    List<String> outputs = outputNames();
    List<List<String>> lines = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("#", "status", "duration"));
    header.addAll(inputs);
    header.addAll(outputs);
    header.add("error");
    lines.add(header);
    for (Row row : rows) {
      List<String> line = new ArrayList<>();
      line.add(Long.toString(row.index()));
      line.add(row.status().toString());
      line.add(String.format(Locale.ROOT, "%.1f ms", row.duration().toNanos() / 1e6));
      for (String input : inputs) {
        line.add(cell(row.config().values().get(input)));
      }
      for (String output : outputs) {
        JsonNode value = row.outputs().get(output);
        line.add(value == null ? "" : cell(value));
      }
      line.add(row.error() == null ? "" : row.error());
      lines.add(line);
    }
    int[] widths = new int[header.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.min(40, Math.max(widths[i], line.get(i).length()));
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> line : lines) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < line.size(); i++) {
        String value = line.get(i);
        if (i < line.size() - 1 && value.length() > widths[i]) {
          value = value.substring(0, widths[i] - 3) + "...";
        }
        out.append(i == 0 ? "" : "  ").append(i < line.size() - 1
            ? String.format(Locale.ROOT, "%-" + widths[i] + "s", value) : value);
      }
      text.append(out.toString().stripTrailing()).append(System.lineSeparator());
    }
    return text.toString();
  }

  /**
   * Writes one line per row: {@code index, status, duration_ms, run_id, config, inputs...,
   * outputs..., error}, with a header; values that are not numbers, booleans or strings are
   * written as JSON.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public void writeCsv(Path file) {
    List<String> inputs = inputNames();
    List<String> outputs = outputNames();
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    Set<String> columns = new LinkedHashSet<>(List.of("index", "status", "duration_ms", "run_id",
        "config"));
    inputs.forEach(input -> columns.add("input." + input));
    outputs.forEach(output -> columns.add("output." + output));
    columns.add("error");
    columns.forEach(schema::addColumn);
    List<Map<String, Object>> records = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("index", row.index());
      record.put("status", row.status().toString());
      record.put("duration_ms", String.format(Locale.ROOT, "%.3f", row.duration().toNanos() / 1e6));
      record.put("run_id", row.runId() == null ? "" : row.runId().toString());
      record.put("config", row.config().name().orElse(""));
      for (String input : inputs) {
        record.put("input." + input, csvCell(row.config().values().get(input)));
      }
      for (String output : outputs) {
        JsonNode value = row.outputs().get(output);
        record.put("output." + output, value == null ? "" : csvCell(value));
      }
      record.put("error", row.error() == null ? "" : row.error());
      records.add(record);
    }
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      new CsvMapper().writer(schema.build()).writeValues(writer).writeAll(records).close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes one JSON object per line and row: {@code index}, {@code status},
   * {@code durationMs}, {@code runId}, {@code name}, {@code tags}, {@code inputs},
   * {@code outputs} and {@code error}.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public void writeJsonLines(Path file) {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator generator = JSON.createGenerator(writer)) {
      generator.setPrettyPrinter(new com.fasterxml.jackson.core.util.MinimalPrettyPrinter("\n"));
      for (Row row : rows) {
        JSON.writeTree(generator, toJson(row));
      }
      generator.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** One row as the JSON object of {@link #writeJsonLines}. */
  public static ObjectNode toJson(Row row) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("index", row.index());
    json.put("status", row.status().toString());
    json.put("durationMs", row.duration().toNanos() / 1e6);
    json.put("runId", row.runId() == null ? null : row.runId().toString());
    json.put("name", row.config().name().orElse(null));
    ObjectNode tags = json.putObject("tags");
    row.config().tags().forEach(tags::put);
    ObjectNode inputs = json.putObject("inputs");
    row.config().values().forEach((name, value) -> inputs.set(name, value instanceof JsonNode node
        ? node : JSON.valueToTree(value)));
    ObjectNode outputs = json.putObject("outputs");
    row.outputs().forEach(outputs::set);
    json.put("error", row.error());
    return json;
  }

  private List<String> inputNames() {
    Set<String> names = new LinkedHashSet<>();
    rows.forEach(row -> names.addAll(row.config().values().keySet()));
    return List.copyOf(names);
  }

  private List<String> outputNames() {
    Set<String> names = new LinkedHashSet<>();
    rows.forEach(row -> names.addAll(row.outputs().keySet()));
    return List.copyOf(names);
  }

  private static String cell(Object value) {
    if (value instanceof JsonNode node) {
      return node.isTextual() ? node.asText() : node.toString();
    }
    return String.valueOf(value);
  }

  private static Object csvCell(Object value) {
    if (value instanceof JsonNode node) {
      if (node.isTextual()) {
        return node.asText();
      }
      return node.isValueNode() ? node.asText() : node.toString();
    }
    if (value == null || value instanceof Number || value instanceof Boolean
        || value instanceof String) {
      return value == null ? "" : value;
    }
    return JSON.valueToTree(value).toString();
  }

  @Override
  public String toString() {
    return "SweepResult[" + rows.size() + " configs, " + count(Status.SUCCEEDED) + " succeeded, "
        + (rows.size() - count(Status.SUCCEEDED) - count(Status.SKIPPED)) + " not, in "
        + elapsed.toMillis() + " ms]";
  }
}
