package dev.fancy.journal;

/**
 * What a journal's writer did since the journal was opened in this process, and how much work
 * waits for it now.
 *
 * @param transactions transactions committed
 * @param units units of work those transactions held (a step attempt's begin or commit, a run's
 *     creation or end, a lease renewal); {@code units / transactions} is the group-commit batch
 * @param largestBatch the most units one transaction held
 * @param busyRetries how often a transaction waited for another process's write lock and retried
 * @param queueDepth units of work submitted to the writer and not yet committed (or failed) when
 *     the statistics were read: waiting in its queue (bounded by
 *     {@link JournalOptions#writeQueueCapacity()}), riding along with the next transaction (such
 *     as events), or in a transaction under way; a gauge, unlike the counters above
 */
public record JournalStatistics(long transactions, long units, long largestBatch,
    long busyRetries, long queueDepth) {

  /** Units per committed transaction, 0 before the first. */
  public double unitsPerTransaction() {
    return transactions == 0 ? 0 : (double) units / transactions;
  }
}
