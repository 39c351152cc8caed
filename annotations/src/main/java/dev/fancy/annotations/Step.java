package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a workflow step.
 *
 * <p>The Fancy annotation processor turns every class that has {@code @Step} methods into two
 * generated classes in the same package: {@code <Class>Steps}, with one typed factory method per
 * step (calling it runs nothing; it returns a wired workflow step whose outputs are new typed
 * cells), and {@code <Class>StepModule}, which registers each step's contract and a reflection-free
 * invoker with the runtime's step registry.
 *
 * <p>Inputs are the method's parameters, named as in the source. Outputs are derived from the
 * return type: a {@code record} gives one output per record component (named and typed by the
 * component) unless {@link #splitRecord()} is false, {@code void} gives none, and any other type
 * gives one output named {@code out}.
 *
 * <p>The method must be {@code public}, declared in a {@code public} top-level class or a
 * {@code public static} nested class, and must not declare type parameters. Static methods are
 * called directly; instance methods are called on the instance handed to the generated module's
 * constructor.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Step {

  /**
   * The step's stable identity, used in workflow JSON, the journal and the registry; renaming the
   * method or class does not change it when it is set explicitly.
   *
   * <p>Shape: one or more dot-separated segments, each a lower-case letter followed by lower-case
   * letters, digits or underscores (regular expression {@code [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*}),
   * for example {@code etl.load_csv}.
   *
   * <p>Default (empty string): the enclosing class's simple name and the method name, each
   * converted from camel case to snake case and joined by a dot, so {@code Etl.loadCsv} becomes
   * {@code etl.load_csv} and {@code WeatherSteps.yearlyTrend} becomes
   * {@code weather_steps.yearly_trend}.
   *
   * @return the slug, or an empty string for the default
   */
  String slug() default "";

  /**
   * The step's version, at least 1. Change it when the step's behaviour changes in a way that
   * makes earlier results invalid; a workflow names the version it was built with and a registry
   * keeps each version separately.
   *
   * @return the version, {@code >= 1}
   */
  int version() default 1;

  /**
   * A one-line, human-readable description shown in registries, dashboards and the CLI.
   *
   * <p>Default (empty string): the first sentence of the method's Javadoc, or no description when
   * the method has none.
   *
   * @return the description, or an empty string for the default
   */
  String description() default "";

  /**
   * Whether a returned record becomes one output per record component (the default). Set it to
   * {@code false} to pass the record on whole, as the single output {@code out}, when the record
   * is one value (a fitted model, a summary) rather than several results. Ignored for other
   * return types.
   *
   * @return whether to split a returned record into its components
   */
  boolean splitRecord() default true;
}
