package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.frame.Usage;
import dev.fancy.run.RunHistory;
import dev.fancy.run.RunInfo;
import dev.fancy.run.RunStatus;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.server.tracker.TrackerDefinition;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ELK layout puts each step in a layer after the steps it depends on. */
class DagLayoutTest {
  private static final Pattern NODE = Pattern.compile(
      "data-step=\"([^\"]+)\" data-status=\"([A-Z]+)\" transform=\"translate\\(([\\d.]+) ");

  @Test
  void layersFollowDependenciesAndNodesShowTheirStatus() {
    Workflow workflow = new TrackerDefinition("diamond", List.of(
        step("a", List.of()), step("b", List.of("a")), step("c", List.of("a")),
        step("d", List.of("b", "c")))).toWorkflow();
    Map<UUID, String> names = new WorkflowEntry(new Catalog.StoredWorkflow("w", "diamond",
        "tracker", "{}", workflow.toJson(), Instant.EPOCH), workflow).stepNames;
    List<StepRecord> records = new ArrayList<>();
    List<StepStatus> statuses = List.of(StepStatus.SUCCEEDED, StepStatus.RUNNING,
        StepStatus.FAILED, StepStatus.PENDING);
    int i = 0;
    for (WorkflowStep step : workflow.steps()) {
      records.add(new StepRecord(step.id(), step.slug(), 1, statuses.get(i++), null, null,
          Duration.ZERO, null, List.of(), false, false, Usage.NONE, List.of()));
    }
    RunHistory history = new RunHistory(new RunInfo(UUID.randomUUID(), "diamond",
        RunStatus.RUNNING, Instant.EPOCH, null, null, null, Map.of(), Usage.NONE), records);

    String svg = DagLayout.svg(history, workflow, names);

    Map<String, Double> x = new HashMap<>();
    Map<String, String> status = new HashMap<>();
    Matcher m = NODE.matcher(svg);
    while (m.find()) {
      x.put(m.group(1), Double.parseDouble(m.group(3)));
      status.put(m.group(1), m.group(2));
    }
    assertThat(x).containsOnlyKeys("a", "b", "c", "d");
    assertThat(x.get("a")).isLessThan(x.get("b"));
    assertThat(x.get("b")).isEqualTo(x.get("c"));
    assertThat(x.get("c")).isLessThan(x.get("d"));
    assertThat(status).containsEntry("a", "SUCCEEDED").containsEntry("d", "PENDING");
    assertThat(svg).contains(">RUNNING</text>").contains("class=\"node status-failed\"");
    assertThat(svg.split("class=\"edge\"", -1)).hasSize(5);
  }

  private static TrackerDefinition.TaskStepDefinition step(String id, List<String> deps) {
    return new TrackerDefinition.TaskStepDefinition(id, "task", "", 0, 0, 0, deps);
  }
}
