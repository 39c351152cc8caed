package dev.fancy.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stores a step output as a {@code REFERENCE} cell: the value is serialized to bytes in the
 * engine's reference store (files by default) and the cell holds only a URI to them, instead of
 * keeping the value inline ({@code VALUE}). Use it for large outputs such as tables.
 *
 * <p>Put it on a {@code @Step} method to store its single {@code out} output by reference, or on
 * a component of a record returned by a {@code @Step} method to store that one output by
 * reference. Values must then be serializable to JSON (Jackson).
 *
 * <p>For large bytes, return a {@code dev.fancy.value.Blob} instead (it needs no
 * {@code @Reference}): a {@code byte[]} or {@code String} goes through JSON (base64 for bytes)
 * and is read back whole, a blob is kept as raw bytes and read as a stream.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface Reference {}
