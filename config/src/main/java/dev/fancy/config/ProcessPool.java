package dev.fancy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A warm pool of {@link SweepWorker} child JVMs: each sweep thread takes an idle child (or starts
 * one), sends it one config and waits for its answer, up to the timeout. A child that dies or
 * times out is destroyed (with its descendants) and replaced on next use; closing the pool ends
 * every child and waits for it.
 */
final class ProcessPool implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int TAIL = 4000;
  /**
   * The start of every protocol line a child writes; other lines on its standard output (the JVM
   * writes some there, e.g. on OutOfMemoryError) go to its stderr tail.
   */
  static final String PREFIX = "@fancy ";
  /** What a child's answer channel reports when the child is gone. */
  private static final String EOF = "\u0000eof";

  private final List<String> command;
  private final ProcessIsolation settings;
  private final Path workflowFile;
  private final BlockingQueue<Child> idle = new LinkedBlockingQueue<>();
  private final List<Child> all = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::destroyAll, "fancy-sweep-children");
  private boolean closed;

  ProcessPool(ProcessIsolation settings, String workflowJson) {
    this.settings = settings;
    try {
      this.workflowFile = Files.createTempFile("fancy-sweep-", ".json");
      Files.writeString(workflowFile, workflowJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the workflow for the child processes", e);
    }
    this.command = command(settings, workflowFile);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The command line of a child: this JVM's java, class path, module path and agents. */
  private static List<String> command(ProcessIsolation settings, Path workflowFile) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("-javaagent:")) {
        command.add(argument);
      }
    }
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.addAll(settings.jvmOptions());
    List<String> classPath = new ArrayList<>();
    classPath.add(System.getProperty("java.class.path"));
    settings.classPath().forEach(entry -> classPath.add(entry.toString()));
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    String modulePath = System.getProperty("jdk.module.path");
    if (modulePath != null && !modulePath.isBlank()) {
      command.add("--module-path");
      command.add(modulePath);
      command.add("--add-modules");
      command.add("ALL-MODULE-PATH");
    }
    command.add(SweepWorker.class.getName());
    command.add(workflowFile.toString());
    if (settings.journal() != null) {
      command.add(settings.journal().toAbsolutePath().toString());
    }
    return command;
  }

  /**
   * Runs one config in a child: its inputs as JSON and its labels.
   *
   * @param timeout how long the run may take, or null for no limit
   */
  SweepResult.Row run(long index, Config config, ObjectNode inputs, Map<String, String> labels,
      Duration timeout) {
    long started = System.nanoTime();
    Child child;
    try {
      child = take();
    } catch (RuntimeException e) {
      return new SweepResult.Row(index, config, SweepResult.Status.FAILED, null,
          Duration.ofNanos(System.nanoTime() - started), Map.of(),
          "could not start a child process: " + Sweep.oneLine(e));
    }
    ObjectNode request = JSON.createObjectNode();
    request.put("index", index);
    request.set("inputs", inputs);
    request.set("labels", JSON.valueToTree(labels));
    child.stderr.reset();
    String answer;
    try {
      child.send(request);
      answer = timeout == null ? child.answers.take()
          : child.answers.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (IOException e) {
      answer = EOF;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.destroy();
      return failed(index, config, started, SweepResult.Status.CANCELLED, "interrupted", child);
    }
    if (answer == null) {
      child.destroy();
      return failed(index, config, started, SweepResult.Status.TIMED_OUT,
          "timed out after " + timeout + "; child process killed", child);
    }
    if (answer.equals(EOF)) {
      int code = child.exitCode();
      return failed(index, config, started, SweepResult.Status.FAILED,
          "child process exited with code " + code, child);
    }
    idle.add(child);
    JsonNode response;
    try {
      response = JSON.readTree(answer);
    } catch (IOException e) {
      return failed(index, config, started, SweepResult.Status.FAILED,
          "unreadable answer from child: " + answer, child);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String status = response.get("status").asText();
    UUID runId = response.hasNonNull("runId") ? UUID.fromString(response.get("runId").asText())
        : null;
    String error = response.hasNonNull("error") ? response.get("error").asText() : null;
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    response.path("outputs").fields().forEachRemaining(e -> outputs.put(e.getKey(),
        e.getValue()));
    SweepResult.Status outcome = switch (status) {
      case "SUCCEEDED" -> SweepResult.Status.SUCCEEDED;
      case "CANCELLED" -> SweepResult.Status.CANCELLED;
      case "INVALID" -> SweepResult.Status.INVALID;
      default -> SweepResult.Status.FAILED;
    };
    return new SweepResult.Row(index, config, outcome, runId, took, outputs,
        error == null ? null : error.lines().findFirst().orElse(error));
  }

  private SweepResult.Row failed(long index, Config config, long started,
      SweepResult.Status status, String why, Child child) {
    String tail = child.stderr.tail().strip();
    return new SweepResult.Row(index, config, status, null,
        Duration.ofNanos(System.nanoTime() - started), Map.of(),
        why + (tail.isEmpty() ? "" : "; stderr: " + tail.replace('\n', ' ')));
  }

  private Child take() {
    Child child = idle.poll();
    if (child != null) {
      return child;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the process pool is closed");
      }
      child = new Child(start());
      all.add(child);
    }
    child.awaitReady(settings.startTimeout());
    return child;
  }

  private Process start() {
    try {
      return new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    for (Child child : snapshot()) {
      child.closeInput();
    }
    for (Child child : snapshot()) {
      child.awaitExit(Duration.ofSeconds(10));
    }
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    try {
      Files.deleteIfExists(workflowFile);
    } catch (IOException e) {
      // a temporary file; the OS cleans it
    }
  }

  /** Drops a dead child from the pool's list (it is never idle again). */
  private synchronized void forget(Child child) {
    all.remove(child);
  }

  private synchronized List<Child> snapshot() {
    return List.copyOf(all);
  }

  private void destroyAll() {
    for (Child child : snapshot()) {
      child.destroy();
    }
  }

  /** The last {@value #TAIL} characters a child wrote to standard error since the reset. */
  private static final class Tail {
    private final StringBuilder text = new StringBuilder();

    synchronized void append(String line) {
      text.append(line).append('\n');
      if (text.length() > TAIL) {
        text.delete(0, text.length() - TAIL);
      }
    }

    synchronized void reset() {
      text.setLength(0);
    }

    synchronized String tail() {
      return text.toString();
    }
  }

  /** One child process and the threads that read its output. */
  private final class Child {
    final Process process;
    final OutputStream in;
    final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    final Tail stderr = new Tail();

    Child(Process process) {
      this.process = process;
      this.in = process.getOutputStream();
      Thread out = new Thread(() -> read(process.getInputStream(), line -> {
        if (line.startsWith(PREFIX)) {
          answers.add(line.substring(PREFIX.length()));
        } else {
          stderr.append(line);
        }
      }, true),
          "fancy-child-" + process.pid() + "-out");
      out.setDaemon(true);
      out.start();
      Thread err = new Thread(() -> read(process.getErrorStream(), stderr::append, false),
          "fancy-child-" + process.pid() + "-err");
      err.setDaemon(true);
      err.start();
    }

    private void read(InputStream stream, java.util.function.Consumer<String> sink,
        boolean eof) {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream,
          StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // the child is gone
      }
      if (eof) {
        answers.add(EOF);
      }
    }

    void awaitReady(Duration timeout) {
      String first;
      try {
        first = answers.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        destroy();
        throw new IllegalStateException("interrupted while a child process started");
      }
      if (first == null || !first.contains("\"ready\"")) {
        int code = destroy();
        throw new IllegalStateException("child process " + (first == null
            ? "did not start in " + timeout : "exited with code " + code) + ": "
            + stderr.tail().strip().replace('\n', ' '));
      }
    }

    synchronized void send(JsonNode request) throws IOException {
      in.write((request.toString() + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    void closeInput() {
      try {
        in.close();
      } catch (IOException e) {
        // the child is gone
      }
    }

    void awaitExit(Duration timeout) {
      try {
        process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The exit code of a child whose output ended: it exits by itself, or is killed. */
    int exitCode() {
      try {
        if (process.waitFor(5, TimeUnit.SECONDS)) {
          return process.exitValue();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return destroy();
    }

    /** Kills the child and its descendants and waits for it; returns its exit code. */
    int destroy() {
      forget(this);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
  }
}
