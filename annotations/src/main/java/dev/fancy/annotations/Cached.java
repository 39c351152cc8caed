package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the results of a {@code @Step} method by the content of its inputs: a call with inputs
 * equal (as JSON) to an earlier call's, at the same slug and version, reuses that call's outputs
 * instead of running. Use it for deterministic steps only. A workflow step can turn it off.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Cached {}
