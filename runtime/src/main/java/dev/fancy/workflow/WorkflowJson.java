package dev.fancy.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.spi.StepIdentity;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Workflow JSON, schema version {@value #SCHEMA_VERSION}; the schema is documented in
 * {@code docs/workflow-json.md}. Reading checks the document completely before building anything
 * and reports every problem at once.
 */
final class WorkflowJson {

  /** The schema version this code writes and reads. */
  static final int SCHEMA_VERSION = 1;

  /** Reads numbers with a fraction as exact decimals, so constants keep every digit. */
  private static final ObjectMapper MAPPER = ValueCodec.defaults().newMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private WorkflowJson() {}

  /**
   * {@code tree} as workflow JSON reads it back: written and parsed once, so a constant built in
   * code equals the same constant read from a file (a {@code BigDecimal} 2 is an integer node
   * either way, 0.1 an exact decimal either way).
   */
  static JsonNode canonical(JsonNode tree) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsString(tree));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree did not read back: " + e.getMessage(), e);
    }
  }

  @JsonPropertyOrder({"schemaVersion", "name", "inputs", "constants", "steps", "outputs"})
  record WorkflowDocument(Integer schemaVersion, String name, List<CellDocument> inputs,
      List<CellDocument> constants, List<StepDocument> steps, List<UUID> outputs) {}

  @JsonPropertyOrder({"id", "alias", "type", "kind", "value"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record CellDocument(UUID id, String alias, String type, StorageKind kind, JsonNode value) {}

  @JsonPropertyOrder({"id", "slug", "version", "name", "inputs", "outputs", "after", "options",
      "flow"})
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record StepDocument(UUID id, String slug, Integer version, String name,
      LinkedHashMap<String, UUID> inputs,
      List<OutputDocument> outputs, List<UUID> after, OptionsDocument options,
      FlowDocument flow) {}

  @JsonPropertyOrder({"kind", "settings", "children"})
  record FlowDocument(FlowStep.Kind kind, FlowStep.Settings settings,
      LinkedHashMap<String, WorkflowDocument> children) {}

  @JsonPropertyOrder({"retry", "timeout", "heartbeatTimeout", "cache", "validators", "fallback"})
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record OptionsDocument(RetryPolicy retry, Duration timeout,
      @com.fasterxml.jackson.annotation.JsonInclude(
          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      Duration heartbeatTimeout, Boolean cache,
      List<StepOptions.Validation> validators, StepOptions.StepRef fallback) {

    static OptionsDocument of(StepOptions options) {
      return options.equals(StepOptions.DEFAULT) ? null : new OptionsDocument(options.retry(),
          options.timeout(), options.heartbeatTimeout(), options.cache(), options.validators(),
          options.fallback());
    }

    StepOptions toOptions() {
      return new StepOptions(retry, timeout, heartbeatTimeout, cache,
          validators == null ? List.of() : validators, fallback);
    }
  }

  @JsonPropertyOrder({"name", "id", "alias", "type", "kind"})
  record OutputDocument(String name, UUID id, String alias, String type, StorageKind kind) {}

  static String write(Workflow workflow) {
    try {
      return MAPPER.writeValueAsString(document(workflow));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("workflow '" + workflow.name() + "' cannot be written", e);
    }
  }

  private static WorkflowDocument document(Workflow workflow) {
    List<StepDocument> steps = new ArrayList<>();
    for (WorkflowStep step : workflow.steps()) {
      LinkedHashMap<String, UUID> inputs = new LinkedHashMap<>();
      for (int i = 0; i < step.inputNames().size(); i++) {
        inputs.put(step.inputNames().get(i), step.inputCells().get(i).id());
      }
      List<OutputDocument> outputs = new ArrayList<>();
      for (Cell<?> cell : step.outputCells()) {
        outputs.add(new OutputDocument(cell.outputName(), cell.id(), cell.alias(),
            cell.type().name(), cell.kind()));
      }
      List<UUID> after = step.upstream().stream().map(WorkflowStep::id).toList();
      FlowDocument flow = null;
      if (step instanceof FlowStep flowStep) {
        LinkedHashMap<String, WorkflowDocument> children = new LinkedHashMap<>();
        flowStep.children().forEach((name, child) -> children.put(name, document(child)));
        flow = new FlowDocument(flowStep.kind(), flowStep.settings(), children);
      }
      steps.add(new StepDocument(step.id(), step.slug(), step.version(),
          step.callName().orElse(null), inputs, outputs, after,
          OptionsDocument.of(step.options()), flow));
    }
    return new WorkflowDocument(SCHEMA_VERSION, workflow.name(),
        workflow.inputs().stream().map(WorkflowJson::cellDocument).toList(),
        workflow.constants().stream().map(WorkflowJson::cellDocument).toList(),
        steps, workflow.outputs().stream().map(Cell::id).toList());
  }

  private static CellDocument cellDocument(Cell<?> cell) {
    JsonNode value = cell.role() == Cell.Role.CONSTANT ? cell.constantTree() : null;
    return new CellDocument(cell.id(), cell.alias(), cell.type().name(), cell.kind(), value);
  }

  static Workflow read(String json) {
    WorkflowDocument document;
    try {
      document = MAPPER.readValue(json, WorkflowDocument.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new WorkflowValidationException("workflow JSON",
          List.of("it is not valid workflow JSON" + where + ": " + e.getOriginalMessage()));
    }
    if (document == null) {
      throw new WorkflowValidationException("workflow JSON", List.of("the document is empty"));
    }
    return new Reader(document).read();
  }

  /** Turns a parsed document into a workflow, collecting every problem first. */
  private static final class Reader {
    private final WorkflowDocument doc;
    private final String context;
    private final List<String> problems = new ArrayList<>();
    private final Set<UUID> ids = new HashSet<>();
    private final Map<UUID, Cell<?>> cells = new HashMap<>();
    private final Map<UUID, StepDocument> producerOf = new HashMap<>();
    private final Map<UUID, StepDocument> stepsById = new LinkedHashMap<>();
    private final Map<UUID, WorkflowStep> built = new HashMap<>();

    Reader(WorkflowDocument doc) {
      this.doc = doc;
      this.context = "workflow JSON" + (doc.name() == null ? "" : " '" + doc.name() + "'");
    }

    Workflow read() {
      if (doc.schemaVersion() == null) {
        problems.add("'schemaVersion' is missing; this Fancy writes and reads schemaVersion "
            + SCHEMA_VERSION);
      } else if (doc.schemaVersion() != SCHEMA_VERSION) {
        problems.add("schemaVersion " + doc.schemaVersion() + " is not supported; this Fancy "
            + "reads schemaVersion " + SCHEMA_VERSION
            + (doc.schemaVersion() > SCHEMA_VERSION ? " (upgrade Fancy to read newer workflows)" : ""));
      }
      if (doc.name() == null || doc.name().isBlank()) {
        problems.add("'name' is missing or blank");
      }
      readSourceCells(doc.inputs(), Cell.Role.INPUT, "inputs");
      readSourceCells(doc.constants(), Cell.Role.CONSTANT, "constants");
      for (StepDocument step : list(doc.steps())) {
        indexStep(step);
      }
      for (StepDocument step : stepsById.values()) {
        checkReferences(step);
      }
      for (UUID output : list(doc.outputs())) {
        if (output == null || (!cells.containsKey(output) && !producerOf.containsKey(output))) {
          problems.add("workflow output " + output + " refers to no input, constant or step output");
        }
      }
      if (list(doc.outputs()).isEmpty() && stepsById.isEmpty()) {
        problems.add("the workflow has no outputs and no steps");
      }
      if (problems.isEmpty()) {
        buildAll();
      }
      if (!problems.isEmpty()) {
        throw new WorkflowValidationException(context, problems);
      }
      if (!problems.isEmpty()) {
        throw new WorkflowValidationException(context, problems);
      }
      List<Cell<?>> outputs = new ArrayList<>();
      for (UUID id : list(doc.outputs())) {
        outputs.add(cell(id));
      }
      Workflow workflow = Workflow.read(doc.name(), outputs,
          stepsById.keySet().stream().map(built::get).toList());
      requireAllUsed(workflow);
      return workflow;
    }

    private void requireAllUsed(Workflow workflow) {
      Set<UUID> used = new HashSet<>();
      workflow.inputs().forEach(cell -> used.add(cell.id()));
      workflow.constants().forEach(cell -> used.add(cell.id()));
      for (CellDocument input : list(doc.inputs())) {
        if (!used.contains(input.id())) {
          problems.add("input '" + input.alias() + "' (" + input.id() + ") is used by no step "
              + "and is no output; remove it");
        }
      }
      for (CellDocument constant : list(doc.constants())) {
        if (!used.contains(constant.id())) {
          problems.add("constant '" + constant.alias() + "' (" + constant.id() + ") is used by "
              + "no step and is no output; remove it");
        }
      }
      if (!problems.isEmpty()) {
        throw new WorkflowValidationException(context, problems);
      }
    }

    private void readSourceCells(List<CellDocument> documents, Cell.Role role, String field) {
      for (CellDocument cell : list(documents)) {
        String where = field + " entry " + (cell == null ? "null" : "'" + cell.alias() + "'");
        if (cell == null || cell.id() == null || cell.alias() == null || cell.alias().isBlank()
            || cell.type() == null || cell.kind() == null) {
          problems.add(where + " needs 'id', 'alias', 'type' and 'kind'");
          continue;
        }
        if (!claim(cell.id(), where)) {
          continue;
        }
        if (cell.kind() != StorageKind.VALUE) {
          problems.add(where + " has kind " + cell.kind() + "; " + field + " are VALUE cells");
        }
        if (role == Cell.Role.CONSTANT && cell.value() == null) {
          problems.add(where + " has no 'value'");
        }
        if (role == Cell.Role.INPUT && cell.value() != null) {
          problems.add(where + " has a 'value'; inputs are bound when a run starts, "
              + "so move it to 'constants' or drop it");
        }
        ValueType<?> type = type(cell.type(), where);
        if (type != null) {
          cells.put(cell.id(), Cell.read(cell.id(), cell.alias(), cell.kind(), type, role,
              role == Cell.Role.CONSTANT ? cell.value() : null));
        }
      }
    }

    private void indexStep(StepDocument step) {
      if (step == null || step.id() == null || step.slug() == null || step.version() == null) {
        problems.add("a step needs 'id', 'slug' and 'version': " + step);
        return;
      }
      String where = "step '" + step.slug() + "' (" + step.id() + ")";
      if (!claim(step.id(), where)) {
        return;
      }
      try {
        StepIdentity.checkSlug(step.slug());
        StepIdentity.checkVersion(step.slug(), step.version());
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
      }
      stepsById.put(step.id(), step);
      if (step.name() != null && !step.name().matches("[a-z][a-z0-9_]*")) {
        problems.add(where + " has the name '" + step.name() + "'; a step's name is lower-case "
            + "letters, digits and underscores, starting with a letter");
      }
      if (step.options() != null) {
        for (String problem : step.options().toOptions().problems()) {
          problems.add(where + " has invalid options: " + problem);
        }
      }
      Set<String> names = new HashSet<>();
      for (OutputDocument output : list(step.outputs())) {
        if (output == null || output.name() == null || output.id() == null || output.type() == null
            || output.kind() == null || output.alias() == null || output.alias().isBlank()) {
          problems.add(where + " has an output without 'name', 'id', 'alias', 'type' or 'kind'");
          continue;
        }
        if (!names.add(output.name())) {
          problems.add(where + " has two outputs named '" + output.name() + "'");
        }
        if (claim(output.id(), where + " output '" + output.name() + "'")) {
          producerOf.put(output.id(), step);
          type(output.type(), where + " output '" + output.name() + "'");
        }
      }
    }

    private void checkReferences(StepDocument step) {
      String where = "step '" + step.slug() + "' (" + step.id() + ")";
      for (Map.Entry<String, UUID> input : map(step.inputs()).entrySet()) {
        UUID id = input.getValue();
        if (id == null || (!cells.containsKey(id) && !producerOf.containsKey(id))) {
          problems.add(where + " input '" + input.getKey() + "' refers to cell " + id
              + ", which is no input, constant or step output of this workflow");
        }
      }
      for (UUID upstream : list(step.after())) {
        if (!stepsById.containsKey(upstream)) {
          problems.add(where + " is ordered after step " + upstream + ", which does not exist");
        }
      }
    }

    /**
     * Builds every step after everything it depends on: an iterative depth-first search, so long
     * chains do not overflow the stack; a step met again while still on the stack is a cycle.
     */
    private void buildAll() {
      Map<UUID, Boolean> done = new HashMap<>(); // false: on the stack, true: built
      Deque<Object[]> stack = new ArrayDeque<>();
      for (StepDocument root : stepsById.values()) {
        if (done.containsKey(root.id())) {
          continue;
        }
        done.put(root.id(), Boolean.FALSE);
        stack.push(new Object[] {root, dependencies(root), 0});
        while (!stack.isEmpty()) {
          Object[] frame = stack.peek();
          StepDocument step = (StepDocument) frame[0];
          @SuppressWarnings("unchecked")
          List<StepDocument> deps = (List<StepDocument>) frame[1];
          int next = (Integer) frame[2];
          if (next == deps.size()) {
            stack.pop();
            construct(step);
            if (!problems.isEmpty()) {
              return;
            }
            done.put(step.id(), Boolean.TRUE);
            continue;
          }
          frame[2] = next + 1;
          StepDocument dep = deps.get(next);
          Boolean state = done.get(dep.id());
          if (state == null) {
            done.put(dep.id(), Boolean.FALSE);
            stack.push(new Object[] {dep, dependencies(dep), 0});
          } else if (!state) {
            List<String> cycle = new ArrayList<>();
            for (Object[] onStack : stack) {
              StepDocument s = (StepDocument) onStack[0];
              cycle.add(0, "'" + s.slug() + "' (" + s.id() + ")");
              if (s == dep) {
                break;
              }
            }
            problems.add("steps form a cycle: " + String.join(" -> ", cycle) + " -> '"
                + dep.slug() + "'; a step cannot depend on its own outputs");
            return;
          }
        }
      }
    }

    private List<StepDocument> dependencies(StepDocument step) {
      List<StepDocument> dependencies = new ArrayList<>();
      for (UUID id : map(step.inputs()).values()) {
        StepDocument producer = producerOf.get(id);
        if (producer != null) {
          dependencies.add(producer);
        }
      }
      for (UUID id : list(step.after())) {
        dependencies.add(stepsById.get(id));
      }
      return dependencies;
    }

    private void construct(StepDocument step) {
      List<String> inputNames = new ArrayList<>(map(step.inputs()).keySet());
      List<Cell<?>> inputs = new ArrayList<>();
      for (UUID id : map(step.inputs()).values()) {
        inputs.add(cell(id));
      }
      List<WorkflowStep.OutputSpec> outputs = new ArrayList<>();
      for (OutputDocument output : list(step.outputs())) {
        outputs.add(new WorkflowStep.OutputSpec(output.id(), output.name(), output.alias(),
            output.kind(), ValueType.named(output.type())));
      }
      WorkflowStep workflowStep = step.flow() == null
          ? new WorkflowStep(step.id(), step.slug(), step.version(), inputNames, inputs, outputs)
          : flowStep(step, inputNames, inputs, outputs);
      if (workflowStep == null) {
        return;
      }
      if (step.name() != null) {
        workflowStep.nameAs(step.name());
      }
      for (UUID id : list(step.after())) {
        workflowStep.after(built.get(id));
      }
      if (step.options() != null) {
        workflowStep.options(step.options().toOptions());
      }
      built.put(step.id(), workflowStep);
    }

    /** A control-flow step with its children read recursively; null if it has problems. */
    private FlowStep flowStep(StepDocument step, List<String> inputNames, List<Cell<?>> inputs,
        List<WorkflowStep.OutputSpec> outputs) {
      String where = "step '" + step.slug() + "' (" + step.id() + ")";
      FlowDocument flow = step.flow();
      if (flow.kind() == null || flow.settings() == null || flow.children() == null) {
        problems.add(where + " has a 'flow' without 'kind', 'settings' or 'children'");
        return null;
      }
      if (!flow.kind().slug().equals(step.slug()) || step.version() != FlowStep.VERSION) {
        problems.add(where + " is a " + flow.kind() + " flow, whose slug is " + flow.kind().slug()
            + " version " + FlowStep.VERSION);
        return null;
      }
      Map<String, Workflow> children = new LinkedHashMap<>();
      for (Map.Entry<String, WorkflowDocument> child : flow.children().entrySet()) {
        try {
          children.put(child.getKey(), new Reader(child.getValue()).read());
        } catch (WorkflowValidationException e) {
          for (String problem : e.problems()) {
            problems.add(where + " child '" + child.getKey() + "': " + problem);
          }
        }
      }
      if (children.size() != flow.children().size()) {
        return null;
      }
      FlowStep built;
      try {
        built = new FlowStep(step.id(), flow.kind(), children, flow.settings(), inputNames,
            inputs, outputs);
      } catch (WorkflowValidationException e) {
        e.problems().forEach(problem -> problems.add(where + ": " + problem));
        return null;
      }
      FlowShape.problems(built).forEach(problem -> problems.add(where + ": " + problem));
      return built;
    }

    private Cell<?> cell(UUID id) {
      Cell<?> cell = cells.get(id);
      if (cell != null) {
        return cell;
      }
      WorkflowStep producer = built.get(producerOf.get(id).id());
      for (Cell<?> output : producer.outputCells()) {
        if (output.id().equals(id)) {
          return output;
        }
      }
      throw new IllegalStateException("cell " + id + " vanished while reading");
    }

    private boolean claim(UUID id, String where) {
      if (!ids.add(id)) {
        problems.add(where + " reuses ID " + id + "; every cell and step needs its own ID");
        return false;
      }
      return true;
    }

    private ValueType<?> type(String name, String where) {
      try {
        return ValueType.named(name);
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
        return null;
      }
    }

    private static <T> List<T> list(List<T> list) {
      return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> map(Map<K, V> map) {
      return map == null ? Map.of() : map;
    }
  }
}
