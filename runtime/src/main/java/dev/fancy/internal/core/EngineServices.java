package dev.fancy.internal.core;

import dev.fancy.cache.StepCache;
import dev.fancy.frame.Resources;
import dev.fancy.run.AttemptInterceptor;
import dev.fancy.run.RunListener;
import dev.fancy.store.DatumStore;
import dev.fancy.value.ValueCodec;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What every run of one engine shares: where steps run, where values and cached results go, the
 * plugins and listeners, resources, the threads that run attempts with a timeout, and the threads
 * of control-flow child runs (a cached pool, so a control step waiting for its children can never
 * starve them of workers), the ticker that wakes steps after a retry's backoff and ends a
 * stopped run's grace, and the count of attempts given up on whose code still runs.
 *
 * @param values the configured store for {@code VALUE} and {@code COMPOSITE} cells, or null to
 *     keep them in each run ({@link RunValues})
 */
record EngineServices(Executor executor, int maxConcurrency, DatumStore values,
    DatumStore references, StepCache cache, ValueCodec codec, Resources resources,
    List<AttemptInterceptor> interceptors, List<RunListener> listeners,
    TimedAttempts timedAttempts, Supplier<ExecutorService> flowThreads,
    Ticker ticker, SingleFlight flights, Lingering lingering) {

  /** These services with a child run's steps run one at a time on the thread that starts it. */
  EngineServices inline() {
    return new EngineServices(Runnable::run, 1, values, references, cache, codec, resources,
        interceptors, listeners, timedAttempts, flowThreads, ticker, flights, lingering);
  }

  /** These services with child runs' steps on the flow threads, which never run out. */
  EngineServices forChildren() {
    return new EngineServices(flowThreads.get(), maxConcurrency, values, references, cache, codec,
        resources, interceptors, listeners, timedAttempts, flowThreads, ticker, flights,
        lingering);
  }
}
