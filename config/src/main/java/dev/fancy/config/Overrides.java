package dev.fancy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line overrides in Hydra's style (hydra.cc, "Override grammar"): {@code key=value}
 * binds one input; in a multirun, {@code key=a,b,c}, {@code key=range(start,stop[,step])} and
 * {@code key=choice(a,b)} sweep over values, and the overrides expand as a grid
 * ({@link ConfigGenerator#grid}, the last key varying fastest).
 *
 * <p>Each value is read as a YAML flow scalar or collection, as Hydra does: {@code 0.1} is a
 * number, {@code true} a boolean, {@code [1,2]} a list, {@code {a: 1}} an object, {@code 'x,y'}
 * a quoted string and anything else a string. {@code range} is Python's: {@code stop} excluded,
 * {@code step} 1 by default, whole numbers if all bounds are.
 */
public final class Overrides {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  private static final Pattern CALL = Pattern.compile("(range|choice)\\((.*)\\)",
      Pattern.DOTALL);

  private Overrides() {}

  /**
   * The config of {@code --set} overrides: one value each.
   *
   * @throws ConfigException naming each malformed override
   */
  public static Config set(List<String> overrides) {
    Config config = Config.empty();
    List<String> problems = new ArrayList<>();
    for (String override : overrides) {
      try {
        String[] parts = split(override);
        JsonNode value = scalar(parts[1], override);
        config = config.with(parts[0], new Sourced(value, "--set " + override));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /**
   * The grid of {@code --multirun} overrides: each one a single value, a comma-separated list,
   * {@code range(...)} or {@code choice(...)}.
   *
   * @throws ConfigException naming each malformed override
   */
  public static ConfigGenerator multirun(List<String> overrides) {
    Map<String, List<Object>> axes = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String override : overrides) {
      try {
        String[] parts = split(override);
        List<Object> values = new ArrayList<>();
        for (JsonNode value : sweep(parts[1], override)) {
          values.add(new Sourced(value, "--multirun " + override));
        }
        if (axes.put(parts[0], values) != null) {
          problems.add("--multirun " + override + ": '" + parts[0] + "' is swept twice");
        }
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return axes.isEmpty() ? ConfigGenerator.of(Config.empty()) : ConfigGenerator.grid(axes);
  }

  /** The values one multirun override sweeps over. */
  static List<JsonNode> sweep(String text, String override) {
    Matcher call = CALL.matcher(text.strip());
    if (call.matches()) {
      List<JsonNode> args = new ArrayList<>();
      for (String arg : topLevel(call.group(2), override)) {
        args.add(scalar(arg, override));
      }
      return call.group(1).equals("choice") ? nonEmpty(args, override) : range(args, override);
    }
    List<JsonNode> values = new ArrayList<>();
    for (String item : topLevel(text, override)) {
      values.add(scalar(item, override));
    }
    return nonEmpty(values, override);
  }

  private static List<JsonNode> nonEmpty(List<JsonNode> values, String override) {
    if (values.isEmpty()) {
      throw new ConfigException("--multirun " + override + ": no values to sweep over");
    }
    return values;
  }

  private static List<JsonNode> range(List<JsonNode> args, String override) {
    String usage = "--multirun " + override + ": range takes (stop), (start, stop) or "
        + "(start, stop, step) numbers";
    if (args.isEmpty() || args.size() > 3 || !args.stream().allMatch(JsonNode::isNumber)) {
      throw new ConfigException(usage);
    }
    boolean whole = args.stream().allMatch(JsonNode::isIntegralNumber);
    BigDecimal start = args.size() == 1 ? BigDecimal.ZERO : args.get(0).decimalValue();
    BigDecimal stop = args.get(args.size() == 1 ? 0 : 1).decimalValue();
    BigDecimal step = args.size() == 3 ? args.get(2).decimalValue() : BigDecimal.ONE;
    if (step.signum() == 0) {
      throw new ConfigException("--multirun " + override + ": range step must not be 0");
    }
    List<JsonNode> values = new ArrayList<>();
    for (BigDecimal v = start; step.signum() > 0 ? v.compareTo(stop) < 0 : v.compareTo(stop) > 0;
        v = v.add(step)) {
      if (values.size() == 1_000_000) {
        throw new ConfigException("--multirun " + override + ": range has more than "
            + "1,000,000 values");
      }
      values.add(whole ? LongNode.valueOf(v.longValueExact()) : DoubleNode.valueOf(
          v.doubleValue()));
    }
    return nonEmpty(values, override);
  }

  private static String[] split(String override) {
    int eq = override.indexOf('=');
    String key = eq < 0 ? override : override.substring(0, eq).strip();
    if (eq < 0 || !KEY.matcher(key).matches()) {
      throw new ConfigException("override '" + override + "' must be key=value, the key an "
          + "input name (letters, digits, '_', '.', '-')");
    }
    return new String[] {key, override.substring(eq + 1)};
  }

  /** A YAML flow value, or the text itself as a string where YAML reads nothing. */
  static JsonNode scalar(String text, String override) {
    String value = text.strip();
    if (value.isEmpty()) {
      return TextNode.valueOf("");
    }
    try {
      JsonNode node = YAML.readTree(value);
      return node == null || node.isMissingNode() ? TextNode.valueOf(value) : node;
    } catch (JsonProcessingException e) {
      throw new ConfigException("override '" + override + "': value '" + value
          + "' does not parse: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
  }

  /** Splits at commas outside brackets, braces, parentheses and quotes. */
  private static List<String> topLevel(String text, String override) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if (c == ']' || c == '}' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        items.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (quote != 0 || depth != 0) {
      throw new ConfigException("override '" + override + "': unbalanced "
          + (quote != 0 ? "quote" : "brackets"));
    }
    String last = text.substring(start);
    if (!last.isBlank() || !items.isEmpty()) {
      items.add(last);
    }
    return items;
  }
}
