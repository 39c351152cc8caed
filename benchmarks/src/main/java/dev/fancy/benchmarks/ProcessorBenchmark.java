package dev.fancy.benchmarks;

import dev.fancy.processor.StepModuleIndexProcessor;
import dev.fancy.processor.StepProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * What the annotation processor adds to a build: javac compiles one class with {@code steps}
 * {@code @Step} methods (three parameters each) with Fancy's processors, and without any
 * ({@code -proc:none}), alternately, in this JVM; prints the median of each, their difference
 * (the processor's cost: validating, generating and compiling the generated code) and the size of
 * the generated source.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.ProcessorBenchmark [steps] [rounds]</pre>
 */
public final class ProcessorBenchmark {
  private ProcessorBenchmark() {}

  /** Entry point: defaults to 1,000 steps and 7 measured rounds after 3 warm-up rounds. */
  public static void main(String[] args) throws IOException {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path dir = Files.createTempDirectory("fancy-processor-bench");
    Path source = dir.resolve("src/bench/Many.java");
    Files.createDirectories(source.getParent());
    StringBuilder code = new StringBuilder("package bench;\nimport dev.fancy.annotations.Step;\n"
        + "import java.util.List;\npublic final class Many {\n");
    for (int i = 0; i < steps; i++) {
      code.append("  @Step public static int step").append(i)
          .append("(int a, String b, List<Double> c) { return a + b.length() + c.size(); }\n");
    }
    Files.writeString(source, code.append("}\n"), StandardCharsets.UTF_8);
    List<Double> with = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    long generated = 0;
    for (int round = -3; round < rounds; round++) {
      double plain = compile(source, dir.resolve("plain"), false);
      double processed = compile(source, dir.resolve("processed"), true);
      if (round >= 0) {
        without.add(plain);
        with.add(processed);
      }
      generated = size(dir.resolve("processed-generated"));
    }
    double withMedian = median(with);
    double withoutMedian = median(without);
    System.out.printf(Locale.ROOT, "%,d steps x 3 parameters, %d rounds: javac %.2f s without "
            + "the processor, %.2f s with it: %.2f s added; generated source %,d bytes "
            + "(%,d per step)%n", steps, rounds, withoutMedian, withMedian,
        withMedian - withoutMedian, generated, generated / steps);
  }

  /** Seconds javac takes to compile {@code source} into {@code out}. */
  private static double compile(Path source, Path out, boolean processors) throws IOException {
    clean(out);
    Path generated = out.resolveSibling(out.getFileName() + "-generated");
    clean(generated);
    Files.createDirectories(out);
    Files.createDirectories(generated);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    long start = System.nanoTime();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      List<String> options = new ArrayList<>(List.of("--release", "17", "-d", out.toString(),
          "-s", generated.toString(), "-cp", System.getProperty("java.class.path")));
      if (!processors) {
        options.add("-proc:none");
      }
      JavaCompiler.CompilationTask task = javac.getTask(null, files, null, options, null,
          files.getJavaFileObjectsFromPaths(List.of(source)));
      if (processors) {
        task.setProcessors(List.of(new StepProcessor(), new StepModuleIndexProcessor()));
      }
      if (!task.call()) {
        throw new IllegalStateException("compilation failed");
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static void clean(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
