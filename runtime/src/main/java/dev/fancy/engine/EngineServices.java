package dev.fancy.engine;

import dev.fancy.cache.StepCache;
import dev.fancy.frame.Resources;
import dev.fancy.store.DatumStore;
import dev.fancy.value.ValueCodec;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What every run of one engine shares: where steps run, where values and cached results go, the
 * plugins and listeners, resources, and the threads that run attempts with a timeout.
 */
record EngineServices(Executor executor, int maxConcurrency, DatumStore values,
    DatumStore references, StepCache cache, ValueCodec codec, Resources resources,
    List<AttemptInterceptor> interceptors, List<RunListener> listeners,
    Supplier<ExecutorService> timedAttempts) {}
