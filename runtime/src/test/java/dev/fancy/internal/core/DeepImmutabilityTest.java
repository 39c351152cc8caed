package dev.fancy.internal.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which inputs a retried step's attempts may share: decided by type, checked per instance. */
class DeepImmutabilityTest {

  record Row(int id, String name, LocalDate day, Optional<String> note) {}

  record Tree(String label, Tree left, Tree right) {}

  record Holder(List<String> names) {}

  static final class Bean {
    String name;
  }

  private final ValueCodec codec = ValueCodec.defaults();

  private DeepImmutability.Shape shape(String name, Class<?> raw) {
    return DeepImmutability.of(ValueType.of(raw, name), codec);
  }

  private static String name(Class<?> type) {
    return type.getName();
  }

  @Test
  void recordsOfImmutableComponentsAreImmutableByTheirTypeAlone() {
    assertThat(shape(name(Row.class), Row.class)).isSameAs(DeepImmutability.ALWAYS);
    assertThat(shape(name(Tree.class), Tree.class)).as("a record holding itself")
        .isSameAs(DeepImmutability.ALWAYS);
    assertThat(shape(name(Holder.class), Holder.class))
        .as("a record with a list component: only an instance could tell")
        .isSameAs(DeepImmutability.NEVER);
    assertThat(shape(name(Bean.class), Bean.class)).isSameAs(DeepImmutability.NEVER);
    assertThat(shape("java.lang.Object", Object.class)).isSameAs(DeepImmutability.NEVER);
  }

  @Test
  void collectionsAreImmutableOnlyAsTheJdksUnmodifiableClasses() {
    DeepImmutability.Shape rows = shape("java.util.List<" + name(Row.class) + ">", List.class);
    Row row = new Row(1, "a", LocalDate.of(2026, 12, 1), Optional.empty());
    assertThat(DeepImmutability.holds(rows, List.of(row))).isTrue();
    assertThat(DeepImmutability.holds(rows, Stream.of(row).toList())).isTrue();
    assertThat(DeepImmutability.holds(rows, List.copyOf(new ArrayList<>(List.of(row))))).isTrue();
    assertThat(DeepImmutability.holds(rows, Collections.emptyList())).isTrue();
    assertThat(DeepImmutability.holds(rows, new ArrayList<>(List.of(row)))).isFalse();
    assertThat(DeepImmutability.holds(rows, Collections.unmodifiableList(new ArrayList<>())))
        .as("a view of a list someone may still change").isFalse();

    DeepImmutability.Shape tables =
        shape("java.util.List<java.util.List<" + name(Row.class) + ">>", List.class);
    assertThat(DeepImmutability.holds(tables, List.of(List.of(row), List.of()))).isTrue();
    assertThat(DeepImmutability.holds(tables, List.of(List.of(row), new ArrayList<Row>())))
        .as("one inner list is mutable").isFalse();

    DeepImmutability.Shape map = shape("java.util.Map<java.lang.String,java.util.List<"
        + name(Row.class) + ">>", Map.class);
    assertThat(DeepImmutability.holds(map, Map.of("a", List.of(row)))).isTrue();
    assertThat(DeepImmutability.holds(map, Map.of("a", new ArrayList<Row>()))).isFalse();

    DeepImmutability.Shape beans = shape("java.util.List<" + name(Bean.class) + ">", List.class);
    assertThat(beans).as("elements that can change").isSameAs(DeepImmutability.NEVER);
    assertThat(DeepImmutability.holds(beans, List.of(new Bean()))).isFalse();
  }
}
