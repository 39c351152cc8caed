package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.value.ValueCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverridesTest {

  private static List<String> describe(ConfigGenerator configs) {
    return configs.stream().map(Config::describe).toList();
  }

  @Test
  void setReadsYamlScalarsAndCollections() {
    Config config = Overrides.set(List.of("lr=0.1", "epochs=10", "model=linear", "flag=true",
        "xs=[1, 2]", "o={a: 1}", "s='a,b'", "empty="));
    assertThat(config.describe()).isEqualTo("lr=0.1 epochs=10 model=\"linear\" flag=true "
        + "xs=[1,2] o={\"a\":1} s=\"a,b\" empty=\"\"");
    assertThat(config.origin("lr")).contains("--set lr=0.1");
  }

  @Test
  void setValuesAreCheckedAgainstTheWorkflowNamingTheOverride() {
    Config config = Overrides.set(List.of("lr=fast", "epochs=10", "model=m"));
    assertThatThrownBy(() -> config.resolve(TestWorkflows.small(), ValueCodec.defaults()))
        .hasMessage("--set lr=fast: input 'lr' must be a number (java.lang.Double), but got a "
            + "string \"fast\"");
  }

  @Test
  void multirunExpandsListsRangesAndChoicesAsAGrid() {
    ConfigGenerator jobs = Overrides.multirun(List.of("lr=0.1,0.01",
        "epochs=range(10,50,10)", "model=choice(linear,tree)"));
    assertThat(jobs.size()).hasValue(16);
    List<String> all = describe(jobs);
    assertThat(all.get(0)).isEqualTo("lr=0.1 epochs=10 model=\"linear\"");
    assertThat(all.get(1)).isEqualTo("lr=0.1 epochs=10 model=\"tree\"");
    assertThat(all.get(15)).isEqualTo("lr=0.01 epochs=40 model=\"tree\"");
    assertThat(jobs.iterator().next().resolve(TestWorkflows.small(), ValueCodec.defaults()))
        .containsExactly(Map.entry("lr", 0.1), Map.entry("epochs", 10),
            Map.entry("model", "linear"));
  }

  @Test
  void rangesFollowPython() {
    assertThat(describe(Overrides.multirun(List.of("n=range(3)"))))
        .containsExactly("n=0", "n=1", "n=2");
    assertThat(describe(Overrides.multirun(List.of("n=range(5, 1, -2)"))))
        .containsExactly("n=5", "n=3");
    assertThat(describe(Overrides.multirun(List.of("x=range(0, 0.3, 0.1)"))))
        .containsExactly("x=0.0", "x=0.1", "x=0.2");
    assertThat(describe(Overrides.multirun(List.of("xs=[1,2],[3]", "k=v"))))
        .containsExactly("xs=[1,2] k=\"v\"", "xs=[3] k=\"v\"");
    assertThat(describe(Overrides.multirun(List.of())))
        .containsExactly("");
  }

  @Test
  void malformedOverridesAreNamed() {
    assertThatThrownBy(() -> Overrides.set(List.of("lr", "=3", "a b=1")))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "override 'lr' must be key=value, the key an input name (letters, digits, '_', '.', "
                + "'-')",
            "override '=3' must be key=value, the key an input name (letters, digits, '_', '.', "
                + "'-')",
            "override 'a b=1' must be key=value, the key an input name (letters, digits, '_', "
                + "'.', '-')"));
    assertThatThrownBy(() -> Overrides.set(List.of("xs=[1, 2")))
        .hasMessageStartingWith("override 'xs=[1, 2': value '[1, 2' does not parse: ");
    assertThatThrownBy(() -> Overrides.multirun(List.of("n=range(1,x)")))
        .hasMessage("--multirun n=range(1,x): range takes (stop), (start, stop) or "
            + "(start, stop, step) numbers");
    assertThatThrownBy(() -> Overrides.multirun(List.of("n=range(1,5,0)")))
        .hasMessage("--multirun n=range(1,5,0): range step must not be 0");
    assertThatThrownBy(() -> Overrides.multirun(List.of("n=range(5,1)")))
        .hasMessage("--multirun n=range(5,1): no values to sweep over");
    assertThatThrownBy(() -> Overrides.multirun(List.of("n=choice()")))
        .hasMessage("--multirun n=choice(): no values to sweep over");
    assertThatThrownBy(() -> Overrides.multirun(List.of("n=range(0,2000000)")))
        .hasMessageContaining("more than 1,000,000 values");
    assertThatThrownBy(() -> Overrides.multirun(List.of("n=1,2", "n=3")))
        .hasMessage("--multirun n=3: 'n' is swept twice");
    assertThatThrownBy(() -> Overrides.multirun(List.of("s='a,b")))
        .hasMessage("override 's='a,b': unbalanced quote");
  }
}
