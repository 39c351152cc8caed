package dev.fancy.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.registry.StepRegistry;
import dev.fancy.server.FancyServer;
import dev.fancy.server.ServerOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The workflow service under load: 1,000 runs of the tracker's 3-step example (durations 0)
 * created by 16 concurrent HTTP clients while 100 Server-Sent Events clients watch them (each
 * watches every 100th run, from its first event), in rounds of that load: warm-up rounds until
 * the JIT has settled (as JMH's warm-up iterations: until the JIT compilers' time in a round,
 * which {@code CompilationMXBean} counts as wall time, is under a tenth of the process's CPU time
 * in it, two rounds in a row, at most 60 rounds; on a 2-core VM that took 32 to 42 rounds, and
 * POST p99 fell from about 200 ms in round 1 to 50-60 ms in round 10 and 30-45 ms once settled),
 * or {@code -Dwarmup=N} rounds exactly (to compare two builds on equal terms; also what to use
 * where the process's CPU time cannot be read, which makes the share unknown and the warm-up run
 * all 60 rounds); then {@code -Drounds=N} measured rounds (default 5), the steady state the
 * targets are for. Prints per round runs/s accepted and completed, p50/p99 latency of
 * {@code POST /workflows/{id}/runs}, errors, events seen and streams lost (a watched stream whose
 * ids are not 1..N ending with {@code run_finished}), p50/p99 event lag (from an event's
 * {@code at} to its arrival at the watcher, for events after the stream opened), the JIT
 * compilers' time in the round and the process's CPU time per run; then the medians of the
 * measured rounds; then heap after GC and live threads before the first round and after the last
 * (after: once the count is back within 2 of the baseline, or 30 s after the last run finished;
 * the seconds that took, and the thread names whose counts changed). Targets on a 2-core machine:
 * POST p99 under 50 ms, no errors, nothing lost, heap within 10% of the baseline, threads back to
 * baseline +-2.
 *
 * <pre>
 * java [-Dwarmup=N] [-Drounds=5] [-Dworkers=64] -cp benchmarks/target/benchmarks.jar \
 *     dev.fancy.benchmarks.ServerLoad [runs] [watchers]
 * </pre>
 */
