package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunOptions;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueCodecException;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * What a durable run is recorded as when it is submitted: its workflow's definition (JSON and
 * SHA-256, computed once per workflow object), its inputs as JSON (each checked to read back as
 * its cell's type, as a resumed run will read it) and its journaled options. Writes nothing.
 */
final class Submissions {

  /** A workflow's JSON and its hash. */
  private record Definition(String json, String hash) {}

  private final ValueCodec codec;
  private final Cache<Workflow, Definition> definitions =
      Caffeine.newBuilder().weakKeys().maximumSize(1_000).build();

  Submissions(ValueCodec codec) {
    this.codec = codec;
  }

  /**
   * The row of a new run.
   *
   * @throws WorkflowValidationException if an input cannot be read back from its JSON (the
   *     message names it and its type)
   */
  RunTable.NewRun newRun(UUID runId, Workflow workflow, Inputs inputs, RunOptions options) {
    ObjectNode json = encodeInputs(workflow, inputs);
    Definition definition = definitions.get(workflow, Submissions::define);
    ObjectNode journaled = JournalJson.MAPPER.createObjectNode();
    journaled.set("limits", JournalJson.MAPPER.valueToTree(options.limits()));
    return new RunTable.NewRun(runId, definition.hash(), workflow.name(), definition.json(),
        json.toString(), journaled.toString(), options.labels());
  }

  /** The inputs as JSON, each checked to read back as its cell's type. */
  private ObjectNode encodeInputs(Workflow workflow, Inputs inputs) {
    ObjectNode json = JournalJson.MAPPER.createObjectNode();
    List<String> problems = new ArrayList<>();
    for (Cell<?> input : workflow.inputs()) {
      Object value = inputs.asMap().get(input.alias());
      try {
        JsonNode tree = codec.toTree(value);
        codec.fromTree(tree, input.type());
        json.set(input.alias(), tree);
      } catch (ValueCodecException | IllegalArgumentException e) {
        problems.add("run input '" + input.alias() + "' (" + input.type().name() + ") cannot be "
            + "journaled: a resumed run reads it back from JSON, and that fails: "
            + e.getMessage() + ". Make the type a record or give it a @JsonCreator constructor, "
            + "or register a Jackson module for it");
      }
    }
    if (!problems.isEmpty()) {
      throw new WorkflowValidationException("the inputs of a durable run of workflow '"
          + workflow.name() + "'", problems);
    }
    return json;
  }

  private static Definition define(Workflow workflow) {
    String json = workflow.toJson();
    try {
      return new Definition(json, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(json.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
