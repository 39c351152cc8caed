package dev.fancy.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.run.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventCursorTest {

  private static final UUID RUN = UUID.randomUUID();
  private final AtomicLong now = new AtomicLong(1_000);
  private final EventCursor cursor = new EventCursor(1, Duration.ofMillis(100), now::get);

  private static RunEvent event(long sequence) {
    return new RunEvent(sequence, RUN, Instant.EPOCH, RunEvent.Type.ATTEMPT_STARTED, null, null,
        1, null, null, null, null, null);
  }

  private static List<Long> sequences(List<RunEvent> events) {
    return events.stream().map(RunEvent::sequence).toList();
  }

  @Test
  void releasesEventsInSequenceOrderWhateverOrderTheyCameIn() {
    cursor.offer(event(2));
    cursor.offer(event(3));
    assertThat(cursor.take()).as("1 is missing").isEmpty();
    assertThat(cursor.hasGap()).isTrue();
    cursor.offer(event(1));
    assertThat(sequences(cursor.take())).containsExactly(1L, 2L, 3L);
    assertThat(cursor.next()).isEqualTo(4);
    assertThat(cursor.hasGap()).isFalse();
  }

  @Test
  void releasesEachEventOnceWhenItIsBothPushedAndReadBack() {
    cursor.offer(event(1));
    cursor.offerAll(List.of(event(1), event(2)));
    assertThat(sequences(cursor.take())).containsExactly(1L, 2L);
    cursor.offerAll(List.of(event(1), event(2), event(3)));
    cursor.offer(event(2));
    assertThat(sequences(cursor.take())).containsExactly(3L);
    assertThat(cursor.take()).isEmpty();
  }

  @Test
  void startsFromTheRequestedSequence() {
    EventCursor from = new EventCursor(3, Duration.ofMillis(100), now::get);
    from.offerAll(List.of(event(1), event(2), event(3), event(4)));
    assertThat(sequences(from.take())).containsExactly(3L, 4L);
  }

  @Test
  void movesPastAGapOnlyOnceItHasStayedOpenForTheGracePeriod() {
    cursor.offer(event(1));
    cursor.offer(event(3));
    assertThat(sequences(cursor.take())).containsExactly(1L);
    now.addAndGet(Duration.ofMillis(99).toNanos());
    cursor.offer(event(4));
    assertThat(cursor.take()).as("2 may still commit").isEmpty();
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(sequences(cursor.take())).as("2 never committed").containsExactly(3L, 4L);
    cursor.offer(event(2));
    assertThat(cursor.take()).as("too late: 3 was released after it").isEmpty();
  }

  @Test
  void timesEachGapFromWhenItWasFirstSeen() {
    cursor.offer(event(2));
    assertThat(cursor.take()).isEmpty();
    now.addAndGet(Duration.ofMillis(90).toNanos());
    cursor.offer(event(1));
    cursor.offer(event(4));
    assertThat(sequences(cursor.take())).containsExactly(1L, 2L);
    now.addAndGet(Duration.ofMillis(90).toNanos());
    assertThat(cursor.take()).as("the gap at 3 is 90 ms old, not 180").isEmpty();
    now.addAndGet(Duration.ofMillis(10).toNanos());
    assertThat(sequences(cursor.take())).containsExactly(4L);
  }
}
