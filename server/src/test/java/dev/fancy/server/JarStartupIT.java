package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code target/fancy-server.jar} as a user runs it ({@code java -jar}): it starts
 * and answers, keeps its dependencies' licences, and a start that cannot succeed (a port in
 * use, a journal that cannot be opened, a bad {@code --class-path}) prints one line saying what
 * to change and exits non-zero, without a stack trace. Run by Failsafe after {@code package}.
 */
class JarStartupIT {
  static final Path JAR = Path.of("target", "fancy-server.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");

  @TempDir Path dir;

  record Exit(int code, List<String> lines) {}

  @BeforeAll
  static void jarIsBuilt() {
    assertThat(JAR).as("the jar is built by mvn package (this is a Failsafe test)").exists();
  }

  static ProcessBuilder java(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  /** Runs the jar with {@code args} to its end (at most 60 s) and returns what it printed. */
  Exit run(String... args) throws Exception {
    Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
    Process process = java(args).redirectOutput(out.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the jar exits").isTrue();
    return new Exit(process.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8));
  }

  static void assertOneClearLine(Exit exit, String... says) {
    assertThat(exit.code()).as(exit.lines().toString()).isNotZero();
    List<String> lines = exit.lines().stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("one line, no stack trace").hasSize(1);
    assertThat(lines.get(0)).startsWith("fancy-server: ").contains(says)
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void startsAnswersAndKeepsTheDependenciesLicences() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getEntry("META-INF/LICENSE")).as("licences kept").isNotNull();
      assertThat(jar.getEntry("META-INF/NOTICE")).as("notices kept").isNotNull();
      String notices = new String(jar.getInputStream(jar.getEntry("META-INF/NOTICE"))
          .readAllBytes(), StandardCharsets.UTF_8);
      assertThat(notices).contains("Jackson");
    }
    Path journal = dir.resolve("journal.db");
    Process process = java("--port", "0", "--journal", journal.toString()).start();
    try {
      var reader = new java.io.BufferedReader(new java.io.InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8));
      URI uri = null;
      for (String line = reader.readLine(); line != null && uri == null;
          line = reader.readLine()) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          uri = URI.create(m.group(1));
        }
      }
      assertThat(uri).as("the jar says where it listens").isNotNull();
      URI base = uri;
      assertThat(CrashTest.poll(java.time.Duration.ofSeconds(30), () ->
          CrashTest.send(base, "GET", "/health/ready", null).statusCode() == 200)).isTrue();
      assertThat(CrashTest.send(base, "GET", "/steps", null).body()).contains("tracker.task");
    } finally {
      process.destroy(); // SIGTERM: the shutdown hook stops it cleanly
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * {@code --class-path} with the test classes: their {@code @WorkflowDefinition} is listed and
   * run by its name, through the user loader ({@code UserClassPath}) as in the CLI.
   */
  @Test
  void runsAWorkflowDefinitionOfTheClassPathByName() throws Exception {
    Process process = java("--port", "0", "--journal", dir.resolve("journal.db").toString(),
        "--class-path", Path.of("target", "test-classes").toString()).start();
    try {
      var reader = new java.io.BufferedReader(new java.io.InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8));
      URI uri = null;
      for (String line = reader.readLine(); line != null && uri == null;
          line = reader.readLine()) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          uri = URI.create(m.group(1));
        }
      }
      assertThat(uri).as("the jar says where it listens").isNotNull();
      URI base = uri;
      assertThat(CrashTest.send(base, "GET", "/workflows", null).body())
          .contains("\"id\":\"servertest.greeting\"").contains("\"shape\":\"definition\"");
      var started = CrashTest.send(base, "POST", "/workflows/servertest.greeting/runs",
          "{\"name\": \"Lin\"}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      String run = "/runs/" + TestServer.json(started).get("id").asText();
      assertThat(CrashTest.poll(java.time.Duration.ofSeconds(30), () -> CrashTest.send(base,
          "GET", run, null).body().contains("\"status\":\"SUCCEEDED\""))).isTrue();
      assertThat(CrashTest.send(base, "GET", run, null).body())
          .contains("\"workflow_name\":\"servertest.greeting\"");
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aPortInUseIsOneLineAndExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Exit exit = run("--port", Integer.toString(taken.getLocalPort()), "--journal",
          dir.resolve("journal.db").toString());
      assertOneClearLine(exit, "cannot listen on 127.0.0.1:" + taken.getLocalPort(), "--port");
      assertThat(exit.code()).isEqualTo(1);
    }
  }

  @Test
  void aJournalThatCannotBeOpenedIsOneLine() throws Exception {
    // Not a SQLite database.
    Path notSqlite = Files.writeString(dir.resolve("notes.db"), "these are not the runs ".repeat(
        200));
    assertOneClearLine(run("--port", "0", "--journal", notSqlite.toString()),
        "cannot open the journal", "notes.db", "--journal");
    // A folder where a file is.
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    assertOneClearLine(run("--port", "0", "--journal", file.resolve("journal.db").toString()),
        "cannot open the journal", "--journal");
  }

  @Test
  void aBadClassPathIsOneLine() throws Exception {
    Exit exit = run("--port", "0", "--journal", dir.resolve("journal.db").toString(),
        "--class-path", dir.resolve("no-such.jar").toString());
    assertOneClearLine(exit, "no-such.jar");
  }

}
