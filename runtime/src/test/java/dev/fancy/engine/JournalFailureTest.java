package dev.fancy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fancy.fixtures.Bind;
import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.LogCapture;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.fixtures.Poll;
import dev.fancy.internal.StepDefinition;
import dev.fancy.internal.journal.AttemptInfo;
import dev.fancy.internal.journal.JournalRun;
import dev.fancy.journal.JournalEffects;
import dev.fancy.journal.JournalException;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.AttemptStatus;
import dev.fancy.run.RunStatus;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** What the journal does when the disk, the file, the lock or the data is not as it should be. */
class JournalFailureTest {

  @TempDir
  Path temp;

  private final JournalKit kit = new JournalKit();

  private static final Contract INT_TO_STRING = Contract.of(List.of(Port.of("a", MathSteps.INT)),
      List.of(Port.of("out", MathSteps.STRING)));
  private static final Contract STRING_TO_INT = Contract.of(
      List.of(Port.of("text", MathSteps.STRING)), List.of(Port.of("out", MathSteps.INT)));

  private Path file() {
    return temp.resolve("journal.db");
  }

  private DurableEngine open(Journal journal, StepRegistry registry) {
    return DurableEngine.builder(journal).registry(registry).lease(Duration.ofSeconds(30))
        .takeoverInterval(Duration.ofHours(1)).open();
  }

  /** {@code test.text} (int to a string of {@code length}) then {@code test.length} (may fail). */
  private StepRegistry textRegistry(String text, AtomicBoolean lengthFails) {
    return kit.registry()
        .register(new StepDefinition("test.text", 1, "", INT_TO_STRING,
            (frame, args) -> new Object[] {text}))
        .register(new StepDefinition("test.length", 1, "", STRING_TO_INT, (frame, args) -> {
          if (lengthFails.get()) {
            throw new IllegalStateException("not now");
          }
          return new Object[] {((String) args[0]).length()};
        }));
  }

  private static Workflow textThenLength() {
    Call<String> text = new Call<>("test.text", INT_TO_STRING, Cell.input("x", Integer.class));
    return Workflow.of("text", new Call<Integer>("test.length", STRING_TO_INT, text.out()).out());
  }

  @Test
  void aFullDiskStopsTheRunHereWithAClearErrorAndItResumesWhenSpaceReturns() throws Exception {
    String output = "o".repeat(20_000); // needs new pages to commit
    StepRegistry registry = kit.registry().register(new StepDefinition("test.wide", 1, "",
        INT_TO_STRING, (frame, args) -> {
          kit.started.countDown();
          kit.release.await(30, TimeUnit.SECONDS);
          return new Object[] {output};
        }));
    Call<Integer> first = new Call<>("test.count", Call.unary(MathSteps.INT),
        Cell.input("x", Integer.class));
    Workflow workflow = Workflow.of("wide",
        new Call<String>("test.wide", INT_TO_STRING, first.out()).out());
    try (LogCapture logs = LogCapture.of(DurableEngine.class);
        Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      UUID run = engine.start(workflow, Bind.inputs(workflow, Map.of("x", 1))).id();
      assertThat(kit.started.await(10, TimeUnit.SECONDS)).isTrue();
      long pages = JournalKit.count(journal.file(), "PRAGMA page_count");
      journal.executeForTesting("PRAGMA max_page_count = " + pages); // the disk is now full
      kit.release.countDown();

      assertThatThrownBy(() -> engine.await(run, null))
          .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.FULL))
          .hasMessageStartingWith("journal disk is full: cannot commit attempt " + run)
          .hasMessageContaining("free space on the disk of " + temp);
      logs.awaitLogged(Level.WARN, "run " + run + " stopped in this process; it stays "
          + "resumable in the journal: journal disk is full", Duration.ofSeconds(10));
      assertThat(journal.run(run).orElseThrow().status()).as("left resumable")
          .isEqualTo(RunStatus.RUNNING);
      assertThat(journal.committedOutputs(run)).as("nothing of the wide step committed")
          .hasSize(1);

