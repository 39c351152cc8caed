package dev.fancy.temporal;

import dev.fancy.run.RunQuery;
import dev.fancy.run.RunStatus;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The search attributes of a Fancy run on Temporal, and a {@link RunQuery} as a query of
 * Temporal's advanced visibility ({@code ListWorkflowExecutions}).
 *
 * <p>A namespace must have them registered before an engine built with
 * {@code searchAttributes(true)} starts runs (Temporal rejects a start with an unknown search
 * attribute): {@value #LABELS_NAME} of type {@code KeywordList}, one {@code key=value} entry per
 * label; {@value #WORKFLOW_NAME} ({@code Keyword}), the workflow's name; {@value #STATUS_NAME}
 * ({@code Keyword}), the Fancy run status, {@code RUNNING} from the start and the final status
 * upserted by the interpreter when the run ends. One list attribute for every label, instead of
 * one attribute per label key, means no registration per key (a search attribute is a column of
 * the visibility store, and a namespace allows a few dozen).
 */
final class RunSearchAttributes {

  static final String LABELS_NAME = "FancyLabels";
  static final String WORKFLOW_NAME = "FancyWorkflow";
  static final String STATUS_NAME = "FancyStatus";

  /** What a namespace must register, for error messages. */
  static final String REGISTRATION = LABELS_NAME + " (KeywordList), " + WORKFLOW_NAME
      + " (Keyword) and " + STATUS_NAME + " (Keyword)";

  /** The run's labels, {@code key=value} each. */
  static final SearchAttributeKey<List<String>> LABELS =
      SearchAttributeKey.forKeywordList(LABELS_NAME);
  /** The name of the run's workflow. */
  static final SearchAttributeKey<String> WORKFLOW = SearchAttributeKey.forKeyword(WORKFLOW_NAME);
  /** The run's Fancy status ({@link RunStatus#name()}). */
  static final SearchAttributeKey<String> STATUS = SearchAttributeKey.forKeyword(STATUS_NAME);

  private RunSearchAttributes() {}

  /** The attributes a run starts with: its labels, its workflow and status {@code RUNNING}. */
  static SearchAttributes atStart(String workflowName, Map<String, String> labels) {
    return SearchAttributes.newBuilder()
        .set(LABELS, labels.entrySet().stream().map(e -> label(e.getKey(), e.getValue()))
            .toList())
        .set(WORKFLOW, workflowName)
        .set(STATUS, RunStatus.RUNNING.name())
        .build();
  }

  /** One label as an entry of {@link #LABELS}: {@code key=value} (keys hold no {@code =}). */
  static String label(String key, String value) {
    return key + "=" + value;
  }

  /**
   * {@code query} as a visibility query of the interpreter's executions on {@code taskQueue}:
   * the statuses, the workflow and every label become conditions on the search attributes. The
   * creation-time bounds, the cursor and the limit are applied by the engine to the runs this
   * query finds (a run's creation time is the engine's clock, not the execution's start time),
   * and so is the order: SQL-based visibility stores cannot order by a custom attribute.
   *
   * <p>For example {@code RunQuery.builder().status(FAILED).label("team", "weather")} on queue
   * {@code etl} becomes {@code WorkflowType = 'FancyRun' AND TaskQueue = 'etl' AND FancyStatus IN
   * ('FAILED') AND FancyLabels = 'team=weather'}.
   */
  static String query(RunQuery query, String taskQueue) {
    List<String> conditions = new ArrayList<>();
    conditions.add("WorkflowType = " + literal(InterpreterWorkflow.TYPE));
    conditions.add("TaskQueue = " + literal(taskQueue));
    if (!query.statuses().isEmpty()) {
      conditions.add(STATUS_NAME + " IN (" + query.statuses().stream().map(Enum::name).sorted()
          .map(RunSearchAttributes::literal).collect(Collectors.joining(", ")) + ")");
    }
    if (query.workflowName() != null) {
      conditions.add(WORKFLOW_NAME + " = " + literal(query.workflowName()));
    }
    // A KeywordList attribute "= v" matches executions whose list contains v.
    new TreeMap<>(query.labels()).forEach((key, value) ->
        conditions.add(LABELS_NAME + " = " + literal(label(key, value))));
    return String.join(" AND ", conditions);
  }

  /**
   * {@code text} as a string literal of Temporal's visibility query language (an SQL subset):
   * single quotes, with backslashes and single quotes escaped by a backslash.
   */
  static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
