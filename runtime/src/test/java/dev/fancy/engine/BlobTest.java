package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.journal.JournalException;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.Blob;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large values through the durable engine: a {@link Blob} is stored as raw bytes next to the
 * journal (not as JSON), read back lazily and checked against its SHA-256; crashes while it is
 * stored leave no half value.
 */
class BlobTest {

  @TempDir Path dir;

  private static Path blobFile(Path journal, String sha256) {
    return journal.resolveSibling(journal.getFileName() + ".values").resolve("blobs")
        .resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  private static String child(Path log, Path journal, String mode, long size, String... jvm)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(jvm));
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", classPath(),
        BlobWorker.class.getName(), mode, journal.toString(), String.valueOf(size)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("child finished").isTrue();
    return process.exitValue() + "\n" + Files.readString(log);
  }

  private static String classPath() {
    String modules = System.getProperty("jdk.module.path");
    String classes = System.getProperty("java.class.path");
    return modules == null || modules.isEmpty() ? classes
        : modules + java.io.File.pathSeparator + classes;
  }

  @Test
  void twoHundredMegabytesGoThroughStepsInA64MegabyteHeap() throws Exception {
    long size = 200L << 20;
    Path journal = Path.of("target", "blob-test", "heap64.db").toAbsolutePath();
    deleteJournal(journal);
    Files.createDirectories(journal.getParent());
    Path log = journal.resolveSibling("heap64.log");
    Files.deleteIfExists(log);
    String output = child(log, journal, "run", size, "-Xmx64m");
    String expected = BlobSteps.expectedSha256(size);
    assertThat(output).startsWith("0\n").contains("digest=" + expected + " blob=" + expected
        + " size=" + size);
    Path stored = blobFile(journal, expected);
    assertThat(Files.size(stored)).as("raw bytes, not base64 JSON").isEqualTo(size);
    assertThat(JournalKit.count(journal, "SELECT MAX(LENGTH(outputs)) FROM attempts"))
        .as("rows hold references only").isLessThan(200);
    deleteJournal(journal);
  }

  @Test
  void aStepThatRunsOutOfHeapIsTheStepThatFails() throws Exception {
    Path journal = dir.resolve("oom.db");
    String output = child(dir.resolve("oom.log"), journal, "oom", 1, "-Xmx64m");
    assertThat(output).startsWith("2\n").contains("status=FAILED")
        .containsPattern("step blob.make FAILED .*OutOfMemoryError")
        .containsPattern("step blob.digest (SKIPPED|CANCELLED|PENDING)");
  }

  @Test
  void aResultTooLargeToJournalFailsTheStepThatMadeIt() throws Exception {
    Path journal = dir.resolve("oom-commit.db");
    String output = child(dir.resolve("oom-commit.log"), journal, "oom-commit", 24L << 20,
        "-Xmx64m");
    assertThat(output).startsWith("2\n").contains("status=FAILED")
        .containsPattern("step blob.make FAILED .*OutOfMemoryError")
        .containsPattern("step blob.digest SKIPPED .*'blob.make'");
  }

  @Test
  void blobsAreStoredOnceAndReadBackInAnotherEngine() throws Exception {
    long size = 3_000_000;
    Path file = dir.resolve("j.db");
    BlobSteps.Wiring w = BlobSteps.wiring();
    String expected = BlobSteps.expectedSha256(size);
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      RunResult first = engine.run(w.workflow(), Inputs.of(w.size(), size));
      RunResult second = engine.run(w.workflow(), Inputs.of(w.size(), size));
      assertThat(first.get(w.digest())).isEqualTo(expected);
      assertThat(second.get(w.digest())).isEqualTo(expected);
    }
    try (Stream<Path> files = Files.walk(file.resolveSibling("j.db.values").resolve("blobs"))) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("one copy per content")
          .containsExactly(blobFile(file, expected));
    }
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      RunResult result = engine.handle(engine.runs(dev.fancy.run.RunQuery.ALL).runs().get(0)
          .runId()).result();
      Blob blob = result.get(w.blob());
      assertThat(blob.sha256()).isEqualTo(expected);
      assertThat(blob.size()).isEqualTo(size);
      assertThat(BlobSteps.digest(blob)).isEqualTo(expected);
    }
  }

  @Test
  void theInMemoryEngineHandsTheBlobToTheNextStep() {
    long size = 1_000_000;
    BlobSteps.Wiring w = BlobSteps.wiring();
    try (Engine engine = Engine.builder().registry(BlobSteps.registry()).build()) {
      RunResult result = engine.run(w.workflow(), Inputs.of(w.size(), size));
      String expected = BlobSteps.expectedSha256(size);
      assertThat(result.get(w.digest())).isEqualTo(expected);
      assertThat(result.get(w.blob()).sha256()).isEqualTo(expected);
      assertThat(result.get(w.blob()).toString()).contains("spooled to");
    }
  }

  @Test
  void retentionDeletesTheBlobsNoRunRefersToAnyMore() throws Exception {
    BlobSteps.Wiring w = BlobSteps.wiring();
    dev.fancy.fixtures.ManualClock clock = new dev.fancy.fixtures.ManualClock(
        java.time.Instant.now());
    Path file = dir.resolve("j.db");
    String kept = BlobSteps.expectedSha256(100_000);
    String dropped = BlobSteps.expectedSha256(200_000);
    try (Journal journal = Journal.open(file, dev.fancy.journal.JournalOptions.builder()
            .clock(clock).build());
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      engine.run(w.workflow(), Inputs.of(w.size(), 100_000L)).requireSucceeded();
      engine.run(w.workflow(), Inputs.of(w.size(), 200_000L)).requireSucceeded();
      clock.advance(java.time.Duration.ofHours(3));
      // a new run reuses the first content: it keeps its blob (and makes it recent)
      engine.run(w.workflow(), Inputs.of(w.size(), 100_000L)).requireSucceeded();

      // a run that keeps a blob only in a checkpoint keeps it too
      String checkpointed = BlobSteps.expectedSha256(300_000);
      StepRegistry withCheckpoint = StepRegistry.empty().register(new StepDefinition(
          "blob.checkpoint", 1, "", BlobSteps.contract(BlobSteps.LONG, BlobSteps.STRING),
          (frame, args) -> {
            frame.checkpoint(Blob.write(out -> BlobSteps.write((Long) args[0], out)));
            return new Object[] {"checkpointed"};
          }));
      try (DurableEngine other = DurableEngine.builder(journal).registry(withCheckpoint)
          .open()) {
        Cell<Long> size = Cell.input("size", Long.class);
        BlobSteps.One<String> step = new BlobSteps.One<>("blob.checkpoint", BlobSteps.LONG,
            BlobSteps.STRING, size);
        other.run(Workflow.of("checkpoint", step.out()), Inputs.of(size, 300_000L))
            .requireSucceeded();
      }
      assertThat(blobFile(file, checkpointed)).exists();
      clock.advance(java.time.Duration.ofHours(1));
      // both blobs last written long ago, past collection's grace period
      java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
          clock.instant().minus(java.time.Duration.ofHours(2)));
      Files.setLastModifiedTime(blobFile(file, checkpointed), old);
      Files.setLastModifiedTime(blobFile(file, kept), old);

      assertThat(journal.deleteRunsOlderThan(java.time.Duration.ofMinutes(90))).isEqualTo(2);
      assertThat(blobFile(file, checkpointed)).as("a checkpoint refers to it").exists();
      assertThat(blobFile(file, kept)).exists();
      assertThat(blobFile(file, dropped)).as("no run refers to it").doesNotExist();
      assertThat(engine.runs(dev.fancy.run.RunQuery.ALL).runs()).hasSize(2)
          .filteredOn(run -> run.workflowName().equals("blobs")).singleElement()
          .satisfies(run -> assertThat(BlobSteps.digest(engine.handle(run.runId()).result()
              .get(w.blob()))).isEqualTo(kept));
    }
  }

  @Test
  void aBlobRunInputIsKeptInTheJournalAndABlobConstantIsRefused() throws Exception {
    Cell<Blob> input = Cell.input("data", Blob.class);
    BlobSteps.One<String> digest = new BlobSteps.One<>("blob.digest", BlobSteps.BLOB,
        BlobSteps.STRING, input);
    Workflow workflow = Workflow.of("digest", digest.out());
    Blob data = Blob.of("some bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path file = dir.resolve("j.db");
    java.util.UUID runId;
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      runId = engine.start(workflow, Inputs.of(input, data),
          dev.fancy.run.RunOptions.builder().build()).id();
      assertThat(engine.handle(runId).await()).isEqualTo(RunStatus.SUCCEEDED);
    }
    assertThat(Files.readString(blobFile(file, data.sha256()))).isEqualTo("some bytes");
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      RunResult result = engine.handle(runId).result();
      Object digestValue = result.outputs().values().iterator().next();
      assertThat(digestValue).isEqualTo(data.sha256());
    }
    assertThatThrownBy(() -> Cell.constant("data", BlobSteps.BLOB, data))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("make it a workflow "
            + "input");
  }

  @Test
  void onceTheJournalHoldsTheBytesTheSpoolIsDeleted() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("j.db"));
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      Blob blob = Blob.write(out -> BlobSteps.write(50_000, out));
      String before = blob.toString();
      assertThat(before).contains("spooled to ");
      Path spool = Path.of(before.substring(before.indexOf("spooled to ") + 11,
          before.length() - 1));
      assertThat(spool).exists();
      engine.codec().toTree(blob);
      assertThat(spool).as("the journal's copy is read from now on").doesNotExist();
      assertThat(blob.toString()).contains("in the journal's");
      assertThat(BlobSteps.digest(blob)).isEqualTo(blob.sha256());
    }
  }

  @Test
  void aDamagedBlobIsACorruptJournal() throws Exception {
    long size = 100_000;
    Path file = dir.resolve("j.db");
    BlobSteps.Wiring w = BlobSteps.wiring();
    String expected = BlobSteps.expectedSha256(size);
    java.util.UUID runId;
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      runId = engine.start(w.workflow(), Inputs.of(w.size(), size),
          dev.fancy.run.RunOptions.builder().build()).id();
      assertThat(engine.handle(runId).await()).isEqualTo(RunStatus.SUCCEEDED);
    }
    Path stored = blobFile(file, expected);
    byte[] bytes = Files.readAllBytes(stored);
    bytes[size / 2 > 0 ? (int) (size / 2) : 0] ^= 1;
    Files.write(stored, bytes);
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      Blob blob = engine.handle(runId).result().get(w.blob());
      assertThatThrownBy(() -> {
        try (InputStream in = blob.openStream()) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }).isInstanceOfSatisfying(JournalException.class, e -> {
        assertThat(e.reason()).isEqualTo(JournalException.Reason.CORRUPT);
        assertThat(e.getMessage()).contains(stored.toString()).contains("damaged")
            .contains(expected).contains("restore");
      });
    }
    Files.write(stored, java.util.Arrays.copyOf(bytes, 10));
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      assertThatThrownBy(() -> engine.handle(runId).result().get(w.blob()))
          .isInstanceOfSatisfying(JournalException.class, e -> {
            assertThat(e.reason()).isEqualTo(JournalException.Reason.CORRUPT);
            assertThat(e.getMessage()).contains("holds 10 bytes where its reference says "
                + size);
          });
    }
    Path elsewhere = Files.write(dir.resolve("elsewhere"), bytes);
    Files.delete(stored);
    Files.createSymbolicLink(stored, elsewhere);
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      assertThatThrownBy(() -> engine.handle(runId).result().get(w.blob()))
          .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.getMessage())
              .contains("is not a regular file inside"));
    }
    Files.delete(stored);
    try (Journal journal = Journal.open(file);
        DurableEngine engine = DurableEngine.builder(journal).registry(BlobSteps.registry())
            .open()) {
      assertThatThrownBy(() -> engine.handle(runId).result().get(w.blob()))
          .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.getMessage())
              .contains("is missing"));
    }
  }

  @Test
  void aCrashWhileTheBytesAreCopiedLeavesNoHalfValue() throws Exception {
    long size = 8L << 20;
    Path journal = dir.resolve("copy.db");
    String crashed = child(dir.resolve("copy.log"), journal, "crash-copy", size);
    assertThat(crashed).startsWith("3\n").contains("halting half-way");
    String expected = BlobSteps.expectedSha256(size);
    assertThat(blobFile(journal, expected)).as("no file under the hash").doesNotExist();
    assertThat(JournalKit.count(journal, "SELECT COUNT(*) FROM attempts WHERE status = "
        + "'SUCCEEDED'")).isZero();
    String resumed = child(dir.resolve("resume.log"), journal, "run", size);
    assertThat(resumed).startsWith("0\n").contains("digest=" + expected);
    assertThat(Files.size(blobFile(journal, expected))).isEqualTo(size);
  }

  @Test
  void aCrashBetweenTheBytesAndTheCommitRunsTheStepAgain() throws Exception {
    long size = 8L << 20;
    Path journal = dir.resolve("commit.db");
    String crashed = child(dir.resolve("commit.log"), journal, "crash-commit", size);
    assertThat(crashed).startsWith("3\n").contains("halting after the blob was stored");
    String expected = BlobSteps.expectedSha256(size);
    assertThat(JournalKit.count(journal, "SELECT COUNT(*) FROM attempts WHERE status = "
        + "'SUCCEEDED'")).as("nothing committed").isZero();
    assertThat(Files.size(blobFile(journal, expected))).as("complete bytes, unreferenced")
        .isEqualTo(size);
    String resumed = child(dir.resolve("resume.log"), journal, "run", size);
    assertThat(resumed).startsWith("0\n").contains("digest=" + expected);
    assertThat(JournalKit.count(journal, "SELECT COUNT(*) FROM attempts WHERE status = "
        + "'SUCCEEDED'")).isEqualTo(2);
  }

  private static void deleteJournal(Path journal) throws IOException {
    Path values = journal.resolveSibling(journal.getFileName() + ".values");
    for (Path p : List.of(values)) {
      if (Files.exists(p)) {
        try (Stream<Path> files = Files.walk(p)) {
          for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
    }
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(journal.resolveSibling(journal.getFileName() + suffix));
    }
  }
}
