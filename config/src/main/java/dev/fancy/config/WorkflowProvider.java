package dev.fancy.config;

import dev.fancy.workflow.Workflow;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Workflows a module provides by name, written by hand and found with
 * {@link java.util.ServiceLoader} (list the implementation in
 * {@code META-INF/services/dev.fancy.config.WorkflowProvider}). {@link WorkflowCatalog} reads
 * them beside the workflows of {@code @WorkflowDefinition} methods, which are the simpler way:
 *
 * <pre>{@code
 * @WorkflowDefinition(name = "weather.report")
 * public static Workflow report() { ... return Workflow.of("weather.report", ...); }
 * }</pre>
 *
 * <p>A name is what the CLI, the server and the journal's labels all use. Unlike a
 * {@code @WorkflowDefinition}, whose workflow must carry its definition's name, a provider's
 * workflow may have another name of its own.
 */
public interface WorkflowProvider {

  /**
   * The workflows by name; each supplier builds its workflow when asked (and may be called more
   * than once). A supplied workflow's own name may differ from the key.
   */
  Map<String, Supplier<Workflow>> workflows();
}
