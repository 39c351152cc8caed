package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.value.ValueCodec;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigFileTest {
  private final ValueCodec codec = ValueCodec.defaults();

  static Path resource(String name) {
    try {
      return Path.of(ConfigFileTest.class.getResource("/configs/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("no test resource " + name, e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"good.yaml", "good.json", "good.toml"})
  void goodFileExpandsAndBindsEveryType(String name) {
    ConfigFile file = ConfigFile.load(resource(name));
    assertThat(file.isSweep()).isTrue();
    assertThat(file.configs().size()).hasValue(6);
    assertThat(file.base().name()).contains("penguins");
    assertThat(file.validate(TestWorkflows.training(), codec, 100)).isEqualTo(6);
    Config last = file.configs().stream().reduce((a, b) -> b).orElseThrow();
    assertThat(last.labels()).containsExactly(Map.entry("config", "penguins"),
        Map.entry("team", "ml"));
    Map<String, Object> values = last.resolve(TestWorkflows.training(), codec);
    assertThat(values.get("lr")).isEqualTo(0.001);
    assertThat(values.get("model")).isEqualTo("adagrad");
    assertThat(values.get("epochs")).isEqualTo(10);
    assertThat(values.get("data")).isEqualTo(Path.of("penguins.json"));
    assertThat((BigDecimal) values.get("budget")).isEqualByComparingTo("12.5");
    assertThat(values.get("weights")).isEqualTo(List.of(0.5, 1.5));
    assertThat(values.get("origin")).isEqualTo(new TestWorkflows.Point(1.0, 2.0));
  }

  @Test
  void wrongTypeInYamlNamesFileLineColumnKeyAndTypes() {
    Path path = resource("wrong-type.yaml");
    ConfigFile file = ConfigFile.load(path);
    assertThatThrownBy(() -> file.validate(TestWorkflows.training(), codec, 10))
        .isInstanceOf(ConfigException.class)
        .hasMessage(path + ":6:3: input 'epochs' must be a whole number (int), but got a "
            + "string \"ten\"");
  }

  @Test
  void wrongTypeInJsonNamesFileLineColumnKeyAndTypes() {
    Path path = resource("wrong-type.json");
    assertThatThrownBy(() -> ConfigFile.load(path).validate(TestWorkflows.training(), codec, 10))
        .hasMessage(path + ":7:5: input 'epochs' must be a whole number (int), but got a "
            + "string \"ten\"");
  }

  @Test
  void wrongTypeInTomlNamesFileKeyAndTypes() {
    Path path = resource("wrong-type.toml");
    assertThatThrownBy(() -> ConfigFile.load(path).validate(TestWorkflows.training(), codec, 10))
        .hasMessageStartingWith(path.toString())
        .hasMessageEndingWith("input 'epochs' must be a whole number (int), but got a string "
            + "\"ten\"");
  }

  @Test
  void unknownInputIsNamedWithItsLine() {
    Path path = resource("unknown-input.yaml");
    assertThatThrownBy(() -> ConfigFile.load(path).validate(TestWorkflows.training(), codec, 10))
        .hasMessage(path + ":9:3: unknown input 'learning_rate': workflow 'training' has "
            + "inputs [lr, epochs, model, data, budget, weights, origin]");
  }

  @Test
  void syntaxErrorsGiveLineAndColumnInEveryFormat() {
    Path yaml = resource("syntax.yaml");
    assertThatThrownBy(() -> ConfigFile.load(yaml)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(yaml + ":4:").hasMessageContaining("syntax error");
    Path json = resource("syntax.json");
    assertThatThrownBy(() -> ConfigFile.load(json))
        .hasMessageStartingWith(json + ":4:18: syntax error: Unexpected character (',' ");
    Path toml = resource("syntax.toml");
    assertThatThrownBy(() -> ConfigFile.load(toml))
        .hasMessageStartingWith(toml + ":3:").hasMessageContaining("syntax error");
  }

  @Test
  void badShapeListsEveryProblemWithItsLine() {
    Path path = resource("bad-shape.yaml");
    assertThatThrownBy(() -> ConfigFile.load(path))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            path + ":3:1: unknown key 'metdata'; expected one of [inputs, metadata, sweep]",
            path + ":7:5: 'sweep.grid.model' must be a non-empty list of values, not a string "
                + "\"sgd\"",
            path + ":8:3: 'sweep.zip': zip columns must have the same length, but 'b' has 1 "
                + "values and the columns before it 2",
            path + ":15:7: 'sweep.random.params.lr' must be one of {uniform: [low, high]}, "
                + "{loguniform: [low, high]}, {int: [low, high]} or {choice: [values]}; "
                + "'normal' is unknown",
            path + ":16:16: 'sweep.random.params.epochs.int' must be a list of two whole numbers "
                + "[low, high], not an array [1.5,3]"));
  }

  @Test
  void randomAndListSectionsCombineInToml() {
    ConfigFile file = ConfigFile.load(resource("random.toml"));
    assertThat(file.configs().size()).hasValue(10);
    List<Config> configs = file.configs().stream().toList();
    assertThat(configs).extracting(c -> c.values().get("model").toString())
        .containsExactly("\"sgd\"", "\"sgd\"", "\"sgd\"", "\"sgd\"", "\"sgd\"", "\"adagrad\"",
            "\"adagrad\"", "\"adagrad\"", "\"adagrad\"", "\"adagrad\"");
    assertThat(ConfigFile.load(resource("random.toml")).configs().stream()
        .map(Config::describe).toList())
        .isEqualTo(configs.stream().map(Config::describe).toList());
    assertThat(file.validate(TestWorkflows.small(), codec, 100)).isEqualTo(10);
  }

  @Test
  void validateReportsAProblemOnceWithTheConfigsItAffects() {
    String yaml = "inputs: {lr: 0.1}\nsweep:\n  grid:\n    epochs: [1, 2.5, 3]\n"
        + "    model: [a, 7]\n";
    ConfigFile file = ConfigFile.parse(yaml, ConfigFile.Format.YAML, "inline.yaml");
    assertThatThrownBy(() -> file.validate(TestWorkflows.small(), codec, 100))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "inline.yaml:5:16: input 'model' must be a string (java.lang.String), but got a "
                + "whole number 7 (config #2, #4, #6)",
            "inline.yaml:4:17: input 'epochs' must be a whole number (int), but got a number "
                + "2.5 (config #3, #4)"));
    ConfigFile missing = ConfigFile.parse("inputs: {lr: 0.1}\nsweep: {list: [{model: a}, "
        + "{model: b}]}", ConfigFile.Format.YAML, "m.yaml");
    assertThatThrownBy(() -> missing.validate(TestWorkflows.small(), codec, 100))
        .hasMessage("missing input 'epochs' (int) of workflow 'small' (every config)");
  }

  @Test
  void otherShapeErrors() {
    assertThat(ConfigFile.parse("", ConfigFile.Format.YAML, "e.yaml").configs().size())
        .hasValue(1);
    assertThatThrownBy(() -> ConfigFile.parse("[1, 2]", ConfigFile.Format.JSON, "a.json"))
        .hasMessage("a.json:1:1: a config file must be an object with 'inputs', 'metadata' and "
            + "'sweep', not an array [1,2]");
    assertThatThrownBy(() -> ConfigFile.parse("inputs: [1]\nmetadata: {name: 3, tags: 4, x: 1}"
        + "\nsweep: {}", ConfigFile.Format.YAML, "s.yaml"))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "s.yaml:1:1: 'inputs' must be an object of input name to value, not an array [1]",
            "s.yaml:2:30: unknown key 'metadata.x'; expected one of [name, tags]",
            "s.yaml:2:12: 'metadata.name' must be a non-empty string, not a number 3",
            "s.yaml:2:21: 'metadata.tags' must be an object of strings or a list of strings, "
                + "not a number 4",
            "s.yaml:3:1: 'sweep' is empty: give it any of [grid, list, random, zip]"));
    assertThatThrownBy(() -> ConfigFile.parse("metadata: {tags: [a, 1, 'bad key']}\n"
        + "sweep: {random: {samples: 2}, list: []}", ConfigFile.Format.YAML, "t.yaml"))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "t.yaml:1:22: a tag in 'metadata.tags' must be a string, not a number 1",
            "t.yaml:1:25: tag key 'bad key' must be 1 to 64 letters, digits, '.', '_' or '-', "
                + "and not 'config'",
            "t.yaml:2:31: 'sweep.list' must be a non-empty list of objects of input name to "
                + "value, not an array []",
            "t.yaml:2:9: 'sweep.random.params' must be an object of input name to a "
                + "distribution ({uniform: [low, high]}, {loguniform: [low, high]}, "
                + "{int: [low, high]} or {choice: [values]})"));
    assertThat(ConfigFile.parse("metadata: {tags: [fast]}", ConfigFile.Format.YAML, "t.yaml")
        .base().tags()).containsExactly(Map.entry("fast", "true"));
    assertThatThrownBy(() -> ConfigFile.load(Path.of("nope.yaml")))
        .hasMessage("nope.yaml: no such config file");
    assertThatThrownBy(() -> ConfigFile.load(Path.of("config.txt")))
        .hasMessage("config.txt: a config file must end in .json, .yaml, .yml or .toml");
    assertThat(ConfigFile.Format.of(Path.of("a.YML"))).isEqualTo(ConfigFile.Format.YAML);
  }

  @Test
  void randomChoiceUniformAndBadRandomSections() {
    ConfigFile file = ConfigFile.parse("sweep:\n  random:\n    seed: 3\n    samples: 4\n"
        + "    params:\n      lr: {uniform: [0.1, 0.2]}\n      model: {choice: [a, b]}\n",
        ConfigFile.Format.YAML, "r.yaml");
    assertThat(file.configs().stream().toList()).hasSize(4).allSatisfy(c -> {
      assertThat((Double) c.values().get("lr")).isBetween(0.1, 0.2);
      assertThat(c.values().get("model").toString()).isIn("\"a\"", "\"b\"");
    });
    assertThatThrownBy(() -> ConfigFile.parse("sweep:\n  random:\n    seed: -1\n    samples: x\n"
        + "    params: {lr: {choice: []}, m: {uniform: [2, 1]}, k: 3}\n    extra: 1\n",
        ConfigFile.Format.YAML, "r.yaml"))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "r.yaml:6:5: unknown key 'sweep.random.extra'; expected one of [params, samples, "
                + "seed]",
            "r.yaml:3:5: 'sweep.random.seed' must be a whole number >= 0, not a number -1",
            "r.yaml:4:5: 'sweep.random.samples' must be a whole number >= 0, not a string "
                + "\"x\""));
    assertThatThrownBy(() -> ConfigFile.parse("sweep:\n  random:\n    samples: 2\n"
        + "    params: {lr: {choice: []}, m: {uniform: [2, 1]}, k: 3}\n",
        ConfigFile.Format.YAML, "r.yaml"))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "r.yaml:4:19: 'sweep.random.params.lr.choice' must be a non-empty list, not an array "
                + "[]",
            "r.yaml:4:36: 'sweep.random.params.m.uniform': range [2.0, 1.0) needs finite bounds "
                + "with low < high",
            "r.yaml:4:54: 'sweep.random.params.k' must be one of {uniform: [low, high]}, "
                + "{loguniform: [low, high]}, {int: [low, high]} or {choice: [values]}, not a "
                + "number 3"));
    assertThatThrownBy(() -> ConfigFile.parse("sweep: 3\n", ConfigFile.Format.YAML, "r.yaml"))
        .hasMessage("r.yaml:1:1: 'sweep' must be an object with any of [grid, list, random, "
            + "zip], not a number 3");
  }
}
