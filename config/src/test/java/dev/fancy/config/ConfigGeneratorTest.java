package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConfigGeneratorTest {

  private static List<String> describe(Iterable<Config> configs) {
    List<String> out = new ArrayList<>();
    configs.forEach(c -> out.add(c.describe()));
    return out;
  }

  @Test
  void gridIsTheCartesianProductLastAxisFastest() {
    Map<String, List<?>> axes = new LinkedHashMap<>();
    axes.put("a", List.of(1, 2));
    axes.put("b", List.of("x", "y", "z"));
    ConfigGenerator grid = ConfigGenerator.grid(axes);
    assertThat(grid.size()).hasValue(6);
    assertThat(describe(grid)).containsExactly("a=1 b=\"x\"", "a=1 b=\"y\"", "a=1 b=\"z\"",
        "a=2 b=\"x\"", "a=2 b=\"y\"", "a=2 b=\"z\"");
    assertThat(describe(grid)).hasSize(6); // re-iterable
    assertThat(ConfigGenerator.grid(Map.of()).size()).hasValue(1);
  }

  @Test
  void aMillionPointGridIsNotMaterialised() {
    AtomicLong reads = new AtomicLong();
    List<Integer> thousand = counting(1000, reads);
    Map<String, List<?>> axes = new LinkedHashMap<>();
    axes.put("a", thousand);
    axes.put("b", thousand);
    ConfigGenerator grid = ConfigGenerator.grid(axes);
    assertThat(grid.size()).hasValue(1_000_000);
    assertThat(reads).hasValue(0);
    Iterator<Config> it = grid.iterator();
    it.next();
    it.next();
    Config third = it.next();
    assertThat(third.describe()).isEqualTo("a=0 b=2");
    assertThat(reads).hasValue(6); // two reads per config, three configs
    assertThat(grid.stream().skip(999_999).findFirst().orElseThrow().describe())
        .isEqualTo("a=999 b=999");
  }

  @Test
  void gridOfTenToTheTwelveHasASize() {
    Map<String, List<?>> axes = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      axes.put("p" + i, IntStream.range(0, 10).boxed().toList());
    }
    ConfigGenerator grid = ConfigGenerator.grid(axes);
    assertThat(grid.size()).hasValue(1_000_000_000_000L);
    assertThat(grid.stream().limit(3).map(Config::describe).toList().get(2))
        .isEqualTo("p0=0 p1=0 p2=0 p3=0 p4=0 p5=0 p6=0 p7=0 p8=0 p9=0 p10=0 p11=2");
    Map<String, List<?>> huge = new LinkedHashMap<>();
    for (int i = 0; i < 70; i++) {
      huge.put("p" + i, List.of(1, 2));
    }
    assertThatThrownBy(() -> ConfigGenerator.grid(huge))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than");
    assertThatThrownBy(() -> ConfigGenerator.grid(Map.of("a", List.of())))
        .hasMessage("grid axis 'a' has no values");
  }

  @Test
  void zipTakesTheIthValueOfEveryColumn() {
    Map<String, List<?>> columns = new LinkedHashMap<>();
    columns.put("a", List.of(1, 2, 3));
    columns.put("b", List.of("x", "y", "z"));
    ConfigGenerator zip = ConfigGenerator.zip(columns);
    assertThat(zip.size()).hasValue(3);
    assertThat(describe(zip)).containsExactly("a=1 b=\"x\"", "a=2 b=\"y\"", "a=3 b=\"z\"");
    columns.put("c", List.of(1));
    assertThatThrownBy(() -> ConfigGenerator.zip(columns))
        .hasMessage("zip columns must have the same length, but 'c' has 1 values and the "
            + "columns before it 3");
    assertThatThrownBy(() -> ConfigGenerator.zip(Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listAndConcatKeepOrderAndAddSizes() {
    ConfigGenerator a = ConfigGenerator.of(Config.empty().with("x", 1), Config.empty()
        .with("x", 2));
    ConfigGenerator b = ConfigGenerator.list(List.of(Config.empty().with("x", 3)));
    ConfigGenerator both = ConfigGenerator.concat(a, ConfigGenerator.of(), b);
    assertThat(both.size()).hasValue(3);
    assertThat(describe(both)).containsExactly("x=1", "x=2", "x=3");
    assertThat(ConfigGenerator.concat(a, a.filter(c -> true)).size()).isEmpty();
    Iterator<Config> it = ConfigGenerator.concat().iterator();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void filterIsLazyAndHasNoSize() {
    AtomicLong reads = new AtomicLong();
    ConfigGenerator grid = ConfigGenerator.grid(Map.of("n", counting(1_000_000, reads)));
    ConfigGenerator even = grid.filter(c -> ((Integer) c.values().get("n")) % 2 == 0);
    assertThat(even.size()).isEqualTo(OptionalLong.empty());
    assertThat(even.stream().limit(3).map(Config::describe).toList())
        .containsExactly("n=0", "n=2", "n=4");
    assertThat(reads.get()).isLessThanOrEqualTo(6);
    Iterator<Config> none = grid.filter(c -> false).limit(10).iterator();
    assertThat(none.hasNext()).isFalse();
    assertThatThrownBy(none::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void randomIsSeededAndDeterministic() {
    Map<String, Distribution> params = new LinkedHashMap<>();
    params.put("lr", Distribution.logUniform(1e-4, 1e-1));
    params.put("momentum", Distribution.uniform(0.5, 0.99));
    params.put("epochs", Distribution.integers(10, 50));
    params.put("model", Distribution.choice(List.of("sgd", "adagrad")));
    ConfigGenerator random = ConfigGenerator.random(42, 200, params);
    assertThat(random.size()).hasValue(200);
    List<String> first = describe(random);
    assertThat(describe(random)).isEqualTo(first);
    assertThat(describe(ConfigGenerator.random(42, 200, params))).isEqualTo(first);
    assertThat(describe(ConfigGenerator.random(43, 200, params))).isNotEqualTo(first);
    for (Config config : random) {
      double lr = (Double) config.values().get("lr");
      assertThat(lr).isBetween(1e-4, 1e-1);
      assertThat((Double) config.values().get("momentum")).isBetween(0.5, 0.99);
      assertThat((Long) config.values().get("epochs")).isBetween(10L, 50L);
      assertThat(config.values().get("model")).isIn("sgd", "adagrad");
    }
    // Both ends of the integer range are drawn, and nothing outside it.
    assertThat(random.stream().map(c -> c.values().get("epochs")).distinct().count())
        .isEqualTo(41);
    assertThat(random.stream().mapToDouble(c -> Math.log10((Double) c.values().get("lr")))
        .filter(l -> l < -3).count()).isGreaterThan(40); // log-uniform: a third below 1e-3
    assertThat(ConfigGenerator.random(1, 0, params).iterator().hasNext()).isFalse();
    assertThat(Distribution.integers(5, 5).sample(new java.util.SplittableRandom(1)))
        .isEqualTo(5L);
  }

  @Test
  void badDistributionsAndSamplesAreRejected() {
    assertThatThrownBy(() -> Distribution.uniform(1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Distribution.uniform(0, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Distribution.logUniform(0, 1))
        .hasMessageContaining("low > 0");
    assertThatThrownBy(() -> Distribution.integers(2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Distribution.choice(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigGenerator.random(1, -1, Map.of("a",
        Distribution.uniform(0, 1)))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigGenerator.random(1, 1, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigGenerator.of().limit(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void timesAndOverCombineWithTheBase() {
    ConfigGenerator models = ConfigGenerator.grid(Map.of("model", List.of("a", "b")));
    ConfigGenerator lrs = ConfigGenerator.zip(Map.of("lr", List.of(0.1, 0.2, 0.3)));
    Config base = Config.empty().with("data", "d.json").with("lr", 9.9).named("exp");
    ConfigGenerator sweep = models.times(lrs).over(base);
    assertThat(sweep.size()).hasValue(6);
    List<Config> configs = sweep.stream().toList();
    assertThat(configs.get(0).describe()).isEqualTo("data=\"d.json\" lr=0.1 model=\"a\"");
    assertThat(configs.get(5).describe()).isEqualTo("data=\"d.json\" lr=0.3 model=\"b\"");
    assertThat(configs).allSatisfy(c -> assertThat(c.name()).contains("exp"));
    assertThat(models.filter(c -> true).times(lrs).size()).isEmpty();
    assertThat(sweep.limit(4).size()).hasValue(4);
    assertThat(sweep.limit(40).size()).hasValue(6);
    assertThat(sweep.filter(c -> true).limit(4).size()).isEmpty();
    assertThat(describe(sweep.limit(2))).hasSize(2);
    Iterator<Config> it = ConfigGenerator.of().times(lrs).iterator();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void hugeProductsSaturateTheirSize() {
    ConfigGenerator big = ConfigGenerator.grid(Map.of("a", counting(1 << 30, new AtomicLong())));
    ConfigGenerator product = big.times(big).times(big);
    assertThat(product.size()).hasValue(Long.MAX_VALUE);
    assertThat(ConfigGenerator.concat(product, product).size()).hasValue(Long.MAX_VALUE);
  }

  /** A list of 0..n-1 that counts reads and holds nothing. */
  private static List<Integer> counting(int n, AtomicLong reads) {
    return new AbstractList<>() {
      @Override
      public Integer get(int index) {
        reads.incrementAndGet();
        return index;
      }

      @Override
      public int size() {
        return n;
      }
    };
  }
}
