package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Flow;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What a retried step's inputs cost (docs/semantics.md, "Snapshot"): values that are deeply
 * immutable are handed to every attempt as they are, never serialized; mutable ones are still
 * copied fresh for every attempt.
 */
class RetrySnapshotTest {

  private static final RetryPolicy THREE_QUICK =
      new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, 0, List.of(), List.of());

  /** Counts how often Jackson reads a row's name: once per row each time a list is serialized. */
  static final AtomicInteger ROW_READS = new AtomicInteger();
  static final AtomicInteger BEAN_READS = new AtomicInteger();

  /** An immutable row. */
  public record Row(int id, String name, double score) {
    @Override
    public String name() {
      ROW_READS.incrementAndGet();
      return name;
    }
  }

  /** A mutable bean. */
  public static final class Bean {
    private String name;

    public Bean() {}

    Bean(String name) {
      this.name = name;
    }

    public String getName() {
      BEAN_READS.incrementAndGet();
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    String peek() {
      return name;
    }
  }

  static final ValueType<List<Row>> ROWS =
      ValueType.of(List.class, "java.util.List<" + Row.class.getName() + ">");
  static final ValueType<List<List<Row>>> TABLES = ValueType.of(List.class,
      "java.util.List<java.util.List<" + Row.class.getName() + ">>");
  static final ValueType<List<Bean>> BEANS =
      ValueType.of(List.class, "java.util.List<" + Bean.class.getName() + ">");
  static final Contract ROWS_TO_INT = Contract.of(List.of(Port.of("a", ROWS)),
      List.of(Port.of("out", MathSteps.INT)));
  static final Contract BEANS_TO_INT = Contract.of(List.of(Port.of("a", BEANS)),
      List.of(Port.of("out", MathSteps.INT)));

  private static List<Row> rows(int n) {
    return IntStream.range(0, n).mapToObj(i -> new Row(i, "row " + i, i / 2.0)).toList();
  }

  @Test
  void anImmutableListOfRecordsIsHandedToEveryAttemptWithoutBeingSerialized() {
    List<Row> table = rows(10_000);
    List<Object> seen = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.count", 1, "",
        ROWS_TO_INT, (frame, args) -> {
          seen.add(args[0]);
          if (frame.attempt() == 1) {
            throw new IOException("first attempt fails");
          }
          return new Object[] {((List<?>) args[0]).size()};
        }));
    Cell<List<Row>> input = Cell.input("rows", ROWS);
    Call<Integer> count = new Call<>("test.count", ROWS_TO_INT, input);
    count.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
    ROW_READS.set(0);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("w", count.out()), Inputs.of(input, table));
      assertThat(result.get(count.out())).isEqualTo(10_000);
    }
    assertThat(seen).hasSize(2).allSatisfy(list -> assertThat(list).isSameAs(table));
    assertThat(ROW_READS).as("rows serialized").hasValue(0);
  }

  @Test
  void aMapOverImmutableTablesSerializesNoRowForItsRetriedSteps() {
    List<List<Row>> tables = IntStream.range(0, 4).mapToObj(i -> rows(10_000)).toList();
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.count", 1, "",
        ROWS_TO_INT, (frame, args) -> new Object[] {((List<?>) args[0]).size()}));
    Cell<List<List<Row>>> input = Cell.input("tables", TABLES);
    Cell<List<Integer>> sizes = Flow.map(input, 2, table -> {
      Call<Integer> count = new Call<>("test.count", ROWS_TO_INT, table);
      count.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
      return count.out();
    });
    ROW_READS.set(0);
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("w", sizes), Inputs.of(input, tables));
      assertThat(result.get(sizes)).containsExactly(10_000, 10_000, 10_000, 10_000);
    }
    assertThat(ROW_READS).as("rows serialized").hasValue(0);
  }

  @Test
  void aMutableListOfBeansIsStillCopiedFreshForEveryAttempt() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    StepRegistry registry = StepRegistry.empty().register(new StepDefinition("test.spoil", 1, "",
        BEANS_TO_INT, (frame, args) -> {
          @SuppressWarnings("unchecked")
          List<Bean> beans = (List<Bean>) args[0];
          seen.add(beans.size() + " " + beans.get(0).peek());
          beans.get(0).setName("spoiled"); // a careless attempt changes its inputs, then fails
          beans.add(new Bean("extra"));
          if (frame.attempt() < 3) {
            throw new IOException("attempt " + frame.attempt() + " fails");
          }
          return new Object[] {beans.size()};
        }));
    Cell<List<Bean>> input = Cell.input("beans", BEANS);
    Call<Integer> spoil = new Call<>("test.spoil", BEANS_TO_INT, input);
    spoil.options(StepOptions.DEFAULT.withRetry(THREE_QUICK));
    List<Bean> beans = new ArrayList<>(List.of(new Bean("a"), new Bean("b")));
    try (Engine engine = Engine.builder().registry(registry).build()) {
      RunResult result = engine.run(Workflow.of("w", spoil.out()), Inputs.of(input, beans));
      assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
    }
    assertThat(seen).containsExactly("2 a", "2 a", "2 a");
    assertThat(beans).as("the run's own value is untouched").hasSize(2);
    assertThat(beans.get(0).peek()).isEqualTo("a");
  }
}
