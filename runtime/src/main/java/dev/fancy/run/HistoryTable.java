package dev.fancy.run;

import dev.fancy.frame.Usage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * A run's history as a plain-text table: one line per step in workflow order, with the child
 * runs of control-flow steps (map elements, iterations, branches) and their steps indented below
 * them. Columns: step (slug, or child label), status, attempts, duration, cost (when any step
 * reported one), and a note (the error, why it was skipped, a cache hit or a fallback).
 */
final class HistoryTable {
  private HistoryTable() {}

  static String of(List<StepRecord> history) {
    boolean costs = hasCost(history);
    StringBuilder table = new StringBuilder();
    row(table, costs, "step", "status", "attempts", "duration", "cost", "note");
    append(table, history, 0, costs);
    return table.toString();
  }

  private static boolean hasCost(List<StepRecord> steps) {
    for (StepRecord step : steps) {
      if (step.usage().cost().signum() > 0) {
        return true;
      }
    }
    return false;
  }

  private static void append(StringBuilder table, List<StepRecord> steps, int depth,
      boolean costs) {
    String indent = "  ".repeat(depth);
    for (StepRecord step : steps) {
      row(table, costs, cut(indent + step.slug(), 36), step.status(), step.attempts().size(),
          String.format(Locale.ROOT, "%.2f ms", step.duration().toNanos() / 1e6),
          cost(step.usage()), note(step));
      for (ChildRun child : step.children()) {
        row(table, costs, cut(indent + "  " + child.label(), 36),
            child.status() == null ? "NOT RUN" : child.status(), "", "", cost(child.usage()),
            child.note() == null ? "" : child.note());
        append(table, child.steps(), depth + 2, costs);
      }
    }
  }

  /** One line; the cost column only if some step had a cost. */
  private static void row(StringBuilder table, boolean costs, String step, Object status,
      Object attempts, String duration, String cost, String note) {
    table.append(String.format(Locale.ROOT, "%-36s %-10s %8s %12s%s  %s", step, status, attempts,
        duration, costs ? String.format(Locale.ROOT, " %10s", cost) : "", note).stripTrailing())
        .append(System.lineSeparator());
  }

  private static String note(StepRecord step) {
    if (step.cacheHit()) {
      return "cache hit";
    }
    if (step.fallbackUsed()) {
      return "from its fallback";
    }
    String checkpoints = step.checkpoints() == 0 ? ""
        : step.checkpoints() + (step.checkpoints() == 1 ? " checkpoint" : " checkpoints");
    if (step.error() == null) {
      return checkpoints;
    }
    return checkpoints.isEmpty() ? step.error().message()
        : checkpoints + "; " + step.error().message();
  }

  private static String cost(Usage usage) {
    BigDecimal cost = usage.cost();
    return cost.signum() == 0 ? "" : cost.toPlainString();
  }

  private static String cut(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 3) + "...";
  }
}
