package dev.fancy.cli;

import dev.fancy.config.Config;
import dev.fancy.config.SweepResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A sweep's progress: a progress bar (me.tongfei:progressbar) when standard output is a
 * terminal, one plain line per finished config otherwise (logs, pipes, CI).
 */
final class Progress implements AutoCloseable {
  private final PrintWriter out;
  private final ProgressBar bar;
  private final long total;
  private final AtomicLong done = new AtomicLong();

  private final Config base;

  private Progress(PrintWriter out, ProgressBar bar, long total, Config base) {
    this.base = base;
    this.out = out;
    this.bar = bar;
    this.total = total;
  }

  /**
   * Starts the progress of {@code total} configs ({@code -1} if unknown); lines show what each
   * config changes from {@code base}.
   */
  static Progress start(PrintWriter out, String task, long total, Config base) {
    if (System.console() != null && !"dumb".equals(System.getenv("TERM"))) {
      ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).build();
      return new Progress(out, bar, total, base);
    }
    return new Progress(out, null, total, base);
  }

  /** One config ended. */
  synchronized void row(SweepResult.Row row) {
    long n = done.incrementAndGet();
    if (bar != null) {
      bar.step();
      bar.setExtraMessage(row.status() == SweepResult.Status.SUCCEEDED ? "" : "#" + row.index()
          + " " + row.status());
      return;
    }
    out.printf(Locale.ROOT, "[%d/%s] #%d %s in %.1f ms : %s%s%n", n,
        total < 0 ? "?" : Long.toString(total), row.index(), row.status(),
        row.duration().toNanos() / 1e6, Printing.overrides(row.config(), base),
        row.error() == null ? "" : " (" + row.error() + ")");
    out.flush();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
