package dev.fancy.internal.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fancy.frame.Checkpoints;
import dev.fancy.value.ValueCodecException;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.WorkflowStep;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The checkpoints of one attempt of step {@code s}, handed to its frame: recorded in the run's
 * {@link RunCheckpoints} and, for a journaled attempt, first in the journal (fenced by the run's
 * lease and by the attempt still running there). Once the attempt is over ({@link #end}, e.g. it
 * timed out while its code goes on), it can record nothing more, so it can never overwrite the
 * checkpoint of a newer attempt.
 */
final class AttemptCheckpoints implements Checkpoints {

  private final RunExecution run;
  private final int s;
  private final int attempt;
  private final StepJournal.JournalAttempt journaled;
  private volatile boolean over;

  AttemptCheckpoints(RunExecution run, int s, int attempt,
      StepJournal.JournalAttempt journaled) {
    this.run = run;
    this.s = s;
    this.attempt = attempt;
    this.journaled = journaled;
  }

  /** The attempt is over: later checkpoints of its code are refused. */
  void end() {
    over = true;
  }

  @Override
  public long record(Object value) {
    WorkflowStep step = run.plan.steps[s];
    if (value == null) {
      throw new NullPointerException("step '" + step.slug() + "' recorded a null checkpoint; "
          + "record its progress as a value (a record of the epoch, the parameters, the random "
          + "generator's state)");
    }
    requireRunning(step);
    JsonNode json = run.services.codec().toTree(value);
    String text = json.toString();
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException("step '" + step.slug() + "' recorded a checkpoint of "
          + bytes + " bytes of JSON (a " + value.getClass().getName() + "), more than the limit "
          + "of " + MAX_BYTES + " bytes; write large state to a file and checkpoint its path");
    }
    long number;
    if (journaled != null) {
      number = run.journal.checkpoint(step, journaled, text);
      if (number == 0) {
        over = true;
        requireRunning(step);
      }
      run.checkpoints.offer(s, new RunCheckpoints.Latest(number, json));
    } else {
      number = run.checkpoints.append(s, json);
    }
    run.listeners.checkpointed(run.event(s), attempt, number, bytes);
    return number;
  }

  private void requireRunning(WorkflowStep step) {
    if (over) {
      throw new IllegalStateException("attempt " + attempt + " of step '" + step.slug()
          + "' is over (it timed out or ended), so its checkpoint is refused: it could "
          + "overwrite a newer attempt's");
    }
  }

  @Override
  public <T> Optional<T> latest(ValueType<T> type) {
    RunCheckpoints.Latest latest = run.checkpoints.get(s);
    if (latest == null && journaled != null) {
      StepJournal.JournalCheckpoint stored = run.journal.latestCheckpoint(run.plan.steps[s]);
      if (stored != null) {
        latest = new RunCheckpoints.Latest(stored.number(),
            run.services.codec().parse(stored.json()));
        run.checkpoints.offer(s, latest);
      }
    }
    if (latest == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(run.services.codec().fromTree(latest.json(), type));
    } catch (ValueCodecException e) {
      throw new ValueCodecException("checkpoint " + latest.number() + " of step '"
          + run.plan.steps[s].slug() + "' cannot be read as a " + type.name() + ": "
          + e.getMessage(), e);
    }
  }
}
