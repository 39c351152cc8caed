package dev.fancy.server;

import java.util.List;
import java.util.Objects;

/**
 * An error answered as an RFC 9457 {@code application/problem+json} document: thrown by route
 * handlers, turned into a response in one place by the server. Messages never carry stack traces.
 *
 * <pre>{@code
 * {"type": "https://fancy.dev/problems/invalid-workflow", "title": "Invalid workflow",
 *  "status": 422, "detail": "...", "pointer": "/steps/1/depends_on/0", "hint": "...",
 *  "errors": [{"pointer": "/steps/1/depends_on/0", "detail": "..."}]}
 * }</pre>
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The base of every problem type URI; the slug after it names the kind of problem. */
  public static final String TYPE_BASE = "https://fancy.dev/problems/";

  /**
   * One problem inside a request body.
   *
   * @param pointer the RFC 6901 JSON pointer of the offending value ({@code ""} for the body)
   * @param detail what is wrong there
   */
  public record Error(String pointer, String detail) {
    /** Checks the fields. */
    public Error {
      Objects.requireNonNull(pointer, "pointer == null");
      Objects.requireNonNull(detail, "detail == null");
    }
  }

  private final int status;
  private final String type;
  private final String title;
  private final String hint;
  private final List<Error> errors;

  /**
   * Creates a problem.
   *
   * @param status the HTTP status, 400 to 599
   * @param type the kind, appended to {@link #TYPE_BASE} (e.g. {@code invalid-workflow})
   * @param title a short summary of the kind, the same for every instance
   * @param detail this occurrence, for people
   * @param hint how to fix it, or null
   * @param errors the offending values in the body, in order; may be empty
   */
  public ApiProblem(int status, String type, String title, String detail, String hint,
      List<Error> errors) {
    super(Objects.requireNonNull(detail, "detail == null"), null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status " + status + " is not an error");
    }
    this.status = status;
    this.type = TYPE_BASE + Objects.requireNonNull(type, "type == null");
    this.title = Objects.requireNonNull(title, "title == null");
    this.hint = hint;
    this.errors = List.copyOf(errors);
  }

  /**
   * A 404 for an unknown {@code what} with ID {@code id}; the hint says where the known ones are
   * listed.
   *
   * @param what {@code workflow}, {@code run} or {@code order} (another word gets a hint to the
   *     route list)
   */
  public static ApiProblem notFound(String what, String id) {
    String hint = switch (what) {
      case "workflow" -> "list the known workflows with GET /workflows";
      case "run" -> "list the known runs with GET /runs (a run ID is a UUID)";
      case "order" -> "an order's ID is in the Location header and body of the POST /orders "
          + "that placed it";
      default -> "GET /openapi.json lists every route";
    };
    return new ApiProblem(404, "not-found", "Not found", "no " + what + " '" + id + "'", hint,
        List.of());
  }

  /** A 422 for a body whose values are wrong, each error at its pointer. */
  public static ApiProblem invalid(String type, String title, List<Error> errors, String hint) {
    String detail = errors.size() == 1 ? errors.get(0).detail()
        : errors.size() + " problems: " + errors.get(0).detail() + "; ...";
    return new ApiProblem(422, type, title, detail, hint, errors);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The problem's type URI. */
  public String type() {
    return type;
  }

  /** The short summary of the kind. */
  public String title() {
    return title;
  }

  /** How to fix it, or null. */
  public String hint() {
    return hint;
  }

  /** The offending values, in order. */
  public List<Error> errors() {
    return errors;
  }

  /** The first error's pointer, or null. */
  public String pointer() {
    return errors.isEmpty() ? null : errors.get(0).pointer();
  }
}
