package dev.fancy.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the table of docs/performance.md from a {@link PeerBenchmark} result file (JMH's
 * {@code -rf json}): for each graph and side the median of all measured iterations (every fork),
 * JMH's mean with its 99.9% error, the median per step, and the ratios the issue sets targets
 * for. A ratio's error is that of the two means propagated (relative errors added in
 * quadrature); it is an interval of the ratio of means, the median ratio is printed beside it.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.PeerReport peer.json</pre>
 */
public final class PeerReport {

  private PeerReport() {}

  /** One side's measurement of one graph, in microseconds per run. */
  record Score(double median, double mean, double error) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: PeerReport <JMH result file from -rf json>");
    }
    JsonNode results;
    try {
      results = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no JMH result file " + args[0]
          + ": run PeerBenchmark with -rf json -rff " + args[0] + " first", e);
    }
    Map<String, Map<String, Score>> byShape = new LinkedHashMap<>();
    for (JsonNode result : results) {
      String benchmark = result.get("benchmark").asText();
      if (!benchmark.startsWith(PeerBenchmark.class.getName() + ".")) {
        continue;
      }
      String side = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      JsonNode params = result.path("params");
      if (params.has("sync")) {
        side += " " + params.get("sync").asText();
      }
      JsonNode metric = result.get("primaryMetric");
      List<Double> iterations = new ArrayList<>();
      for (JsonNode fork : metric.get("rawData")) {
        fork.forEach(value -> iterations.add(value.asDouble()));
      }
      byShape.computeIfAbsent(params.get("shape").asText(), k -> new LinkedHashMap<>())
          .put(side, new Score(median(iterations), metric.get("score").asDouble(),
              metric.get("scoreError").asDouble()));
    }
    if (byShape.isEmpty()) {
      throw new IllegalArgumentException(args[0] + " holds no PeerBenchmark results");
    }
    System.out.println("| graph | side | median µs/run | mean ± 99.9% µs/run | median µs/step |");
    System.out.println("|---|---|---|---|---|");
    byShape.forEach((shape, sides) -> sides.forEach((side, score) -> System.out.printf(
        Locale.ROOT, "| %s | %s | %,.1f | %,.1f ± %,.1f | %,.2f |%n", shape, side, score.median,
        score.mean, score.error, score.median / steps(shape))));
    System.out.println();
    System.out.println("| graph | ratio | of medians | of means ± error |");
    System.out.println("|---|---|---|---|");
    byShape.forEach((shape, sides) -> {
      ratio(shape, sides, "fancyTemporal", "handWrittenTemporal");
      ratio(shape, sides, "fancyInMemory", "completableFutures");
      ratio(shape, sides, "fancyInMemory", "daggerProducers");
      ratio(shape, sides, "fancyDurable FULL", "handWrittenTemporal");
      ratio(shape, sides, "fancyDurable NORMAL", "handWrittenTemporal");
    });
  }

  /** Steps of a graph: {@code chain-N} has N, {@code fanout-N} N + 2 (root and join). */
  static int steps(String shape) {
    int n = Integer.parseInt(shape.substring(shape.indexOf('-') + 1));
    return shape.startsWith("fanout") ? n + 2 : n;
  }

  private static void ratio(String shape, Map<String, Score> sides, String a, String b) {
    Score x = sides.get(a);
    Score y = sides.get(b);
    if (x == null || y == null) {
      return;
    }
    double ratio = x.mean / y.mean;
    double error = ratio * Math.hypot(x.error / x.mean, y.error / y.mean);
    System.out.printf(Locale.ROOT, "| %s | %s / %s | %.3f | %.3f ± %.3f |%n", shape, a, b,
        x.median / y.median, ratio, error);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
