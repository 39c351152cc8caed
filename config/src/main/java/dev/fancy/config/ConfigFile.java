package dev.fancy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A config file: JSON, YAML or TOML, one shape for all three, read with Jackson's dataformat
 * modules. Top-level keys:
 *
 * <ul>
 *   <li>{@code inputs} — an object of input name to value: the base config;
 *   <li>{@code metadata} — {@code name} (a string) and {@code tags} (an object of strings, or a
 *       list of strings, each then tagged {@code true});
 *   <li>{@code sweep} — optional; any of {@code grid} (input name to a list of values),
 *       {@code zip} (input name to lists of one length), {@code list} (a list of objects of input
 *       name to value) and {@code random} ({@code seed}, {@code samples} and {@code params}: input
 *       name to one of {@code uniform: [low, high]}, {@code loguniform: [low, high]},
 *       {@code int: [low, high]}, {@code choice: [values]}). The sections present are combined by
 *       cartesian product in that order, and every config is merged over the base.
 * </ul>
 *
 * <pre>{@code
 * inputs:
 *   data: penguins.json
 * metadata:
 *   name: penguins
 *   tags: {team: ml}
 * sweep:
 *   grid:
 *     model: [sgd, adagrad]
 *     epochs: [10, 20, 30]
 * }</pre>
 *
 * <p>Values stay JSON until {@link Config#resolve} converts them with the engine's codec, so a
 * file can bind a {@code List<Double>}, a record, a {@code Path} or a {@code BigDecimal}. Every
 * problem names the file, the line and column (JSON and YAML give them for every key; TOML for
 * syntax errors), the key and what was expected.
 */
public final class ConfigFile {

  /** A config file's format, chosen by the file's extension. */
  public enum Format {
    /** {@code .json}. */
    JSON,
    /** {@code .yaml} or {@code .yml}. */
    YAML,
    /** {@code .toml}. */
    TOML;

    /**
     * The format of {@code file} by its extension.
     *
     * @throws ConfigException if the extension is none of {@code .json .yaml .yml .toml}
     */
    public static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".json")) {
        return JSON;
      }
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        return YAML;
      }
      if (name.endsWith(".toml")) {
        return TOML;
      }
      throw new ConfigException(file + ": a config file must end in .json, .yaml, .yml or "
          + ".toml");
    }

    ObjectMapper mapper() {
      return switch (this) {
        case JSON -> JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
        case YAML -> YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
        case TOML -> TomlMapper.builder().build();
      };
    }
  }

  private static final Set<String> TOP = Set.of("inputs", "metadata", "sweep");
  private static final Set<String> SWEEP = Set.of("grid", "zip", "list", "random");
  private static final Set<String> RANDOM = Set.of("seed", "samples", "params");

  private final String source;
  private final Config base;
  private final ConfigGenerator configs;
  private final boolean sweep;

  private ConfigFile(String source, Config base, ConfigGenerator configs, boolean sweep) {
    this.source = source;
    this.base = base;
    this.configs = configs;
    this.sweep = sweep;
  }

  /**
   * Reads and checks the shape of a config file; values are converted later, against a
   * workflow.
   *
   * @throws ConfigException if the file cannot be read, does not parse, or is not of the shape
   *     above, naming file, line and column, key and what was expected
   */
  public static ConfigFile load(Path file) {
    Objects.requireNonNull(file, "file == null");
    Format format = Format.of(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such config file", e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
    }
    return parse(text, format, file.toString());
  }

  /**
   * Parses config text of {@code format}; {@code source} names it in errors.
   *
   * @throws ConfigException as for {@link #load}
   */
  public static ConfigFile parse(String text, Format format, String source) {
    ObjectMapper mapper = format.mapper();
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(where(source, e.getLocation()) + "syntax error: "
          + firstLine(e.getOriginalMessage()), e);
    }
    Map<JsonPointer, JsonLocation> locations = locate(mapper, text);
    return new Reader(source, locations).read(root);
  }

  /** The file (or other source) this was read from. */
  public String source() {
    return source;
  }

  /** The config of the file's {@code inputs} and {@code metadata}, before any sweep. */
  public Config base() {
    return base;
  }

  /** Whether the file has a {@code sweep} section. */
  public boolean isSweep() {
    return sweep;
  }

  /** The file's configs: the sweep merged over the base, or the base alone. */
  public ConfigGenerator configs() {
    return configs;
  }

  /**
   * Resolves every config against {@code workflow} and collects every problem.
   *
   * @param max how many configs to check at most (a huge sweep is checked by its first ones)
   * @return how many configs were checked
   * @throws ConfigException listing each problem once, with the numbers of the configs it
   *     affects
   */
  public long validate(Workflow workflow, ValueCodec codec, long max) {
    return configs.validate(workflow, codec, max);
  }

  /** The location of every key and value, by JSON pointer, as the parser reports it. */
  private static Map<JsonPointer, JsonLocation> locate(ObjectMapper mapper, String text) {
    Map<JsonPointer, JsonLocation> locations = new HashMap<>();
    try (JsonParser parser = mapper.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        JsonStreamContext context = parser.getParsingContext();
        if (token.isStructStart() && context.getParent() != null) {
          context = context.getParent();
        }
        JsonLocation location = parser.currentTokenLocation();
        if (location != null && location.getLineNr() > 0) {
          locations.putIfAbsent(context.pathAsPointer(), location);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The tree parsed, so this does not happen; without locations errors lack line numbers.
    }
    return locations;
  }

  private static String where(String source, JsonLocation location) {
    if (location == null || location.getLineNr() <= 0) {
      return source + ": ";
    }
    return source + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message).strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** Walks the tree, checking its shape and collecting problems. */
  private static final class Reader {
    private final String source;
    private final Map<JsonPointer, JsonLocation> locations;
    private final List<String> problems = new ArrayList<>();

    Reader(String source, Map<JsonPointer, JsonLocation> locations) {
      this.source = source;
      this.locations = locations;
    }

    ConfigFile read(JsonNode root) {
      if (root == null || root.isMissingNode() || root.isNull()) {
        return new ConfigFile(source, Config.empty(), ConfigGenerator.of(Config.empty()),
            false);
      }
      if (!root.isObject()) {
        fail(JsonPointer.empty(), "a config file must be an object with 'inputs', 'metadata' "
            + "and 'sweep', not " + kind(root));
      }
      unknownKeys(root, JsonPointer.empty(), TOP, "");
      Config base = Config.empty();
      JsonNode inputs = root.get("inputs");
      if (inputs != null && !inputs.isNull()) {
        base = values(inputs, JsonPointer.compile("/inputs"), "inputs", base);
      }
      base = metadata(root.get("metadata"), base);
      JsonNode sweepNode = root.get("sweep");
      ConfigGenerator sweep = sweepNode == null || sweepNode.isNull() ? null : sweep(sweepNode);
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      ConfigGenerator configs = sweep == null ? ConfigGenerator.of(base) : sweep.over(base);
      return new ConfigFile(source, base, configs, sweep != null);
    }

    private Config values(JsonNode node, JsonPointer at, String key, Config config) {
      if (!node.isObject()) {
        problem(at, "'" + key + "' must be an object of input name to value, not " + kind(node));
        return config;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonPointer valueAt = at.appendProperty(field.getKey());
        config = config.with(field.getKey(), new Sourced(field.getValue(), origin(valueAt)));
      }
      return config;
    }

    private Config metadata(JsonNode node, Config config) {
      if (node == null || node.isNull()) {
        return config;
      }
      JsonPointer at = JsonPointer.compile("/metadata");
      if (!node.isObject()) {
        problem(at, "'metadata' must be an object with 'name' and 'tags', not " + kind(node));
        return config;
      }
      unknownKeys(node, at, Set.of("name", "tags"), "metadata.");
      JsonNode name = node.get("name");
      if (name != null) {
        if (name.isTextual() && !name.asText().isBlank()) {
          config = config.named(name.asText());
        } else {
          problem(at.appendProperty("name"), "'metadata.name' must be a non-empty string, not "
              + kind(name));
        }
      }
      JsonNode tags = node.get("tags");
      JsonPointer tagsAt = at.appendProperty("tags");
      if (tags == null || tags.isNull()) {
        return config;
      }
      if (tags.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> tag = it.next();
          config = tag(config, tagsAt.appendProperty(tag.getKey()), tag.getKey(),
              tag.getValue());
        }
      } else if (tags.isArray()) {
        for (int i = 0; i < tags.size(); i++) {
          JsonNode tag = tags.get(i);
          if (tag.isTextual()) {
            config = tag(config, tagsAt.appendIndex(i), tag.asText(),
                com.fasterxml.jackson.databind.node.TextNode.valueOf("true"));
          } else {
            problem(tagsAt.appendIndex(i), "a tag in 'metadata.tags' must be a string, not "
                + kind(tag));
          }
        }
      } else {
        problem(tagsAt, "'metadata.tags' must be an object of strings or a list of strings, not "
            + kind(tags));
      }
      return config;
    }

    private Config tag(Config config, JsonPointer at, String key, JsonNode value) {
      if (!value.isValueNode() || value.isNull()) {
        problem(at, "tag '" + key + "' must be a string, number or boolean, not " + kind(value));
        return config;
      }
      try {
        return config.tagged(key, value.asText());
      } catch (IllegalArgumentException e) {
        problem(at, e.getMessage());
        return config;
      }
    }

    private ConfigGenerator sweep(JsonNode node) {
      JsonPointer at = JsonPointer.compile("/sweep");
      if (!node.isObject()) {
        problem(at, "'sweep' must be an object with any of " + sorted(SWEEP) + ", not "
            + kind(node));
        return null;
      }
      unknownKeys(node, at, SWEEP, "sweep.");
      List<ConfigGenerator> parts = new ArrayList<>();
      for (String section : List.of("grid", "zip", "list", "random")) {
        JsonNode part = node.get(section);
        if (part == null) {
          continue;
        }
        JsonPointer partAt = at.appendProperty(section);
        ConfigGenerator generator = switch (section) {
          case "grid" -> columns(part, partAt, "sweep.grid", true);
          case "zip" -> columns(part, partAt, "sweep.zip", false);
          case "list" -> list(part, partAt);
          default -> random(part, partAt);
        };
        if (generator != null) {
          parts.add(generator);
        }
      }
      if (parts.isEmpty()) {
        if (SWEEP.stream().noneMatch(node::has)) {
          problem(at, "'sweep' is empty: give it any of " + sorted(SWEEP));
        }
        return null;
      }
      ConfigGenerator product = parts.get(0);
      for (int i = 1; i < parts.size(); i++) {
        product = product.times(parts.get(i));
      }
      return product;
    }

    private ConfigGenerator columns(JsonNode node, JsonPointer at, String key, boolean grid) {
      if (!node.isObject() || node.isEmpty()) {
        problem(at, "'" + key + "' must be an object of input name to a list of values, not "
            + kind(node));
        return null;
      }
      Map<String, List<Object>> columns = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonPointer fieldAt = at.appendProperty(field.getKey());
        JsonNode values = field.getValue();
        if (!values.isArray() || values.isEmpty()) {
          problem(fieldAt, "'" + key + "." + field.getKey() + "' must be a non-empty list of "
              + "values, not " + kind(values));
          continue;
        }
        List<Object> column = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
          column.add(new Sourced(values.get(i), origin(fieldAt.appendIndex(i))));
        }
        columns.put(field.getKey(), column);
      }
      if (columns.size() < node.size()) {
        return null;
      }
      if (grid) {
        return ConfigGenerator.grid(columns);
      }
      try {
        return ConfigGenerator.zip(columns);
      } catch (IllegalArgumentException e) {
        problem(at, "'" + key + "': " + e.getMessage());
        return null;
      }
    }

    private ConfigGenerator list(JsonNode node, JsonPointer at) {
      if (!node.isArray() || node.isEmpty()) {
        problem(at, "'sweep.list' must be a non-empty list of objects of input name to value, "
            + "not " + kind(node));
        return null;
      }
      List<Config> configs = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        configs.add(values(node.get(i), at.appendIndex(i), "sweep.list[" + i + "]",
            Config.empty()));
      }
      return ConfigGenerator.list(configs);
    }

    private ConfigGenerator random(JsonNode node, JsonPointer at) {
      if (!node.isObject()) {
        problem(at, "'sweep.random' must be an object with 'seed', 'samples' and 'params', not "
            + kind(node));
        return null;
      }
      unknownKeys(node, at, RANDOM, "sweep.random.");
      long seed = whole(node.get("seed"), at.appendProperty("seed"), "sweep.random.seed", 0);
      long samples = whole(node.get("samples"), at.appendProperty("samples"),
          "sweep.random.samples", -1);
      if (samples < 0 && node.has("samples")) {
        return null;
      }
      if (samples < 0) {
        problem(at, "'sweep.random' needs 'samples', the number of configs to draw");
        return null;
      }
      JsonNode params = node.get("params");
      JsonPointer paramsAt = at.appendProperty("params");
      if (params == null || !params.isObject() || params.isEmpty()) {
        problem(params == null ? at : paramsAt, "'sweep.random.params' must be an object of "
            + "input name to a distribution ({uniform: [low, high]}, {loguniform: [low, high]}, "
            + "{int: [low, high]} or {choice: [values]})"
            + (params == null ? "" : ", not " + kind(params)));
        return null;
      }
      Map<String, Distribution> distributions = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> param = it.next();
        Distribution distribution = distribution(param.getValue(),
            paramsAt.appendProperty(param.getKey()), "sweep.random.params." + param.getKey());
        if (distribution != null) {
          distributions.put(param.getKey(), distribution);
        }
      }
      if (distributions.size() < params.size()) {
        return null;
      }
      return ConfigGenerator.random(seed, samples, distributions);
    }

    private Distribution distribution(JsonNode node, JsonPointer at, String key) {
      String expected = "'" + key + "' must be one of {uniform: [low, high]}, "
          + "{loguniform: [low, high]}, {int: [low, high]} or {choice: [values]}";
      if (!node.isObject() || node.size() != 1) {
        problem(at, expected + ", not " + kind(node));
        return null;
      }
      String kind = node.fieldNames().next();
      JsonNode args = node.get(kind);
      JsonPointer argsAt = at.appendProperty(kind);
      if (kind.equals("choice")) {
        if (!args.isArray() || args.isEmpty()) {
          problem(argsAt, "'" + key + ".choice' must be a non-empty list, not " + kind(args));
          return null;
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
          values.add(args.get(i));
        }
        return Distribution.choice(values);
      }
      if (!Set.of("uniform", "loguniform", "int").contains(kind)) {
        problem(at, expected + "; '" + kind + "' is unknown");
        return null;
      }
      boolean integral = kind.equals("int");
      if (!args.isArray() || args.size() != 2 || !args.get(0).isNumber()
          || !args.get(1).isNumber()
          || integral && !(args.get(0).isIntegralNumber() && args.get(1).isIntegralNumber())) {
        problem(argsAt, "'" + key + "." + kind + "' must be a list of two "
            + (integral ? "whole numbers" : "numbers") + " [low, high], not " + kind(args));
        return null;
      }
      try {
        return switch (kind) {
          case "uniform" -> Distribution.uniform(args.get(0).asDouble(), args.get(1).asDouble());
          case "loguniform" -> Distribution.logUniform(args.get(0).asDouble(),
              args.get(1).asDouble());
          default -> Distribution.integers(args.get(0).asLong(), args.get(1).asLong());
        };
      } catch (IllegalArgumentException e) {
        problem(argsAt, "'" + key + "." + kind + "': " + e.getMessage());
        return null;
      }
    }

    private long whole(JsonNode node, JsonPointer at, String key, long missing) {
      if (node == null) {
        return missing;
      }
      if (!node.isIntegralNumber() || node.asLong() < 0) {
        problem(at, "'" + key + "' must be a whole number >= 0, not " + kind(node));
        return -1;
      }
      return node.asLong();
    }

    private void unknownKeys(JsonNode node, JsonPointer at, Set<String> known, String prefix) {
      node.fieldNames().forEachRemaining(name -> {
        if (!known.contains(name)) {
          problem(at.appendProperty(name), "unknown key '" + prefix + name + "'; expected "
              + (known.size() == 1 ? "" : "one of ") + sorted(known));
        }
      });
    }

    private String origin(JsonPointer at) {
      String where = where(source, locations.get(at));
      return where.substring(0, where.length() - 2);
    }

    private void problem(JsonPointer at, String message) {
      problems.add(origin(at) + ": " + message);
    }

    private void fail(JsonPointer at, String message) {
      problem(at, message);
      throw new ConfigException(problems);
    }

    private static List<String> sorted(Set<String> keys) {
      return keys.stream().sorted().toList();
    }

    private static String kind(JsonNode node) {
      String type = node.getNodeType().toString().toLowerCase(Locale.ROOT);
      String text = node.toString();
      return "a" + (type.startsWith("a") || type.startsWith("o") ? "n " : " ") + type + " "
          + Config.abbreviate(text);
    }
  }
}