      journal.executeForTesting("PRAGMA max_page_count = 1073741823"); // space returns
      kit.clock.advance(Duration.ofSeconds(31)); // the unrenewed lease runs out
      assertThat(engine.recover()).isEqualTo(1);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(workflow.outputs().get(0))).isEqualTo(output);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::status)
          .containsExactly(AttemptStatus.SUCCEEDED, AttemptStatus.ABANDONED,
              AttemptStatus.SUCCEEDED);
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isEqualTo(1);
    }
  }

  @Test
  void aFullDiskAtSubmitRecordsNothing() {
    Contract echo = Contract.of(List.of(Port.of("text", MathSteps.STRING)),
        List.of(Port.of("out", MathSteps.STRING)));
    StepRegistry registry = kit.registry().register(new StepDefinition("test.echo", 1, "", echo,
        (frame, args) -> new Object[] {args[0]}));
    Workflow workflow = Workflow.of("echo",
        new Call<String>("test.echo", echo, Cell.input("text", String.class)).out());
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      journal.executeForTesting("PRAGMA max_page_count = "
          + JournalKit.count(journal.file(), "PRAGMA page_count"));
      assertThatThrownBy(() -> engine.start(workflow, Bind.inputs(workflow, Map.of("text", "t".repeat(50_000)))).id())
          .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.FULL))
          .hasMessageStartingWith("journal disk is full: cannot create run");
      assertThat(journal.runs()).isEmpty();
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM workflows")).isZero();
    }
  }

  @Test
  void valueFilesOnAFullFileSystemFailCleanlyAndTheRunResumesOnceSpaceIsFreed() throws Exception {
    Path small = temp.resolve("small");
    Files.createDirectories(small);
    Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
        small.toString()), "needs root to mount a 2 MB tmpfs");
    try {
      Path ballast = small.resolve("ballast");
      AtomicBoolean lengthFails = new AtomicBoolean(false);
      String big = "v".repeat(600_000);
      try (LogCapture logs = LogCapture.of(DurableEngine.class);
          Journal journal = kit.open(small.resolve("journal.db"));
          DurableEngine engine = open(journal, textRegistry(big, lengthFails))) {
        Files.write(ballast, new byte[(int) (Files.getFileStore(small).getUsableSpace()
            - 200_000)]);
        UUID run = engine.start(textThenLength(), Bind.inputs(textThenLength(), Map.of("x", 1))).id();
        assertThatThrownBy(() -> engine.await(run, null))
            .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.FULL))
            .hasMessageStartingWith("journal disk is full");
        logs.awaitLogged(Level.WARN, "run " + run + " stopped in this process; it stays "
            + "resumable in the journal: journal disk is full", Duration.ofSeconds(10));
        try (Stream<Path> files = Files.walk(small.resolve("journal.db.values"))) {
          assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).as("no partial files")
              .isEmpty();
        }
        Files.delete(ballast);
        kit.clock.advance(Duration.ofSeconds(31));
        engine.recover();
        assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(engine.result(run).get(textThenLengthOutput(engine, run)))
            .isEqualTo(big.length());
      }
    } finally {
      run("umount", small.toString());
    }
  }

  private static Cell<?> textThenLengthOutput(DurableEngine engine, UUID run) {
    return engine.result(run).workflow().outputs().get(0);
  }

  private static boolean run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void aRunWhoseValueFilesAreGoneFailsWithTheCauseAndTheOthersResume() {
    AtomicBoolean lengthFails = new AtomicBoolean(false);
    StepRegistry registry = textRegistry("f".repeat(100_000), lengthFails);
    UUID withFile;
    UUID plain;
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      withFile = engine.start(textThenLength(), Bind.inputs(textThenLength(), Map.of("x", 1))).id();
      plain = engine.start(JournalKit.chain("test.count", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.count"), Map.of("x", 1))).id();
      engine.await(withFile, null);
      engine.await(plain, null);
    }
    // both look abandoned by a dead process; then the value directory is lost
    JournalKit.execute(file(), "UPDATE runs SET status = 'RUNNING', owner = NULL");
    deleteTree(temp.resolve("journal.db.values"));
    try (LogCapture logs = LogCapture.of(DurableEngine.class);
        Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      JournalRun broken = journal.run(withFile).orElseThrow();
      assertThat(broken.status()).isEqualTo(RunStatus.FAILED);
      assertThat(broken.error()).contains("cannot resume", "cannot be read",
          "value file of output 0 is missing");
      logs.assertLogged(Level.ERROR, "run " + withFile + " cannot be resumed and is failed");
      assertThat(engine.await(plain, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects"))
          .as("the committed steps did not run again").isEqualTo(2);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCommittedOutputOfAnySizeReadsBackOnResume() {
    AtomicBoolean lengthFails = new AtomicBoolean(true);
    String huge = "x".repeat(25_000_000); // over Jackson's default limit of 20,000,000
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, textRegistry(huge, lengthFails))) {
      UUID run = engine.start(textThenLength(), Bind.inputs(textThenLength(), Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      assertThat(JournalKit.count(journal.file(), "SELECT MAX(LENGTH(outputs)) FROM attempts"))
          .as("the value lives in a file").isLessThan(100);
      lengthFails.set(false);
      engine.resume(run);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(engine.result(run).workflow().outputs().get(0)))
          .isEqualTo(25_000_000);
    }
  }

  @Test
  void dataShapedLikeAFileReferenceIsOnlyData() throws Exception {
    AtomicBoolean lengthFails = new AtomicBoolean(false);
    ValueType<Map<String, String>> mapType =
        ValueType.of(Map.class, "java.util.Map<java.lang.String,java.lang.String>");
    Contract toMap = Contract.of(List.of(Port.of("a", MathSteps.INT)),
        List.of(Port.of("out", mapType)));
    Contract mapToInt = Contract.of(List.of(Port.of("map", mapType)),
        List.of(Port.of("out", MathSteps.INT)));
    AtomicReference<String> target = new AtomicReference<>();
    StepRegistry registry = textRegistry("s".repeat(100_000), lengthFails)
        .register(new StepDefinition("test.forge", 1, "", toMap,
            (frame, args) -> new Object[] {Map.of("$file", target.get())}))
        .register(new StepDefinition("test.size", 1, "", mapToInt, (frame, args) -> {
          if (kit.broken.get()) {
            throw new IllegalStateException("later");
          }
          return new Object[] {((Map<?, ?>) args[0]).size()};
        }));
    Call<Map<String, String>> forge = new Call<>("test.forge", toMap,
        Cell.input("x", Integer.class));
    Workflow forged = Workflow.of("forged",
        new Call<Integer>("test.size", mapToInt, forge.out()).out());
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      UUID secret = engine.start(textThenLength(), Bind.inputs(textThenLength(), Map.of("x", 1))).id();
      engine.await(secret, null);
      try (Stream<Path> files = Files.walk(temp.resolve("journal.db.values"))) {
        Path real = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        target.set(temp.resolve("journal.db.values").relativize(real).toString());
      }
      kit.broken.set(true);
      UUID run = engine.start(forged, Bind.inputs(forged, Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      kit.broken.set(false);
      engine.resume(run);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(engine.result(run).get(forge.out()))
          .as("the resumed value is the step's own map, not another run's file")
          .isEqualTo(Map.of("$file", target.get()));
    }
  }

  @Test
  void aDamagedFileIsReportedAsCorruptionWithHowToRecover() throws Exception {
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      for (int i = 0; i < 20; i++) {
        engine.await(engine.start(JournalKit.chain("test.count", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.count"), Map.of("x", i))).id(), null);
      }
    }
    try (RandomAccessFile raw = new RandomAccessFile(file().toFile(), "rw")) {
      byte[] junk = new byte[4096 * 5];
      new java.util.Random(7).nextBytes(junk);
      raw.seek(4096); // pages 2 to 6: table and index pages, past the header page
      raw.write(junk);
    }
    assertThatThrownBy(() -> kit.open(file()))
        .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.CORRUPT))
        .hasMessageContaining("the journal " + file() + " is corrupt")
        .hasMessageContaining("restore the last backup")
        .hasMessageContaining(".recover");
    try (Journal unchecked = Journal.open(file(), JournalOptions.builder()
        .integrityCheck(JournalOptions.IntegrityCheck.NONE).build())) {
      assertThatThrownBy(() -> {
        for (JournalRun run : unchecked.runs()) {
          unchecked.steps(run.runId());
          unchecked.attempts(run.runId());
        }
      }).as("reading the damaged page reports corruption, not a vague SQL error")
          .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.CORRUPT))
          .hasMessageContaining("is corrupt");
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsReportedAsCorrupt() throws Exception {
    Files.writeString(file(), "this is not SQLite ".repeat(500));
    assertThatThrownBy(() -> kit.open(file()))
        .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.CORRUPT))
        .hasMessageContaining("the journal " + file() + " is corrupt");
  }

  @Test
  void corruptRowsAndNewerSchemasGiveClearErrors() throws Exception {
    UUID good;
    UUID corrupt;
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      good = engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", 1))).id();
      engine.await(good, null);
      corrupt = engine.start(JournalKit.chain("test.count", "test.count"), Bind.inputs(JournalKit.chain("test.count", "test.count"), Map.of("x", 1))).id();
      engine.await(corrupt, null);
    }
    JournalKit.execute(file(), "UPDATE runs SET status = 'RUNNING', owner = NULL WHERE id = '"
        + corrupt + "'");
    JournalKit.execute(file(), "UPDATE workflows SET definition = '{\"schemaVersion\": 1, "
        + "\"name\"' WHERE hash = (SELECT workflow_hash FROM runs WHERE id = '" + corrupt + "')");
    try (LogCapture logs = LogCapture.of(DurableEngine.class);
        Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry())) {
      assertThat(journal.run(corrupt).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
      assertThat(journal.run(corrupt).orElseThrow().error()).contains("cannot resume",
          "is corrupt");
      logs.assertLogged(Level.ERROR, "run " + corrupt + " cannot be resumed and is failed");
      assertThat(journal.run(good).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    }
    JournalKit.execute(file(), "PRAGMA user_version = 99");
    assertThatThrownBy(() -> Journal.open(file()))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("has schema version 99, written by a newer Fancy; this Fancy "
            + "reads up to version 5");
  }

  @Test
  void aVersionOneJournalMigratesAndKeepsOnlyGenuineFileMarkers() throws Exception {
    Workflow workflow = JournalKit.chain("test.count", "test.count");
    UUID run = UUID.randomUUID();
    String first = workflow.steps().get(0).id().toString();
    String second = workflow.steps().get(1).id().toString();
    String genuine = run + "/" + run + "_" + first + "_1-0.json";
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement statement = connection.createStatement()) {
      for (String sql : List.of(
          "CREATE TABLE workflows (hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
              + "definition TEXT NOT NULL, created_at INTEGER NOT NULL)",
          "CREATE TABLE runs (id TEXT PRIMARY KEY, workflow_hash TEXT NOT NULL REFERENCES "
              + "workflows(hash), status TEXT NOT NULL, inputs TEXT NOT NULL, error TEXT, "
              + "owner TEXT, lease_until INTEGER, created_at INTEGER NOT NULL, "
              + "updated_at INTEGER NOT NULL, finished_at INTEGER)",
          "CREATE INDEX runs_by_status ON runs(status)",
          "CREATE TABLE steps (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
              + "step_id TEXT NOT NULL, slug TEXT NOT NULL, version INTEGER NOT NULL, "
              + "status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, "
              + "updated_at INTEGER NOT NULL, PRIMARY KEY (run_id, step_id))",
          "CREATE TABLE attempts (idempotency_key TEXT PRIMARY KEY, run_id TEXT NOT NULL "
              + "REFERENCES runs(id) ON DELETE CASCADE, step_id TEXT NOT NULL, attempt INTEGER "
              + "NOT NULL, status TEXT NOT NULL, outputs TEXT, error_type TEXT, error_message "
              + "TEXT, started_at INTEGER NOT NULL, ended_at INTEGER, UNIQUE (run_id, step_id, "
              + "attempt))",
          "PRAGMA user_version = 1",
          "INSERT INTO workflows VALUES ('h', 'chain', '" + workflow.toJson().replace("'", "''")
              + "', 0)",
          "INSERT INTO runs VALUES ('" + run + "', 'h', 'FAILED', '{\"x\":1}', 'boom', NULL, "
              + "NULL, 0, 0, 1)",
          "INSERT INTO attempts VALUES ('" + run + ":" + first + ":1', '" + run + "', '" + first
              + "', 1, 'SUCCEEDED', '[{\"$file\":\"" + genuine + "\"}]', NULL, NULL, 0, 1)",
          "INSERT INTO attempts VALUES ('" + run + ":" + second + ":1', '" + run + "', '"
              + second + "', 1, 'SUCCEEDED', '[{\"$file\":\"" + genuine + "\"}]', NULL, NULL, "
              + "0, 1)",
          "INSERT INTO attempts VALUES ('" + run + ":" + second + ":2', '" + run + "', '"
              + second + "', 2, 'RUNNING', NULL, NULL, NULL, 0, NULL)")) {
        statement.execute(sql);
      }
    }
    Path value = temp.resolve("journal.db.values").resolve(genuine);
    Files.createDirectories(value.getParent());
    Files.writeString(value, "41");
    try (Journal journal = Journal.open(file())) {
      assertThat(journal.schemaVersion()).isEqualTo(5);
      Map<UUID, ArrayNode> outputs = journal.committedOutputs(run);
      assertThat(outputs.get(UUID.fromString(first)).get(0).asInt())
          .as("the genuine marker now reads its file").isEqualTo(41);
      assertThat(outputs.get(UUID.fromString(second)).get(0).get("$file").asText())
          .as("a marker naming another attempt's file was user data and stays so")
          .isEqualTo(genuine);
      assertThat(journal.attempts(run)).extracting(AttemptInfo::status)
          .containsExactly(AttemptStatus.SUCCEEDED, AttemptStatus.SUCCEEDED,
              AttemptStatus.ABANDONED);
    }
  }

  @Test
  void aWriteWaitsForAnotherProcessesLockAndThenCommits() throws Exception {
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry());
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement statement = other.createStatement()) {
      statement.execute("BEGIN IMMEDIATE"); // another process holds the write lock
      CompletableFuture<UUID> submitted = CompletableFuture.supplyAsync(
          () -> engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", 1))).id());
      Poll.until("the writer retries", Duration.ofSeconds(10),
          () -> journal.statistics().busyRetries() > 0);
      assertThat(submitted).isNotDone();
      statement.execute("COMMIT");
      UUID run = submitted.get(20, TimeUnit.SECONDS);
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
    }
  }

  @Test
  void theQueueDepthCountsWritesWaitingForTheirCommitAndDrainsToZero() throws Exception {
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, kit.registry());
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement statement = other.createStatement()) {
      assertThat(journal.statistics().queueDepth()).isZero();
      statement.execute("BEGIN IMMEDIATE"); // another process holds the write lock
      Workflow workflow = JournalKit.chain("test.count");
      List<CompletableFuture<UUID>> submitted = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int x = i;
        submitted.add(CompletableFuture.supplyAsync(
            () -> engine.start(workflow, Bind.inputs(workflow, Map.of("x", x))).id()));
      }
      Poll.until("the four starts wait for the writer", Duration.ofSeconds(10),
          () -> journal.statistics().queueDepth() >= 4);
      statement.execute("COMMIT");
      for (CompletableFuture<UUID> run : submitted) {
        assertThat(engine.await(run.get(20, TimeUnit.SECONDS), null))
            .isEqualTo(RunStatus.SUCCEEDED);
      }
      Poll.until("the queue drains", Duration.ofSeconds(10),
          () -> journal.statistics().queueDepth() == 0);
    }
  }

  @Test
  void aLockHeldPastTheBusyTimeoutFailsTheWriteAndWritesNothing() throws Exception {
    try (Journal journal = kit.open(file(), JournalOptions.builder()
            .busyTimeout(Duration.ofMillis(300)));
        DurableEngine engine = open(journal, kit.registry());
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement statement = other.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      assertThatThrownBy(() -> engine.start(JournalKit.chain("test.count"), Bind.inputs(JournalKit.chain("test.count"), Map.of("x", 1))).id())
          .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.reason())
            .isEqualTo(JournalException.Reason.BUSY))
          .hasMessageStartingWith("journal is busy: cannot create run");
      statement.execute("COMMIT");
      assertThat(journal.runs()).isEmpty();
    }
  }

  @Test
  void effectsOfAnAttemptThatTimedOutAreDroppedNotApplied() throws Exception {
    CountDownLatch finish = new CountDownLatch(1);
    AtomicReference<Throwable> staging = new AtomicReference<>();
    StepRegistry registry = kit.registry().register(Call.intStep("test.deaf", (frame, args) -> {
      boolean done = false;
      while (!done) {
        try {
          done = finish.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          // this step ignores interrupts
        }
      }
      try {
        frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
            "INSERT INTO effects (step_key) VALUES ('late')");
      } catch (RuntimeException e) {
        staging.set(e);
      }
      return new Object[] {args[0]};
    }));
    Call<Integer> deaf = new Call<>("test.deaf", Call.unary(MathSteps.INT),
        Cell.input("x", Integer.class));
    deaf.options(StepOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
    try (LogCapture logs = LogCapture.of("dev.fancy.internal.core.Lingering");
        Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      UUID run = engine.start(Workflow.of("deaf", deaf.out()), Bind.inputs(Workflow.of("deaf", deaf.out()), Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.FAILED);
      assertThat(engine.lingeringAttempts()).isEqualTo(1);
      finish.countDown();
      Poll.until("the deaf attempt ends", Duration.ofSeconds(10),
          () -> engine.lingeringAttempts() == 0);
      logs.awaitLogged(Level.WARN, "attempt 1 of step 'test.deaf' ended", Duration.ofSeconds(10));
      Poll.until("the late effect is refused", Duration.ofSeconds(10),
          () -> staging.get() != null);
      assertThat(staging.get()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is not running (it ended, for example it timed out)");
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isZero();
      assertThat(journal.openEffectAttempts()).isZero();
    }
  }

  @Test
  void anEffectTheDatabaseRejectsFailsTheAttemptAndTheRetryCommits() {
    AtomicBoolean bad = new AtomicBoolean(true);
    StepRegistry registry = kit.registry().register(Call.intStep("test.effect", (frame, args) -> {
      frame.resources().get(JournalEffects.class).stage(frame.idempotencyKey(),
          bad.getAndSet(false) ? "INSERT INTO no_such_table VALUES (1)"
              : "INSERT INTO effects (step_key) VALUES ('ok')");
      return new Object[] {args[0]};
    }));
    Call<Integer> step = new Call<>("test.effect", Call.unary(MathSteps.INT),
        Cell.input("x", Integer.class));
    step.options(StepOptions.DEFAULT.withRetry(RetryPolicy.exponential(2, Duration.ofMillis(1))));
    try (Journal journal = kit.open(file());
        DurableEngine engine = open(journal, registry)) {
      UUID run = engine.start(Workflow.of("effect", step.out()), Bind.inputs(Workflow.of("effect", step.out()), Map.of("x", 1))).id();
      assertThat(engine.await(run, null)).isEqualTo(RunStatus.SUCCEEDED);
      List<AttemptInfo> attempts = journal.attempts(run);
      assertThat(attempts).extracting(AttemptInfo::status)
          .containsExactly(AttemptStatus.FAILED, AttemptStatus.SUCCEEDED);
      assertThat(attempts.get(0).errorType()).isEqualTo("dev.fancy.internal.journal.EffectFailedException");
      assertThat(attempts.get(0).errorMessage()).contains("was rejected by the database",
          "no such table");
      assertThat(JournalKit.count(journal.file(), "SELECT COUNT(*) FROM effects")).isEqualTo(1);
    }
  }
}
