package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that builds a workflow a module provides by name, so that
 * {@code fancy run weather.report} (and anything else that looks workflows up by name) finds it.
 *
 * <p>The Fancy annotation processor generates {@code <Class>WorkflowModule} in the same package
 * for every class with such methods, a {@code dev.fancy.registry.WorkflowModule} that lists each
 * name with a reference to its method (no reflection), and lists it in
 * {@code META-INF/services/dev.fancy.registry.WorkflowModule}, so that
 * {@code WorkflowRegistry.loadDefault()} finds it with {@link java.util.ServiceLoader}, as
 * generated step modules are found.
 *
 * <p>The method must be {@code public static}, take no parameters, return
 * {@code dev.fancy.workflow.Workflow}, and be declared in a {@code public} class (every enclosing
 * class public). The workflow it returns must carry the same name
 * ({@code Workflow.of("weather.report", ...)}): the CLI, the server and the journal's labels all
 * use it; the registry refuses a workflow whose own name differs. Names are unique within a
 * compilation (checked by the processor) and on a class path (checked when the registry loads).
 *
 * <pre>{@code
 * @WorkflowDefinition(name = "weather.report")
 * public static Workflow report() {
 *   Cell<Path> file = Cell.input("file", Path.class);
 *   return Workflow.of("weather.report", WeatherSteps.summarize(file).out());
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface WorkflowDefinition {

  /**
   * The workflow's name, by which the CLI, the server and the journal's labels know it.
   *
   * <p>Shape, as a step's slug: one or more dot-separated segments, each a lower-case letter
   * followed by lower-case letters, digits or underscores (regular expression
   * {@code [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*}), for example {@code weather.report}.
   */
  String name();
}
