package dev.fancy.benchmarks.temporal;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link HandWrittenWorkflow} with the activity options Fancy gives a step without options. */
public final class HandWrittenWorkflowImpl implements HandWrittenWorkflow {

  private final IncActivities activities = Workflow.newActivityStub(IncActivities.class,
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofDays(1))
          .setHeartbeatTimeout(Duration.ofSeconds(10)).build());

  @Override
  public int run(String shape, int steps) {
    if (shape.equals("chain")) {
      int x = 0;
      for (int i = 0; i < steps; i++) {
        x = activities.inc(x);
      }
      return x;
    }
    int root = activities.inc(0);
    List<Promise<Integer>> branches = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      branches.add(Async.function(activities::inc, root));
    }
    int sum = 0;
    for (Promise<Integer> branch : branches) {
      sum += branch.get();
    }
    return sum;
  }
}
