package dev.fancy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code fancy serve}: the real launcher starts the server module's workflow service on a free
 * port with a journal under target/, answers {@code /health/*} and the user's steps from
 * {@code --class-path} (the CLI's loader), and stops on SIGTERM; bad options exit 2.
 */
class ServeIT {
  private static final Pattern LISTENING =
      Pattern.compile("Fancy server listening on (http://\\S+)");

  @Test
  void servesHealthAndTheClassPathsStepsUntilStopped() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "serve-it").toAbsolutePath());
    Path journal = dir.resolve("journal.db");
    Files.deleteIfExists(journal);
    ProcessBuilder builder = new ProcessBuilder(FancyProcess.LAUNCHER.toString(), "serve",
        "--port", "0", "--journal", journal.toString(), "-cp",
        FancyProcess.TEST_CLASSES.toString(), "--lease-seconds", "2")
        .directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().remove("FANCY_CLASS_PATH");
    builder.environment().put("FANCY_JAVA_OPTS", FancyProcess.AGENTS);
    Process server = builder.start();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.UTF_8));
      CompletableFuture<String> address = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line; (line = lines.readLine()) != null; ) {
            Matcher listening = LISTENING.matcher(line);
            if (listening.find()) {
              return listening.group(1);
            }
          }
          return null;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String base = address.get(2, TimeUnit.MINUTES);
      assertThat(base).as("fancy serve printed where it listens").isNotNull();
      base = base.replaceAll("/+$", "");
      Thread drain = new Thread(() -> {
        try {
          while (lines.readLine() != null) {
            // the server's further output, unread
          }
        } catch (java.io.IOException closed) {
          // destroying the process closes its output: the end of the drain, not a failure
        }
      }, "drain");
      drain.setDaemon(true);
      drain.start();

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base
          + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).contains("UP");
      HttpResponse<String> steps = http.send(HttpRequest.newBuilder(URI.create(base
          + "/steps")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(steps.statusCode()).isEqualTo(200);
      assertThat(steps.body()).as("the steps of --class-path").contains("cli.score");
      HttpResponse<String> workflows = http.send(HttpRequest.newBuilder(URI.create(base
          + "/workflows")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(workflows.body()).as("the workflow definitions of --class-path, by name")
          .contains("\"id\":\"cli.score\"", "\"shape\":\"definition\"");
      assertThat(journal).exists();

      server.destroy(); // SIGTERM: the shutdown hook stops the server and closes the journal
      assertThat(server.waitFor(1, TimeUnit.MINUTES)).as("it stops").isTrue();
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void badOptionsExitTwoSayingWhatIsWrongAndHelpListsTheServersOptions() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "serve-it").toAbsolutePath());
    FancyProcess.Result bad = FancyProcess.run(dir, "serve", "--port", "eighty").exits(2);
    assertThat(bad.err()).contains("--port must be a whole number, not 'eighty'");
    FancyProcess.Result unknown = FancyProcess.run(dir, "serve", "--bogus", "1").exits(2);
    assertThat(unknown.err()).contains("unknown option '--bogus'",
        "fancy serve --help lists the options");
    FancyProcess.Result open = FancyProcess.run(dir, "serve", "--host", "0.0.0.0").exits(2);
    assertThat(open.err()).contains("refusing to listen on 0.0.0.0 without an API token");
    FancyProcess.Result missing = FancyProcess.run(dir, "serve", "--class-path",
        "no-such.jar", "--port", "0", "--journal", dir.resolve("j.db").toString()).exits(3);
    assertThat(missing.err()).contains("error: class path entry 'no-such.jar' does not exist");
    FancyProcess.Result help = FancyProcess.run(dir, "serve", "--help").exits(0);
    for (String option : List.of("--port", "--host", "--journal", "--token", "--cors-origin",
        "--class-path", "--max-body-bytes", "--retention-days", "--lease-seconds")) {
      assertThat(help.out()).contains(option);
    }
    assertThat(help.out()).contains("usage: fancy serve [options]");
  }
}
