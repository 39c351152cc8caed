package dev.fancy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.engine.Engine;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.UsageLimitExceededException;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The main class of a {@link Sweep}'s child process ({@link ProcessIsolation}); not for users.
 * Arguments: {@code WORKFLOW_JSON_FILE [JOURNAL_FILE]}. Reads one JSON request per line from
 * standard input ({@code index}, {@code inputs}, {@code labels}) and writes one JSON response per
 * line ({@code index}, {@code status}, {@code runId}, {@code outputs}, {@code error}) to the
 * standard output it was started with; whatever the steps print goes to standard error. Exits
 * when standard input ends or the parent process dies.
 */
public final class SweepWorker {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private SweepWorker() {}

  /**
   * Runs the worker.
   *
   * @throws IOException if the workflow file cannot be read or standard output fails
   */
  public static void main(String[] args) throws IOException {
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true,
        StandardCharsets.UTF_8));
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit()
        .thenRun(() -> Runtime.getRuntime().halt(2)));
    Workflow workflow = Workflow.fromJson(Files.readString(Path.of(args[0])));
    StepRegistry registry = StepRegistry.load(Thread.currentThread().getContextClassLoader());
    Journal journal = args.length > 1 ? Journal.open(Path.of(args[1])) : null;
    WorkflowEngine engine = journal != null
        ? DurableEngine.builder(journal).registry(registry).open()
        : Engine.builder().registry(registry).build();
    try {
      write(protocol, JSON.createObjectNode().put("ready", true));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        write(protocol, handle(engine, workflow, JSON.readTree(line)));
      }
    } finally {
      engine.close();
      if (journal != null) {
        journal.close();
      }
    }
  }

  private static ObjectNode handle(WorkflowEngine engine, Workflow workflow, JsonNode request) {
    ObjectNode response = JSON.createObjectNode();
    response.put("index", request.get("index").asLong());
    Inputs inputs;
    try {
      inputs = engine.inputsFromJson(workflow, request.get("inputs"));
    } catch (RuntimeException e) {
      return response.put("status", "INVALID").put("error", Sweep.oneLine(e));
    }
    RunOptions.Builder options = RunOptions.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = request.get("labels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      options.label(label.getKey(), label.getValue().asText());
    }
    RunResult result;
    try {
      result = engine.run(workflow, inputs, options.build());
    } catch (UsageLimitExceededException e) {
      result = e.result();
    } catch (RuntimeException e) {
      return response.put("status", "INVALID").put("error", Sweep.oneLine(e));
    }
    response.put("status", result.status().toString());
    response.put("runId", result.runId().toString());
    ObjectNode outputs = response.putObject("outputs");
    if (result.status() == dev.fancy.run.RunStatus.SUCCEEDED) {
      for (Map.Entry<Cell<?>, Object> output : result.outputs().entrySet()) {
        outputs.set(output.getKey().alias(), engine.codec().toTree(output.getValue()));
      }
    }
    response.put("error", result.info().error() == null ? null
        : result.info().error().toString());
    return response;
  }

  private static void write(OutputStream out, JsonNode node) throws IOException {
    out.write((ProcessPool.PREFIX + node + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
