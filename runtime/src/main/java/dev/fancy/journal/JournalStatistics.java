package dev.fancy.journal;

/**
 * What a journal's writer did since the journal was opened in this process.
 *
 * @param transactions transactions committed
 * @param units units of work those transactions held (a step attempt's begin or commit, a run's
 *     creation or end, a lease renewal); {@code units / transactions} is the group-commit batch
 * @param largestBatch the most units one transaction held
 * @param busyRetries how often a transaction waited for another process's write lock and retried
 */
public record JournalStatistics(long transactions, long units, long largestBatch,
    long busyRetries) {

  /** Units per committed transaction, 0 before the first. */
  public double unitsPerTransaction() {
    return transactions == 0 ? 0 : (double) units / transactions;
  }
}
