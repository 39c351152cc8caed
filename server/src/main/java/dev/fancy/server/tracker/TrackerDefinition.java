package dev.fancy.server.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.server.ApiProblem;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.RetryPolicy;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A workflow in the tracker's shape, checked: {@code {"name": ..., "steps": [{"id": "fetch",
 * "type": "task", "config": {"action": "fetch", "duration_seconds": 0.5, "fail_probability":
 * 0.2, "max_retries": 3}, "depends_on": []}]}}. {@link #toWorkflow()} turns it into a Fancy
 * {@link Workflow} of {@code tracker.task} steps ordered by {@code depends_on}.
 *
 * @param name the workflow's name
 * @param steps its steps, in the order given
 */
public record TrackerDefinition(String name, List<TaskStepDefinition> steps) {

  /** Longest name, step ID or action accepted. */
  public static final int MAX_NAME = 200;
  /** Most retries a step may ask for. */
  public static final int MAX_RETRIES = 100;
  /** Longest simulated duration of one attempt, in seconds (one day). */
  public static final double MAX_DURATION_SECONDS = 86_400;
  /** Most steps in one workflow. */
  public static final int MAX_STEPS = 1_000;

  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> TOP_FIELDS = Set.of("name", "steps");
  private static final Set<String> STEP_FIELDS = Set.of("id", "type", "config", "depends_on");
  private static final Set<String> CONFIG_FIELDS =
      Set.of("action", "duration_seconds", "fail_probability", "max_retries");

  /**
   * One step of a tracker workflow.
   *
   * @param id its ID, unique in the workflow
   * @param type always {@code task}
   * @param action a free label, may be empty
   * @param durationSeconds how long each attempt sleeps
   * @param failProbability the chance an attempt fails
   * @param maxRetries how many more attempts after a failed one
   * @param dependsOn the IDs of the steps it runs after
   */
  public record TaskStepDefinition(String id, String type, String action, double durationSeconds,
      double failProbability, int maxRetries, List<String> dependsOn) {
    /** Copies the list. */
    public TaskStepDefinition {
      dependsOn = List.copyOf(dependsOn);
    }
  }

  /** Copies the list. */
  public TrackerDefinition {
    Objects.requireNonNull(name, "name == null");
    steps = List.copyOf(steps);
  }

  /** Whether {@code body} looks like the tracker's shape rather than Fancy's workflow JSON. */
  public static boolean isTrackerShape(JsonNode body) {
    return body.isObject() && !body.has("schemaVersion");
  }

  /**
   * Reads and checks a tracker definition, reporting every problem at once.
   *
   * @throws ApiProblem 422 listing each problem at its JSON pointer: unknown fields, wrong types,
   *     a missing or blank name, no steps, duplicate step IDs, a {@code depends_on} naming a
   *     missing step, a cycle, a {@code fail_probability} outside [0, 1], a negative duration or
   *     retry count
   */
  public static TrackerDefinition parse(JsonNode body) {
    List<ApiProblem.Error> errors = new ArrayList<>();
    if (!body.isObject()) {
      throw ApiProblem.invalid("invalid-workflow", "Invalid workflow",
          List.of(new ApiProblem.Error("", "a workflow must be a JSON object, not "
              + kind(body))), hint());
    }
    unknownFields(body, "", TOP_FIELDS, errors);
    String name = null;
    JsonNode nameNode = body.get("name");
    if (nameNode == null || nameNode.isNull()) {
      errors.add(new ApiProblem.Error("/name", "the workflow needs a name"));
    } else if (!nameNode.isTextual()) {
      errors.add(new ApiProblem.Error("/name", "name must be a string, not " + kind(nameNode)));
    } else if (nameNode.asText().isBlank() || nameNode.asText().length() > MAX_NAME) {
      errors.add(new ApiProblem.Error("/name", "name must be 1 to " + MAX_NAME
          + " characters, not blank"));
    } else {
      name = nameNode.asText();
    }
    List<TaskStepDefinition> steps = new ArrayList<>();
    Map<String, Integer> indexById = new LinkedHashMap<>();
    JsonNode stepsNode = body.get("steps");
    if (stepsNode == null || stepsNode.isNull()) {
      errors.add(new ApiProblem.Error("/steps", "the workflow needs steps: a non-empty array"));
    } else if (!stepsNode.isArray()) {
      errors.add(new ApiProblem.Error("/steps", "steps must be an array, not "
          + kind(stepsNode)));
    } else if (stepsNode.isEmpty()) {
      errors.add(new ApiProblem.Error("/steps", "steps is empty; a workflow needs at least one "
          + "step"));
    } else if (stepsNode.size() > MAX_STEPS) {
      errors.add(new ApiProblem.Error("/steps", "at most " + MAX_STEPS + " steps, not "
          + stepsNode.size()));
    } else {
      for (int i = 0; i < stepsNode.size(); i++) {
        TaskStepDefinition step = parseStep(stepsNode.get(i), "/steps/" + i, errors);
        if (step != null) {
          if (indexById.containsKey(step.id())) {
            errors.add(new ApiProblem.Error("/steps/" + i + "/id", "duplicate step id '"
                + step.id() + "' (also /steps/" + indexById.get(step.id()) + ")"));
          } else {
            indexById.put(step.id(), i);
          }
        }
        steps.add(step);
      }
      for (int i = 0; i < steps.size(); i++) {
        TaskStepDefinition step = steps.get(i);
        if (step == null) {
          continue;
        }
        for (int d = 0; d < step.dependsOn().size(); d++) {
          String dep = step.dependsOn().get(d);
          if (!indexById.containsKey(dep)) {
            errors.add(new ApiProblem.Error("/steps/" + i + "/depends_on/" + d, "step '"
                + step.id() + "' depends on '" + dep + "', which is not a step of this "
                + "workflow; the steps are " + indexById.keySet()));
          } else if (dep.equals(step.id())) {
            errors.add(new ApiProblem.Error("/steps/" + i + "/depends_on/" + d, "step '"
                + step.id() + "' depends on itself"));
          }
        }
      }
      if (errors.isEmpty()) {
        cycle(steps, indexById, errors);
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid("invalid-workflow", "Invalid workflow", errors, hint());
    }
    return new TrackerDefinition(name, steps);
  }

  private static String hint() {
    return "send {\"name\": ..., \"steps\": [{\"id\": \"fetch\", \"type\": \"task\", \"config\": "
        + "{\"action\": \"fetch\", \"duration_seconds\": 0.5, \"fail_probability\": 0.2, "
        + "\"max_retries\": 3}, \"depends_on\": []}]} or Fancy's workflow JSON "
        + "(docs/workflow-json.md)";
  }

  private static TaskStepDefinition parseStep(JsonNode node, String at,
      List<ApiProblem.Error> errors) {
    if (!node.isObject()) {
      errors.add(new ApiProblem.Error(at, "a step must be an object, not " + kind(node)));
      return null;
    }
    int before = errors.size();
    unknownFields(node, at, STEP_FIELDS, errors);
    String id = null;
    JsonNode idNode = node.get("id");
    if (idNode == null || !idNode.isTextual()) {
      errors.add(new ApiProblem.Error(at + "/id", idNode == null ? "the step needs an id"
          : "id must be a string, not " + kind(idNode)));
    } else if (!STEP_ID.matcher(idNode.asText()).matches()) {
      errors.add(new ApiProblem.Error(at + "/id", "id '" + idNode.asText() + "' must be 1 to 64 "
          + "letters, digits, '.', '_' or '-', starting with a letter or digit"));
    } else {
      id = idNode.asText();
    }
    JsonNode type = node.get("type");
    if (type != null && !(type.isTextual() && type.asText().equals("task"))) {
      errors.add(new ApiProblem.Error(at + "/type", "type must be \"task\" (the simulated "
          + "task), not " + type));
    }
    String action = "";
    double duration = 0;
    double failProbability = 0;
    int maxRetries = 0;
    JsonNode config = node.get("config");
    if (config != null && !config.isNull()) {
      if (!config.isObject()) {
        errors.add(new ApiProblem.Error(at + "/config", "config must be an object, not "
            + kind(config)));
      } else {
        unknownFields(config, at + "/config", CONFIG_FIELDS, errors);
        JsonNode a = config.get("action");
        if (a != null && !a.isNull()) {
          if (!a.isTextual() || a.asText().length() > MAX_NAME) {
            errors.add(new ApiProblem.Error(at + "/config/action", "action must be a string of "
                + "at most " + MAX_NAME + " characters, not " + kind(a)));
          } else {
            action = a.asText();
          }
        }
        duration = number(config, "duration_seconds", at, 0, MAX_DURATION_SECONDS, errors);
        failProbability = number(config, "fail_probability", at, 0, 1, errors);
        JsonNode r = config.get("max_retries");
        if (r != null && !r.isNull()) {
          if (!r.isIntegralNumber()) {
            errors.add(new ApiProblem.Error(at + "/config/max_retries", "max_retries must be a "
                + "whole number, not " + kind(r)));
          } else if (r.asLong() < 0 || r.asLong() > MAX_RETRIES) {
            errors.add(new ApiProblem.Error(at + "/config/max_retries", "max_retries must be in "
                + "[0, " + MAX_RETRIES + "], not " + r.asLong()));
          } else {
            maxRetries = r.asInt();
          }
        }
      }
    }
    List<String> dependsOn = new ArrayList<>();
    JsonNode deps = node.get("depends_on");
    if (deps != null && !deps.isNull()) {
      if (!deps.isArray()) {
        errors.add(new ApiProblem.Error(at + "/depends_on", "depends_on must be an array of "
            + "step ids, not " + kind(deps)));
      } else {
        for (int d = 0; d < deps.size(); d++) {
          JsonNode dep = deps.get(d);
          if (!dep.isTextual()) {
            errors.add(new ApiProblem.Error(at + "/depends_on/" + d, "a step id must be a "
                + "string, not " + kind(dep)));
          } else if (dependsOn.contains(dep.asText())) {
            errors.add(new ApiProblem.Error(at + "/depends_on/" + d, "'" + dep.asText()
                + "' is listed twice"));
          } else {
            dependsOn.add(dep.asText());
          }
        }
      }
    }
    if (errors.size() > before || id == null) {
      return null;
    }
    return new TaskStepDefinition(id, "task", action, duration, failProbability, maxRetries,
        dependsOn);
  }

  private static double number(JsonNode config, String field, String at, double min, double max,
      List<ApiProblem.Error> errors) {
    JsonNode n = config.get(field);
    if (n == null || n.isNull()) {
      return 0;
    }
    String pointer = at + "/config/" + field;
    if (!n.isNumber()) {
      errors.add(new ApiProblem.Error(pointer, field + " must be a number, not " + kind(n)));
      return 0;
    }
    double value = n.asDouble();
    if (!(value >= min && value <= max)) {
      errors.add(new ApiProblem.Error(pointer, field + " must be in [" + fmt(min) + ", "
          + fmt(max) + "], not " + n.asText()));
      return 0;
    }
    return value;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static void unknownFields(JsonNode node, String at, Set<String> known,
      List<ApiProblem.Error> errors) {
    node.fieldNames().forEachRemaining(field -> {
      if (!known.contains(field)) {
        errors.add(new ApiProblem.Error(at + "/" + escape(field), "unknown field '" + field
            + "'; the known fields here are " + new java.util.TreeSet<>(known)));
      }
    });
  }

  /** Escapes a JSON pointer token (RFC 6901). */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static void cycle(List<TaskStepDefinition> steps, Map<String, Integer> indexById,
      List<ApiProblem.Error> errors) {
    // Depth-first search; 0 unvisited, 1 on the stack, 2 done.
    int[] state = new int[steps.size()];
    for (int start = 0; start < steps.size(); start++) {
      List<Integer> path = new ArrayList<>();
      if (state[start] == 0 && visit(start, steps, indexById, state, path, errors)) {
        return;
      }
    }
  }

  private static boolean visit(int i, List<TaskStepDefinition> steps,
      Map<String, Integer> indexById, int[] state, List<Integer> path,
      List<ApiProblem.Error> errors) {
    state[i] = 1;
    path.add(i);
    List<String> deps = steps.get(i).dependsOn();
    for (int d = 0; d < deps.size(); d++) {
      int j = indexById.get(deps.get(d));
      if (state[j] == 1) {
        List<String> ids = new ArrayList<>();
        for (int k = path.indexOf(j); k < path.size(); k++) {
          ids.add(steps.get(path.get(k)).id());
        }
        ids.add(steps.get(j).id());
        errors.add(new ApiProblem.Error("/steps/" + i + "/depends_on/" + d, "depends_on makes a "
            + "cycle: " + String.join(" -> ", ids) + "; a workflow must be acyclic"));
        return true;
      }
      if (state[j] == 0 && visit(j, steps, indexById, state, path, errors)) {
        return true;
      }
    }
    path.remove(path.size() - 1);
    state[i] = 2;
    return false;
  }

  /**
   * The Fancy workflow: one {@code tracker.task} step per tracker step, its {@link TaskSpec} a
   * constant aliased by the step's ID, ordered after its {@code depends_on} steps, with
   * {@code max_retries + 1} attempts (backoff from 100 ms); every step's output is a workflow
   * output.
   */
  public Workflow toWorkflow() {
    Map<String, WorkflowStep> built = new HashMap<>();
    List<Cell<String>> all = new ArrayList<>();
    List<TaskStepDefinition> pending = new ArrayList<>(steps);
    while (!pending.isEmpty()) {
      for (var it = pending.iterator(); it.hasNext(); ) {
        TaskStepDefinition s = it.next();
        if (!built.keySet().containsAll(s.dependsOn())) {
          continue;
        }
        Cell<TaskSpec> spec = Cell.constant(s.id(), ValueType.of(TaskSpec.class),
            new TaskSpec(s.id(), s.action(), s.durationSeconds(), s.failProbability()));
        var step = TrackerTaskSteps.task(spec);
        for (String dep : s.dependsOn()) {
          step.after(built.get(dep));
        }
        step.options(StepOptions.DEFAULT.withRetry(new RetryPolicy(s.maxRetries() + 1,
            Duration.ofMillis(100), 2, Duration.ofSeconds(5), 0.2, List.of(), List.of())));
        built.put(s.id(), step);
        all.add(step.out());
        it.remove();
      }
    }
    return Workflow.of(name, all);
  }

  /** This definition as the tracker writes it (snake_case). */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("name", name);
    var array = root.putArray("steps");
    for (TaskStepDefinition s : steps) {
      ObjectNode step = array.addObject();
      step.put("id", s.id());
      step.put("type", s.type());
      ObjectNode config = step.putObject("config");
      config.put("action", s.action());
      config.put("duration_seconds", s.durationSeconds());
      config.put("fail_probability", s.failProbability());
      config.put("max_retries", s.maxRetries());
      var deps = step.putArray("depends_on");
      s.dependsOn().forEach(deps::add);
    }
    return root;
  }
}
