package dev.fancy.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document of every route, built with swagger-models (the Javalin OpenAPI plugin
 * has no release for Javalin 7) and served at {@code /openapi.json}. A test compares its paths
 * and methods with the routes the server registers.
 */
final class OpenApiDocument {
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");
  private static volatile JsonNode cached;

  private OpenApiDocument() {}

  static JsonNode json() {
    JsonNode doc = cached;
    if (doc == null) {
      try {
        doc = Json.MAPPER.readTree(Json31.mapper().writeValueAsString(build()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot write the OpenAPI document", e);
      }
      cached = doc;
    }
    return doc;
  }

  static OpenAPI build() {
    OpenAPI api = new OpenAPI(io.swagger.v3.oas.models.SpecVersion.V31).openapi("3.1.0")
        .info(new Info().title("Fancy workflow service").version("0.1.0")
            .description("Submit, watch and repair workflow runs over Fancy's engine contract."
                + " Errors are RFC 9457 application/problem+json."));
    api.components(new Components()
        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
            .scheme("bearer").description("Needed when the server has an API token"))
        .addSchemas("Problem", new Schema<>().type("object")
            .addProperty("type", new Schema<>().type("string").format("uri"))
            .addProperty("title", new Schema<>().type("string"))
            .addProperty("status", new Schema<>().type("integer"))
            .addProperty("detail", new Schema<>().type("string"))
            .addProperty("pointer", new Schema<>().type("string"))
            .addProperty("hint", new Schema<>().type("string"))
            .addProperty("errors", new Schema<>().type("array")))
        .addSchemas("Workflow", object("id", "name", "shape", "steps", "created_at"))
        .addSchemas("Run", object("id", "workflow_id", "status", "created_at", "started_at",
            "finished_at", "error", "labels", "steps"))
        .addSchemas("RunPage", object("runs", "next"))
        .addSchemas("Attempts", object("run_id", "step", "status", "attempts"))
        .addSchemas("Steps", object("steps"))
        .addSchemas("Order", object("id", "customer", "sku", "quantity", "amount", "status",
            "run_id", "created_at")));
    api.addSecurityItem(new SecurityRequirement().addList("bearer"));
    Paths paths = new Paths();
    add(paths, "GET", "/health/live", "Liveness: 200 as soon as the server listens", null,
        Map.of("200", "alive"));
    add(paths, "GET", "/health/ready", "Readiness: 503 until the engine has recovered "
        + "interrupted runs", null, Map.of("200", "ready", "503", "recovering"));
    add(paths, "GET", "/metrics", "Prometheus metrics (text format)", null,
        Map.of("200", "metrics"));
    add(paths, "GET", "/openapi.json", "This document", null, Map.of("200", "OpenAPI 3.1"));
    add(paths, "POST", "/workflows", "Create a workflow from the tracker's definition or "
        + "Fancy's workflow JSON", "Workflow", Map.of("201", "#Workflow", "400", "malformed JSON",
        "413", "body too large", "422", "invalid workflow or unknown step"));
    add(paths, "GET", "/workflows", "List workflows: the @WorkflowDefinition workflows of the "
        + "class path by name (shape definition, id = name, source = providing class), then the "
        + "posted ones, newest first", null, Map.of("200", "workflows"));
    add(paths, "GET", "/workflows/{id}", "One workflow, by a posted workflow's id or a "
        + "definition's name", null, Map.of("200", "#Workflow", "404", "unknown workflow"));
    add(paths, "POST", "/workflows/{id}/runs", "Start a run of a posted workflow (by id) or of "
        + "a class path definition (by name; journaled under that name and labelled "
        + "fancy.workflow_id=name); body: the run's inputs by name; "
        + "Idempotency-Key makes it safe to repeat", "inputs", Map.of("202", "#Run",
        "400", "malformed JSON", "404", "unknown workflow", "422", "invalid inputs or reused "
        + "Idempotency-Key"));
    add(paths, "GET", "/runs", "List runs newest first; filters status, workflow_id; cursor "
        + "pagination (limit <= 500, next link)", null, Map.of("200", "#RunPage",
        "400", "invalid parameter"));
    add(paths, "GET", "/runs/{id}", "A run with every step's status, attempts, timestamps, "
        + "error and output preview", null, Map.of("200", "#Run", "404", "unknown run"));
    add(paths, "DELETE", "/runs/{id}", "Delete a finished run with its steps, attempts, "
        + "events and stored values", null, Map.of("204", "deleted", "404", "unknown run",
        "409", "run not finished", "501", "the engine cannot delete runs"));
    add(paths, "GET", "/runs/{id}/steps/{step}/attempts", "Every attempt of one step", null,
        Map.of("200", "#Attempts", "404", "unknown run or step"));
    add(paths, "GET", "/runs/{id}/outputs/{output}", "The full value of a workflow output "
        + "(the tracker step's id or the output's name), streamed; a Blob output as its raw "
        + "bytes (application/octet-stream, Content-Length, ETag = its SHA-256)", null,
        Map.of("200", "the value as JSON, or a Blob's bytes", "404", "unknown run or output",
        "409", "run not finished"));
    add(paths, "GET", "/runs/{id}/events", "Server-Sent Events, one per step state change; "
        + "id is the run's event sequence number; resume with Last-Event-ID", null,
        Map.of("200", "text/event-stream", "404", "unknown run"));
    add(paths, "GET", "/runs/{id}/graph.svg", "The workflow's DAG laid out by ELK, coloured by "
        + "step status", null, Map.of("200", "image/svg+xml", "404", "unknown run"));
    add(paths, "POST", "/runs/{id}/cancel", "Cancel a run", null, Map.of("202", "#Run",
        "404", "unknown run", "409", "run already finished"));
    add(paths, "POST", "/runs/{id}/resume", "Resume a failed or cancelled run from its last "
        + "committed step", null, Map.of("202", "#Run", "404", "unknown run",
        "409", "run cannot resume"));
    add(paths, "POST", "/orders", "Place an order {customer, sku, quantity}: a durable "
        + "fulfilment run whose effects commit exactly once", "Workflow", Map.of("201", "#Order",
        "400", "malformed JSON", "409", "orders need the durable journal",
        "422", "invalid order"));
    add(paths, "GET", "/orders/{id}", "One order with its fulfilment status", null,
        Map.of("200", "#Order", "404", "unknown order"));
    add(paths, "GET", "/steps", "Registered steps with their typed contracts and JSON Schemas",
        null, Map.of("200", "#Steps"));
    api.paths(paths);
    return api;
  }

  private static Schema<?> object(String... fields) {
    Schema<?> schema = new Schema<>().type("object");
    for (String field : fields) {
      schema.addProperty(field, new Schema<>());
    }
    return schema;
  }

  private static void add(Paths paths, String method, String path, String summary,
      String body, Map<String, String> responses) {
    PathItem item = paths.computeIfAbsent(path, p -> new PathItem());
    Operation op = new Operation().summary(summary)
        .operationId(method.toLowerCase(java.util.Locale.ROOT)
            + path.replaceAll("[^A-Za-z0-9]+", "_"));
    Matcher m = PATH_PARAM.matcher(path);
    while (m.find()) {
      op.addParametersItem(new Parameter().in("path").name(m.group(1)).required(true)
          .schema(new Schema<>().type("string")));
    }
    if (body != null) {
      op.requestBody(new RequestBody().required(body.equals("Workflow"))
          .content(new Content().addMediaType("application/json", new MediaType()
              .schema(new Schema<>().type("object")))));
    }
    ApiResponses out = new ApiResponses();
    responses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(r -> {
      ApiResponse response = new ApiResponse();
      int status = Integer.parseInt(r.getKey());
      if (status >= 400) {
        response.description(r.getValue()).content(new Content().addMediaType(
            Api.PROBLEM_JSON, new MediaType().schema(new Schema<>()
                .$ref("#/components/schemas/Problem"))));
      } else if (r.getValue().startsWith("#")) {
        String name = r.getValue().substring(1);
        response.description(name).content(new Content().addMediaType("application/json",
            new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + name))));
      } else {
        response.description(r.getValue());
      }
      out.addApiResponse(r.getKey(), response);
    });
    op.responses(out);
    switch (method) {
      case "GET" -> item.get(op);
      case "POST" -> item.post(op);
      case "DELETE" -> item.delete(op);
      default -> throw new IllegalArgumentException(method);
    }
    if (path.startsWith("/health/")) {
      op.security(List.of());
    }
  }

  /** Every (method, path) the document describes, in Javalin's path syntax. */
  static List<FancyServer.Route> routes() {
    List<FancyServer.Route> routes = new java.util.ArrayList<>();
    JsonNode paths = json().get("paths");
    paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames().forEachRemaining(
        method -> {
          if (List.of("get", "post", "put", "delete", "patch").contains(method)) {
            routes.add(new FancyServer.Route(method.toUpperCase(java.util.Locale.ROOT), path));
          }
        }));
    return routes;
  }
}
