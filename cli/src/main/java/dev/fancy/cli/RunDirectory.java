package dev.fancy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.config.Config;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The output directory of each run the CLI starts: {@code runs/DATE/TIME/N/} (Hydra's layout)
 * with {@code config.json} (the resolved config), {@code outputs.json} and
 * {@code provenance.json} (Fancy's version, the workflow's step versions, the SHA-256 of every
 * input file, the git commit of the working directory when there is one).
 */
final class RunDirectory {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Path root;

  /** A directory for this invocation's runs under {@code base}: {@code base/DATE/TIME}. */
  RunDirectory(Path base) {
    LocalDateTime now = LocalDateTime.now();
    Path dated = base.resolve(now.format(DateTimeFormatter.ISO_LOCAL_DATE))
        .resolve(now.format(DateTimeFormatter.ofPattern("HH-mm-ss")));
    Path chosen = dated;
    for (int i = 1; Files.exists(chosen); i++) {
      chosen = Path.of(dated + "-" + i);
    }
    this.root = chosen;
  }

  /** This invocation's directory. */
  Path root() {
    return root;
  }

  /**
   * Writes the files of run number {@code n}: the resolved config, the outputs (empty unless it
   * succeeded) and the provenance; returns its directory.
   */
  Path write(int n, Workflow workflow, Config config, Map<String, Object> inputs, UUID runId,
      String status, Map<String, JsonNode> outputs, ValueCodec codec) {
    Path dir = root.resolve(Integer.toString(n));
    try {
      Files.createDirectories(dir);
      ObjectNode configJson = JSON.createObjectNode();
      configJson.put("workflow", workflow.name());
      configJson.put("name", config.name().orElse(null));
      configJson.set("tags", JSON.valueToTree(config.tags()));
      ObjectNode values = configJson.putObject("inputs");
      inputs.forEach((name, value) -> values.set(name, codec.toTree(value)));
      JSON.writeValue(dir.resolve("config.json").toFile(), configJson);
      JSON.writeValue(dir.resolve("outputs.json").toFile(), JSON.valueToTree(outputs));
      JSON.writeValue(dir.resolve("provenance.json").toFile(),
          provenance(workflow, inputs, runId, status));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run directory " + dir + ": "
          + e.getMessage(), e);
    }
    return dir;
  }

  private static JsonNode provenance(Workflow workflow, Map<String, Object> inputs, UUID runId,
      String status) {
    ObjectNode json = JSON.createObjectNode();
    json.put("fancyVersion", Fancy.version());
    json.put("java", System.getProperty("java.version"));
    json.put("workflow", workflow.name());
    json.put("runId", runId == null ? null : runId.toString());
    json.put("status", status);
    Map<String, Integer> steps = new TreeMap<>();
    for (WorkflowStep step : workflow.steps()) {
      steps.put(step.slug(), step.version());
    }
    json.set("steps", JSON.valueToTree(steps));
    ObjectNode files = json.putObject("inputFiles");
    inputs.forEach((name, value) -> {
      if (value instanceof Path path && Files.isRegularFile(path)) {
        ObjectNode file = files.putObject(name);
        file.put("path", path.toAbsolutePath().toString());
        file.put("sha256", sha256(path));
      }
    });
    json.put("gitCommit", gitCommit());
    return json;
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The commit of the working directory's git repository, or null. */
  static String gitCommit() {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          .strip();
      if (!git.waitFor(10, TimeUnit.SECONDS)) {
        git.destroyForcibly();
        return null;
      }
      return git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
