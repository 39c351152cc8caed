package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.MathSteps;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Labels, workflow and status as search attributes, and {@code runs(RunQuery)} as a visibility
 * query. The Java test server stores and validates search attributes but has no
 * {@code ListWorkflowExecutions} (sdk-java#1693), so the query itself is checked as text and the
 * listing through the basic-visibility fallback; querying needs a real cluster.
 */
class RunSearchAttributesTest {

  @RegisterExtension
  final InProcessTemporal temporal = new InProcessTemporal();

  private void register() {
    temporal.environment().registerSearchAttribute(RunSearchAttributes.LABELS_NAME,
        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    temporal.environment().registerSearchAttribute(RunSearchAttributes.WORKFLOW_NAME,
        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    temporal.environment().registerSearchAttribute(RunSearchAttributes.STATUS_NAME,
        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
  }

  private TemporalEngine.Builder engine(String queue) {
    return temporal.engine(queue, StepRegistry.empty().register(new MathSteps.Module()));
  }

  @Test
  void aQueryBecomesConditionsOnTheSearchAttributes() {
    RunQuery query = RunQuery.builder().status(RunStatus.FAILED, RunStatus.CANCELLED)
        .workflow("etl").label("team", "weather").label("config", "a").build();

    assertThat(RunSearchAttributes.query(query, "etl-queue")).isEqualTo(
        "WorkflowType = 'FancyRun' AND TaskQueue = 'etl-queue'"
            + " AND FancyStatus IN ('CANCELLED', 'FAILED') AND FancyWorkflow = 'etl'"
            + " AND FancyLabels = 'config=a' AND FancyLabels = 'team=weather'");
    assertThat(RunSearchAttributes.query(RunQuery.ALL, "q"))
        .isEqualTo("WorkflowType = 'FancyRun' AND TaskQueue = 'q'");
  }

  @Test
  void quotesAndBackslashesInValuesAreEscaped() {
    RunQuery query = RunQuery.builder().workflow("it's").label("path", "C:\\runs\\' OR 1=1")
        .build();

    assertThat(RunSearchAttributes.query(query, "q")).isEqualTo(
        "WorkflowType = 'FancyRun' AND TaskQueue = 'q' AND FancyWorkflow = 'it\\'s'"
            + " AND FancyLabels = 'path=C:\\\\runs\\\\\\' OR 1=1'");
  }

  @Test
  void creationTimesAreNotInTheQueryButFilterTheRunsFound() {
    RunQuery query = RunQuery.builder().created(Instant.parse("2026-01-01T00:00:00Z"), null)
        .build();

    assertThat(RunSearchAttributes.query(query, "q"))
        .isEqualTo("WorkflowType = 'FancyRun' AND TaskQueue = 'q'");
  }

  @Test
  void aRunCarriesItsLabelsWorkflowAndFinalStatusAsSearchAttributes() {
    register();
    Cell<Integer> x = Cell.input("x", Integer.class);
    Workflow adds = Workflow.of("adds", MathSteps.add(x, 1).out());
    Workflow fails = Workflow.of("fails", MathSteps.fail(x).out());
    try (TemporalEngine engine = engine("labelled").searchAttributes(true).localWorker(true)
        .build()) {
      RunHandle succeeded = engine.start(adds, Inputs.of(x, 1), RunOptions.builder()
          .label("team", "weather").label("config", "a=b").build());
      RunHandle failed = engine.start(fails, Inputs.of(x, 1), RunOptions.builder()
          .label("team", "ocean").build());
      assertThat(succeeded.await(Duration.ofSeconds(30))).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(failed.await(Duration.ofSeconds(30))).isEqualTo(RunStatus.FAILED);

      SearchAttributes first = attributes(engine, succeeded);
      assertThat(first.get(RunSearchAttributes.LABELS))
          .containsExactlyInAnyOrder("team=weather", "config=a=b");
      assertThat(first.get(RunSearchAttributes.WORKFLOW)).isEqualTo("adds");
      assertThat(first.get(RunSearchAttributes.STATUS)).isEqualTo("SUCCEEDED");
      SearchAttributes second = attributes(engine, failed);
      assertThat(second.get(RunSearchAttributes.LABELS)).containsExactly("team=ocean");
      assertThat(second.get(RunSearchAttributes.STATUS)).isEqualTo("FAILED");

      // The test server has no ListWorkflowExecutions: the engine lists through basic
      // visibility and filters by the runs' labels itself.
      assertThat(engine.runs(RunQuery.builder().label("team", "weather").build()).runs())
          .extracting(RunInfo::runId).containsExactly(succeeded.id());
      assertThat(engine.runs(RunQuery.builder().status(RunStatus.FAILED).build()).runs())
          .extracting(RunInfo::runId).containsExactly(failed.id());
    }
  }

  @Test
  void searchAttributesThatAreNotRegisteredStopTheStartWithHowToRegisterThem() {
    Cell<Integer> x = Cell.input("x", Integer.class);
    Workflow adds = Workflow.of("adds", MathSteps.add(x, 1).out());
    try (TemporalEngine engine = engine("unregistered").searchAttributes(true).build()) {
      assertThatThrownBy(() -> engine.start(adds, Inputs.of(x, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("FancyLabels (KeywordList)")
          .hasMessageContaining("temporal operator search-attribute create");
    }
  }

  private static SearchAttributes attributes(TemporalEngine engine, RunHandle run) {
    return engine.client().newUntypedWorkflowStub(run.id().toString()).describe()
        .getTypedSearchAttributes();
  }
}
