/**
 * Annotations that mark plain Java methods as Fancy workflow steps. This module has no
 * dependencies; the {@code fancy-processor} annotation processor reads these annotations at
 * compile time.
 */
package dev.fancy.annotations;
