package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fancy.value.ValueCodec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  private final ValueCodec codec = ValueCodec.defaults();

  @Test
  void bindsTypedValuesAndConvertsWholeNumbers() {
    Config config = Config.empty().with(TestWorkflows.LR, 0.1).with("epochs", 10)
        .with(TestWorkflows.MODEL, "sgd");
    Map<String, Object> values = config.resolve(TestWorkflows.small(), codec);
    assertThat(values).containsExactly(Map.entry("lr", 0.1), Map.entry("epochs", 10),
        Map.entry("model", "sgd"));
    Map<String, Object> widened = Config.empty().with("lr", 1).with("epochs", 7L)
        .with("model", "x").resolve(TestWorkflows.small(), codec);
    assertThat(widened.get("lr")).isEqualTo(1.0);
    assertThat(widened.get("epochs")).isEqualTo(7);
  }

  @Test
  void wrongJavaTypeNamesInputAndBothTypes() {
    Config config = Config.empty().with("lr", "fast").with("epochs", 1.5).with("model", "m");
    assertThatThrownBy(() -> config.resolve(TestWorkflows.small(), codec))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "input 'lr' is a java.lang.Double, but the value fast is a java.lang.String",
            "input 'epochs' is a int, but the value 1.5 is a java.lang.Double"));
  }

  @Test
  void jsonValuesAreConvertedStrictly() {
    Config config = Config.empty().with("lr", TextNode.valueOf("0.1"))
        .with("epochs", DoubleNode.valueOf(2.5)).with("model", IntNode.valueOf(3));
    assertThatThrownBy(() -> config.resolve(TestWorkflows.small(), codec))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("input 'lr' must be a number (java.lang.Double), but got a string "
            + "\"0.1\"")
        .hasMessageContaining("input 'epochs' must be a whole number (int), but got a number 2.5")
        .hasMessageContaining("input 'model' must be a string (java.lang.String), but got a "
            + "whole number 3");
  }

  @Test
  void unknownAndMissingInputsAreReportedTogether() {
    Config config = Config.empty().with("lr", 0.1).with("lr2", 0.2);
    assertThatThrownBy(() -> config.resolve(TestWorkflows.small(), codec))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "unknown input 'lr2': workflow 'small' has inputs [lr, epochs, model]",
            "missing input 'epochs' (int) of workflow 'small'",
            "missing input 'model' (java.lang.String) of workflow 'small'"));
  }

  @Test
  void nullOnlyForNonPrimitives() {
    Config config = Config.empty().with("lr", null).with("epochs", null).with("model", "m");
    assertThatThrownBy(() -> config.resolve(TestWorkflows.small(), codec))
        .hasMessage("input 'epochs' is a int and cannot be null");
  }

  @Test
  void metadataBecomesLabels() {
    Config config = Config.empty().with("lr", 0.1).named("baseline").tagged("team", "ml");
    assertThat(config.labels()).containsExactly(Map.entry("config", "baseline"),
        Map.entry("team", "ml"));
    assertThat(Config.empty().tagged("a", "b").labels()).containsExactly(Map.entry("a", "b"));
    assertThatThrownBy(() -> config.tagged("bad key", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad key");
    assertThatThrownBy(() -> config.tagged("config", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.named(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.tagged("k", "x".repeat(1025)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withAllMergesValuesNameAndTags() {
    Config base = Config.empty().with("lr", 0.1).with("model", "a").named("base")
        .tagged("t", "1");
    Config merged = base.withAll(Config.empty().with("model", "b").tagged("u", "2"));
    assertThat(merged.values()).containsExactly(Map.entry("lr", 0.1), Map.entry("model", "b"));
    assertThat(merged.name()).contains("base");
    assertThat(merged.tags()).containsExactly(Map.entry("t", "1"), Map.entry("u", "2"));
    assertThat(base.withAll(Config.empty().named("x")).name()).contains("x");
    assertThat(base.withAll(Config.empty())).isSameAs(base);
    assertThat(merged.describe()).isEqualTo("lr=0.1 model=\"b\"");
    assertThat(merged).isEqualTo(base.withAll(Config.empty().with("model", "b")
        .tagged("u", "2"))).hasSameHashCodeAs(merged);
    assertThat(merged.toString()).isEqualTo("Config[base: lr=0.1 model=\"b\" tags={t=1, u=2}]");
  }

  @Test
  void toJsonIsTheShapeOfInputsFromJson() {
    Config config = Config.empty().with("lr", 0.1).with("data", Path.of("a.json"))
        .with("weights", List.of(1.0, 2.0)).with("raw", IntNode.valueOf(3));
    assertThat(config.toJson(codec).toString())
        .isEqualTo("{\"lr\":0.1,\"data\":\"file:///" + Path.of("a.json").toAbsolutePath()
            .toString().substring(1) + "\",\"weights\":[1.0,2.0],\"raw\":3}");
  }
}