public final class ServerLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKFLOW = """
      {"name": "etl", "steps": [
        {"id": "fetch", "type": "task", "config": {"action": "fetch"}},
        {"id": "transform", "type": "task", "depends_on": ["fetch"]},
        {"id": "load", "type": "task", "depends_on": ["transform"]}]}
      """;

  /**
   * Rounds of the same load run before the measured ones: {@code -Dwarmup=N}; unset (-1), until
   * the JIT settles ({@link #SETTLED_JIT_SHARE}, {@link #SETTLED_ROUNDS}, {@link #MAX_WARMUP}).
   */
  private static final int WARMUP = Integer.getInteger("warmup", -1);
  /** The most warm-up rounds waiting for the JIT to settle. */
  private static final int MAX_WARMUP = 60;
  /**
   * The JIT has settled when its time in a round (wall time of its compile tasks) is under this
   * share of the process's CPU time in the round...
   */
  private static final double SETTLED_JIT_SHARE = 0.10;
  /** ...this many rounds in a row. */
  private static final int SETTLED_ROUNDS = 2;
  /** Rounds measured after the warm-up: {@code -Drounds=N}, default 5. */
  private static final int ROUNDS = Math.max(1, Integer.getInteger("rounds", 5));
  /** The durable engine's worker threads: {@code -Dworkers=N}, default the engine's 64. */
  private static final int WORKERS = Integer.getInteger("workers", 64);

  private ServerLoad() {}

  /**
   * Runs the benchmark; {@code args[0]} is the number of runs (default 1,000), {@code args[1]}
   * the number of SSE clients (default 100).
   */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int posters = 16;
    int watchers = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path dir = Files.createTempDirectory("fancy-server-load");
    Path file = dir.resolve("journal.db");
    // Every client is a blocking HttpURLConnection on its own thread, keeping its connection
    // alive between requests (the JDK keeps 5 per server unless told). The clients share the two
    // cores with the server: the JDK's HttpClient hands each request between three threads, and
    // that, with compiling its code, took a tenth of the machine from the server.
    System.setProperty("http.maxConnections", "256");
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal)
            .registry(StepRegistry.loadDefault()).workerThreads(WORKERS).open();
        FancyServer server = FancyServer.builder().engine(engine)
            .options(ServerOptions.DEFAULT.withPort(0).withJournal(file)).start()) {
      URI base = server.uri();
      String workflowId = JSON.readTree(send(base, "POST", "/workflows", WORKFLOW).body())
          .get("id").asText();
      // Warm up: a few runs end to end, then the baseline.
      for (int i = 0; i < 20; i++) {
        send(base, "POST", "/workflows/" + workflowId + "/runs", null);
      }
      awaitAll(base);
      // The baseline once the warm-up's idle threads are gone (10 s idle timeouts), as after.
      Thread.sleep(12_000);
      long heapBefore = heapAfterGc();
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      Map<String, Integer> namesBefore = threadNames();

      // Warm-up rounds first, as JMH's warm-up iterations: on a 2-core VM the JIT compilers still
      // took over a second of every round until round 25 or so (large methods of Jetty, Javalin,
      // Jackson, the JDK's HTTP client and the engine, compiled one by one on saturated cores),
      // and the CPU per run fell by 40% between rounds 10 and 32. Every round is printed, so the
      // convergence shows; the targets are for the measured rounds.
      List<Round> rounds = new ArrayList<>();
      int calm = 0;
      while (WARMUP >= 0 ? rounds.size() < WARMUP
          : calm < SETTLED_ROUNDS && rounds.size() < MAX_WARMUP) {
        Round round = round(base, workflowId, runs, posters, watchers);
        rounds.add(round);
        calm = round.jitShare() < SETTLED_JIT_SHARE ? calm + 1 : 0;
      }
      int warmups = rounds.size();
      for (int r = 0; r < ROUNDS; r++) {
        rounds.add(round(base, workflowId, runs, posters, watchers));
      }
      // The server lets idle request threads go after 10 s, the engine its idle workers after
      // 10 s: wait until the count is back within 2 of the baseline, or 30 s.
      long quiet = System.nanoTime();
      while (ManagementFactory.getThreadMXBean().getThreadCount() > threadsBefore + 2
          && System.nanoTime() - quiet < Duration.ofSeconds(30).toNanos()) {
        Thread.sleep(250);
      }
      double settled = (System.nanoTime() - quiet) / 1e9;
      long heapAfter = heapAfterGc();
      int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
      Map<String, Integer> grown = new TreeMap<>();
      threadNames().forEach((name, count) -> {
        int more = count - namesBefore.getOrDefault(name, 0);
        if (more != 0) {
          grown.put(name, more);
        }
      });

      System.out.printf(Locale.ROOT, "runs %d per round, %d POST clients, %d SSE clients, "
          + "%d cores%n", runs, posters, watchers, Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "%-12s %10s %10s %9s %9s %7s %8s %5s %9s %9s %8s %8s%n",
          "round", "accepted/s", "completed/s", "p50 ms", "p99 ms", "errors", "events", "lost",
          "lag p50", "lag p99", "JIT ms", "CPU µs/run");
      List<String> lost = new ArrayList<>();
      for (int r = 0; r < rounds.size(); r++) {
        Round round = rounds.get(r);
        System.out.printf(Locale.ROOT,
            "%-12s %10.0f %10.0f %9.1f %9.1f %7d %8d %5d %9.1f %9.1f %8d %8.0f%n",
            r < warmups ? "warm-up " + (r + 1) : "measured " + (r - warmups + 1),
            round.accepted(), round.completed(), round.p50(), round.p99(),
            round.errors(), round.events(), round.lost().size(), round.lag50(), round.lag99(),
            round.jitMillis(), round.cpuMicrosPerRun());
        lost.addAll(round.lost());
      }
      System.out.println(WARMUP >= 0 ? "warm-up: " + warmups + " rounds (-Dwarmup)"
          : calm >= SETTLED_ROUNDS ? "warm-up: " + warmups + " rounds, until the JIT's time was"
              + " under " + Math.round(SETTLED_JIT_SHARE * 100) + "% of the CPU time "
              + SETTLED_ROUNDS + " rounds in a row"
          : "warm-up: stopped after " + warmups + " rounds WITHOUT the JIT settling: the"
              + " measured rounds are not steady");
      List<Round> measured = rounds.subList(warmups, rounds.size());
      System.out.printf(Locale.ROOT, "measured median: POST p50 %.1f ms, p99 %.1f ms, %.0f runs/s "
          + "accepted; event lag p50 %.1f ms, p99 %.1f ms; CPU %.0f µs per run; errors %d, "
          + "streams lost %d %s%n",
          median(measured.stream().mapToDouble(Round::p50)),
          median(measured.stream().mapToDouble(Round::p99)),
          median(measured.stream().mapToDouble(Round::accepted)),
          median(measured.stream().mapToDouble(Round::lag50)),
          median(measured.stream().mapToDouble(Round::lag99)),
          median(measured.stream().mapToDouble(Round::cpuMicrosPerRun)),
          measured.stream().mapToInt(Round::errors).sum(), lost.size(),
          lost.stream().limit(3).toList());
      System.out.printf(Locale.ROOT, "heap after GC %8.1f MB before, %.1f MB after (%+.1f%%)%n",
          heapBefore / 1e6, heapAfter / 1e6, 100.0 * (heapAfter - heapBefore) / heapBefore);
      System.out.printf(Locale.ROOT, "threads       %8d before, %d after %.1f s %s%n",
          threadsBefore, threadsAfter, settled,
          grown.isEmpty() ? "" : "(more or fewer by name: " + grown + ")");
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  /** The CPU time of this process so far, in nanoseconds (all its threads). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The median of {@code values}: the mean of the middle two of an even count. */
  private static double median(java.util.stream.DoubleStream values) {
    double[] sorted = values.sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * What one round of the load measured: figures only, so that the rounds kept for the report
   * add next to nothing to the heap measured after the last one.
   *
   * @param p50 the median POST latency, in milliseconds; {@code p99} its 99th percentile
   * @param lag50 the median event lag (how late events reached their watchers), in milliseconds;
   *     {@code lag99} its 99th percentile
   * @param jitMillis the JIT compilers' time in the round (all compiler threads together,
   *     {@code CompilationMXBean.getTotalCompilationTime}), in milliseconds: near 0 once warm
   * @param cpuMicrosPerRun the process's CPU time in the round (server, clients, JIT and GC
   *     together) per run, in microseconds: steadier than the latencies on a noisy machine, so
   *     what two builds' comparison should rest on
   * @param jitShare the JIT compilers' time (wall time) over the process's CPU time in the round;
   *     NaN or infinite where the process's CPU time cannot be read
   */
  private record Round(double accepted, double completed, double p50, double p99, int errors,
      long events, List<String> lost, double lag50, double lag99, long jitMillis,
      double cpuMicrosPerRun, double jitShare) {

    /** The {@code p}th percentile of {@code sorted} nanoseconds, in milliseconds. */
    static double percentile(long[] sorted, int p) {
      return sorted.length == 0 ? Double.NaN
          : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p / 100.0))] / 1e6;
    }
  }

  /**
   * {@code runs} runs posted by {@code posters} clients while {@code watchers} SSE clients each
   * follow every {@code watchers}-th run; returns once every run finished and every stream
   * ended.
   */
  private static Round round(URI base, String workflowId, int runs, int posters,
      int watchers) throws Exception {
    // Each watcher waits for the IDs of its runs here; an ID that never came (an error) is
    // null. (Watchers that spun on a plain array took most of the 2 cores from the server.)
    List<CompletableFuture<String>> runIds = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      runIds.add(new CompletableFuture<>());
    }
    long[] latencies = new long[runs];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(posters + watchers);
    long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    long cpuBefore = processCpuNanos();
    long start = System.nanoTime();
    List<Future<?>> posting = new ArrayList<>();
    for (int p = 0; p < posters; p++) {
      posting.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < runs; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          try {
            Response r = send(base, "POST", "/workflows/" + workflowId
                + "/runs", null);
            latencies[i] = System.nanoTime() - t0;
            if (r.statusCode() != 202) {
              errors.incrementAndGet();
              runIds.get(i).complete(null);
            } else {
              runIds.get(i).complete(JSON.readTree(r.body()).get("id").asText());
            }
          } catch (Exception e) {
            errors.incrementAndGet();
            runIds.get(i).complete(null);
          }
        }
        return null;
      }));
    }
    AtomicLong events = new AtomicLong();
    ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();
    List<Future<?>> watching = new ArrayList<>();
    for (int w = 0; w < watchers; w++) {
      int first = w;
      watching.add(pool.submit(() -> {
        for (int i = first; i < runs; i += watchers) {
          String runId = runIds.get(i).get();
          if (runId == null) {
            continue;
          }
          long seen = watch(base, runId, lost, lags);
          events.addAndGet(seen);
        }
        return null;
      }));
    }
    for (Future<?> f : posting) {
      f.get();
    }
    long accepted = System.nanoTime() - start;
    awaitAll(base);
    long completed = System.nanoTime() - start;
    for (Future<?> f : watching) {
      f.get();
    }
    pool.shutdown();
    Arrays.sort(latencies);
    long[] sortedLags = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
    double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3;
    return new Round(runs / (accepted / 1e9), runs / (completed / 1e9),
        Round.percentile(latencies, 50), Round.percentile(latencies, 99), errors.get(),
        events.get(), List.copyOf(lost), Round.percentile(sortedLags, 50),
        Round.percentile(sortedLags, 99), jit, cpuMicros / runs, jit * 1e3 / cpuMicros);
  }

  /** Reads one run's event stream to its end; returns the events seen, records a gap. */
  private static long watch(URI base, String runId, ConcurrentLinkedQueue<String> lost,
      ConcurrentLinkedQueue<Long> lags) throws Exception {
    var connection = (java.net.HttpURLConnection) base.resolve("/runs/" + runId + "/events")
        .toURL().openConnection();
    connection.setReadTimeout(30_000);
    connection.connect();
    java.time.Instant connected = java.time.Instant.now();
    long expected = 1;
    boolean finished = false;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        connection.getInputStream(), StandardCharsets.UTF_8))) {
      // The server sends a comment every 15 s, so a stream that never ends still gives a line
      // to check the deadline at.
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (System.nanoTime() > deadline) {
          lost.add(runId + " stream still open after 2 minutes");
          break;
        }
        if (line.startsWith("id: ")) {
          long id = Long.parseLong(line.substring(4));
          if (id != expected) {
            lost.add(runId + " expected " + expected + " got " + id);
          }
          expected = id + 1;
        } else if (line.equals("event: run_finished")) {
          finished = true;
        } else if (line.startsWith("data: ")) {
          // How late the event reached this watcher: from when it happened in the engine (its
          // "at"), for events that happened after the stream opened (not the replayed ones).
          int at = line.indexOf("\"at\":\"");
          if (at >= 0) {
            java.time.Instant happened = java.time.Instant.parse(
                line.substring(at + 6, line.indexOf('"', at + 6)));
            if (happened.isAfter(connected)) {
              lags.add(Duration.between(happened, java.time.Instant.now()).toNanos());
            }
          }
        }
      }
    }
    if (!finished) {
      lost.add(runId + " ended without run_finished");
    }
    return expected - 1;
  }

  /**
   * Waits until the server has no PENDING or RUNNING run: one small page per look (counting the
   * finished runs paged through every run served so far, 24 pages after 12 rounds, and slowed
   * the rounds' ends more each round).
   */
  private static void awaitAll(URI base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode page = JSON.readTree(send(base, "GET", "/runs?status=PENDING,RUNNING"
          + "&limit=1", null).body());
      if (page.get("runs").isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("runs did not finish in 5 minutes");
  }

  /** A response's status code and body. */
  private record Response(int statusCode, String body) {}

  /**
   * Sends one request on this thread and reads the whole response, so that the connection goes
   * back to the JDK's keep-alive cache for the thread's next request.
   */
  private static Response send(URI base, String method, String path, String body)
      throws Exception {
    var connection = (java.net.HttpURLConnection) base.resolve(path).toURL().openConnection();
    connection.setConnectTimeout(30_000);
    connection.setReadTimeout(30_000);
    connection.setRequestMethod(method);
    if (body != null) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setFixedLengthStreamingMode(bytes.length);
      try (var out = connection.getOutputStream()) {
        out.write(bytes);
      }
    } else if (method.equals("POST")) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(0);
      connection.getOutputStream().close();
    }
    int status = connection.getResponseCode();
    try (var in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      return new Response(status, in == null ? ""
          : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Live threads by name without its numbers ("fancy-http-25" counts as "fancy-http-"). */
  private static Map<String, Integer> threadNames() {
    Map<String, Integer> names = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      names.merge(thread.getName().replaceAll("[0-9]+", "").replaceAll("@.*", ""), 1,
          Integer::sum);
    }
    return names;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
