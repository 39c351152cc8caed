package dev.fancy.benchmarks;

import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.StepRecord;
import dev.fancy.value.Blob;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A large {@link Blob} through two steps of the durable engine, and the same bytes moved by hand
 * on the same disk, in one run: MB/s of each. {@code blob.make} writes {@code size} pseudo-random
 * bytes through {@link Blob#write} (spooled to a temporary file while hashed); the journal copies
 * them into its value directory and forces them to disk before the step commits;
 * {@code blob.digest} streams them back (checked against the SHA-256) and hashes them itself. The
 * baseline does the same work without Fancy: write and hash a temporary file, copy it with a
 * forced write, read and hash the copy. Not run in CI; a 64 MiB heap shows nothing is held whole:
 *
 * <pre>java -Xmx64m -cp benchmarks/target/benchmarks.jar dev.fancy.benchmarks.LargeBlobThroughput [MiB] [dir]</pre>
 *
 * <p>Defaults: 1024 MiB, journal under {@code target/large-blob/} (deleted before and after).
 */
public final class LargeBlobThroughput {
  private LargeBlobThroughput() {}

  private static final ValueType<Long> LONG = ValueType.of(Long.class);
  private static final ValueType<Blob> BLOB = ValueType.of(Blob.class);
  private static final ValueType<String> STRING = ValueType.of(String.class);

  private static final class One extends WorkflowStep {
    One(String slug, ValueType<?> in, ValueType<?> out, Cell<?> input) {
      super(slug, 1, contract(in, out), input);
    }
  }

  private static Contract contract(ValueType<?> in, ValueType<?> out) {
    return Contract.of(List.of(Port.of("a", in)), List.of(Port.of("out", out)));
  }

  /** Entry point; prints figures and exits non-zero if a digest is wrong. */
  public static void main(String[] args) throws Exception {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    Path dir = Path.of(args.length > 1 ? args[1] : "target/large-blob").toAbsolutePath();
    long size = mib << 20;
    delete(dir);
    Files.createDirectories(dir);

    // baseline: the same bytes moved by hand
    long t0 = System.nanoTime();
    Path spool = dir.resolve("baseline.spool");
    MessageDigest written = sha256();
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(spool), written)) {
      write(size, out);
    }
    long t1 = System.nanoTime();
    Path copy = dir.resolve("baseline.copy");
    copyForced(spool, copy);
    long t2 = System.nanoTime();
    String baselineDigest = digest(Files.newInputStream(copy));
    long t3 = System.nanoTime();
    Files.delete(spool);
    Files.delete(copy);
    String expected = HexFormat.of().formatHex(written.digest());
    if (!baselineDigest.equals(expected)) {
      fail("baseline digest " + baselineDigest + " != " + expected);
    }

    // Fancy: size → blob.make → blob.digest on a durable engine
    StepRegistry registry = StepRegistry.empty()
        .register(new StepDefinition("blob.make", 1, "", contract(LONG, BLOB),
            (frame, a) -> new Object[] {Blob.write(out -> write((Long) a[0], out))}))
        .register(new StepDefinition("blob.digest", 1, "", contract(BLOB, STRING),
            (frame, a) -> new Object[] {digest(((Blob) a[0]).openStream())}));
    Cell<Long> sizeCell = Cell.input("size", Long.class);
    One make = new One("blob.make", LONG, BLOB, sizeCell);
    One check = new One("blob.digest", BLOB, STRING, make.outputCells().get(0));
    Workflow workflow = Workflow.of("large-blob", check.outputCells().get(0));
    RunResult result;
    long r0;
    long r1;
    try (Journal journal = Journal.open(dir.resolve("journal.db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(registry).open()) {
      r0 = System.nanoTime();
      result = engine.run(workflow, Inputs.of(sizeCell, size));
      r1 = System.nanoTime();
    }
    Object digest = result.get(check.outputCells().get(0));
    if (!expected.equals(digest)) {
      fail("the consumer saw " + digest + ", expected " + expected + " (" + result.status()
          + ")");
    }
    double makeMs = 0;
    double digestMs = 0;
    for (StepRecord step : result.history()) {
      if (step.slug().equals("blob.make")) {
        makeMs = step.duration().toNanos() / 1e6;
      } else {
        digestMs = step.duration().toNanos() / 1e6;
      }
    }
    System.out.printf(Locale.ROOT, "blob                          %,d MiB, max heap %,d MiB%n",
        mib, Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "baseline write+hash spool     %,8.0f ms  %,7.1f MB/s%n",
        ms(t0, t1), mbps(size, t1 - t0));
    System.out.printf(Locale.ROOT, "baseline copy + fsync         %,8.0f ms  %,7.1f MB/s%n",
        ms(t1, t2), mbps(size, t2 - t1));
    System.out.printf(Locale.ROOT, "baseline read+hash            %,8.0f ms  %,7.1f MB/s%n",
        ms(t2, t3), mbps(size, t3 - t2));
    System.out.printf(Locale.ROOT, "baseline total                %,8.0f ms  %,7.1f MB/s%n",
        ms(t0, t3), mbps(size, t3 - t0));
    System.out.printf(Locale.ROOT, "fancy blob.make (spool+store) %,8.0f ms  %,7.1f MB/s%n",
        makeMs, size / 1e6 / (makeMs / 1e3));
    System.out.printf(Locale.ROOT, "fancy blob.digest (checked)   %,8.0f ms  %,7.1f MB/s%n",
        digestMs, size / 1e6 / (digestMs / 1e3));
    System.out.printf(Locale.ROOT, "fancy run total               %,8.0f ms  %,7.1f MB/s%n",
        ms(r0, r1), mbps(size, r1 - r0));
    System.out.printf(Locale.ROOT, "ratio fancy/baseline (time)   %.2f%n",
        (double) (r1 - r0) / (t3 - t0));
    delete(dir);
  }

  private static void write(long size, OutputStream out) throws IOException {
    SplittableRandom random = new SplittableRandom(size);
    byte[] block = new byte[1 << 16];
    for (long left = size; left > 0; left -= block.length) {
      random.nextBytes(block);
      out.write(block, 0, (int) Math.min(block.length, left));
    }
  }

  private static void copyForced(Path from, Path to) throws IOException {
    try (InputStream in = Files.newInputStream(from);
        FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, n);
        while (wrapped.hasRemaining()) {
          out.write(wrapped);
        }
      }
      out.force(true);
    }
  }

  private static String digest(InputStream stream) {
    MessageDigest digest = sha256();
    try (InputStream in = stream) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }

  private static double mbps(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(1);
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
