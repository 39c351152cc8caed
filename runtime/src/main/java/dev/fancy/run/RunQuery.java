package dev.fancy.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Which runs {@link WorkflowEngine#runs} lists: newest first (by creation time, then ID), at most
 * {@link #limit()} per page, filtered by status, workflow name, labels and creation time. Pages
 * follow each other by {@link RunPage#next()}, an opaque cursor (keyset pagination: stable while
 * runs are added).
 *
 * <pre>{@code
 * RunPage page = engine.runs(RunQuery.builder().status(RunStatus.FAILED)
 *     .label("team", "weather").limit(50).build());
 * }</pre>
 *
 * @param statuses the statuses to include; empty for all
 * @param workflowName only runs of this workflow, or null for all
 * @param labels only runs that have every one of these labels with these values
 * @param createdFrom only runs created at or after this instant, or null
 * @param createdBefore only runs created before this instant, or null
 * @param limit how many runs per page, 1 to {@link #MAX_LIMIT}
 * @param cursor where the page starts: a {@link RunPage#next()} of the same query, or null for
 *     the first page
 */
public record RunQuery(Set<RunStatus> statuses, String workflowName, Map<String, String> labels,
    Instant createdFrom, Instant createdBefore, int limit, String cursor) {

  /** The largest page. */
  public static final int MAX_LIMIT = 500;

  /** Every run, newest first, 100 per page. */
  public static final RunQuery ALL = builder().build();

  /**
   * Checks the fields and copies the collections.
   *
   * @throws IllegalArgumentException if {@code limit} is outside 1..{@link #MAX_LIMIT}
   */
  public RunQuery {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(statuses);
    labels = Map.copyOf(labels);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit " + limit + " is outside 1.." + MAX_LIMIT);
    }
  }

  /** A builder for a query of every run, 100 per page. */
  public static Builder builder() {
    return new Builder();
  }

  /** This query from {@code cursor} on. */
  public RunQuery after(String cursor) {
    return new RunQuery(statuses, workflowName, labels, createdFrom, createdBefore, limit,
        cursor);
  }

  /** Whether {@code run} passes the filters (not the cursor or the limit). */
  public boolean matches(RunInfo run) {
    return (statuses.isEmpty() || statuses.contains(run.status()))
        && (workflowName == null || workflowName.equals(run.workflowName()))
        && run.labels().entrySet().containsAll(labels.entrySet())
        && (createdFrom == null || !run.createdAt().isBefore(createdFrom))
        && (createdBefore == null || run.createdAt().isBefore(createdBefore));
  }

  /**
   * Applies this query to runs held in memory: filters, orders newest first, starts after the
   * cursor and cuts the page. Engines that keep their runs in memory answer
   * {@link WorkflowEngine#runs} with it; engines with a database query it instead.
   *
   * @throws IllegalArgumentException if the cursor is malformed
   */
  public RunPage page(Collection<RunInfo> runs) {
    List<RunInfo> matching = new ArrayList<>();
    for (RunInfo run : runs) {
      if (matches(run)) {
        matching.add(run);
      }
    }
    matching.sort(NEWEST_FIRST);
    int start = 0;
    if (cursor != null) {
      RunInfo last = decodeCursor(cursor);
      while (start < matching.size() && NEWEST_FIRST.compare(matching.get(start), last) <= 0) {
        start++;
      }
    }
    int end = Math.min(matching.size(), start + limit);
    List<RunInfo> page = matching.subList(start, end);
    return new RunPage(page, end < matching.size() ? cursorOf(page.get(page.size() - 1)) : null);
  }

  /** Newest first: by creation time, then by run ID, both descending. */
  private static final Comparator<RunInfo> NEWEST_FIRST = Comparator
      .comparing(RunInfo::createdAt).thenComparing(RunInfo::runId).reversed();

  /**
   * The cursor that continues after {@code run}: its creation time and ID. Opaque to callers;
   * every engine uses this form.
   */
  public static String cursorOf(RunInfo run) {
    return run.createdAt().getEpochSecond() + "." + run.createdAt().getNano() + "." + run.runId();
  }

  /**
   * A run with only the fields a cursor holds (creation time and ID).
   *
   * @throws IllegalArgumentException if {@code cursor} was not made by {@link #cursorOf}
   */
  public static RunInfo decodeCursor(String cursor) {
    String[] parts = cursor.split("\\.", 3);
    try {
      Instant created = Instant.ofEpochSecond(Long.parseLong(parts[0]),
          Long.parseLong(parts[1]));
      return new RunInfo(UUID.fromString(parts[2]), "", RunStatus.PENDING, created, null, null,
          null, Map.of(), dev.fancy.frame.Usage.NONE);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cursor '" + cursor + "' is not one a run page gave; "
          + "pass RunPage.next() unchanged", e);
    }
  }

  /** Builds a {@link RunQuery}. */
  public static final class Builder {
    private final Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
    private String workflowName;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Instant createdFrom;
    private Instant createdBefore;
    private int limit = 100;
    private String cursor;

    private Builder() {}

    /** Adds statuses to include (runs of any status if none is added). */
    public Builder status(RunStatus... statuses) {
      for (RunStatus status : statuses) {
        this.statuses.add(Objects.requireNonNull(status, "status == null"));
      }
      return this;
    }

    /** Only runs of the workflow named {@code name}. */
    public Builder workflow(String name) {
      this.workflowName = Objects.requireNonNull(name, "name == null");
      return this;
    }

    /** Only runs labelled {@code key=value}. */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key == null"),
          Objects.requireNonNull(value, "value == null"));
      return this;
    }

    /** Only runs created in {@code [from, before)}; either may be null for no bound. */
    public Builder created(Instant from, Instant before) {
      this.createdFrom = from;
      this.createdBefore = before;
      return this;
    }

    /** At most {@code limit} runs per page (1 to {@link #MAX_LIMIT}; default 100). */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /** Start after {@code cursor}, a {@link RunPage#next()}. */
    public Builder cursor(String cursor) {
      this.cursor = cursor;
      return this;
    }

    /**
     * The query.
     *
     * @throws IllegalArgumentException if the limit is out of range
     */
    public RunQuery build() {
      return new RunQuery(statuses, workflowName, labels, createdFrom, createdBefore, limit,
          cursor);
    }
  }
}
