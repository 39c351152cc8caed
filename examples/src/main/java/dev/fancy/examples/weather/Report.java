package dev.fancy.examples.weather;

import java.nio.file.Path;

/**
 * The written report.
 *
 * @param markdown the report's text (Markdown)
 * @param file where the report was written
 */
public record Report(String markdown, Path file) {}
