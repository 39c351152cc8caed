package dev.fancy.config;

import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Workflows a module provides by name, found with {@link java.util.ServiceLoader} (list the
 * implementation in {@code META-INF/services/dev.fancy.config.WorkflowProvider}) so that
 * {@code fancy run weather.report} and the server can find them. A name is what the CLI, the
 * server and the journal's labels all use.
 *
 * <p>Until the processor registers {@code @WorkflowDefinition} methods, modules implement this
 * by hand:
 *
 * <pre>{@code
 * public final class WeatherWorkflows implements WorkflowProvider {
 *   public Map<String, Supplier<Workflow>> workflows() {
 *     return Map.of("weather.report", WeatherReport::workflow);
 *   }
 * }
 * }</pre>
 */
public interface WorkflowProvider {

  /**
   * The workflows by name; each supplier builds its workflow when asked (and may be called more
   * than once). A supplied workflow's own name may differ from the key.
   */
  Map<String, Supplier<Workflow>> workflows();
}
