package dev.fancy.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Wiring in the README, the docs, the examples and the acceptance project is typed: no run
 * inputs as maps of names, no casts to cells, no unchecked warnings silenced, no generic types
 * spelled as strings, no outputs looked up by position.
 */
class TypedWiringTest {

  private static final Path ROOT = Path.of("..");

  /** What stringly-typed wiring looks like, with why it is refused. */
  private static final List<Pattern> UNTYPED = List.of(
      Pattern.compile("\\b(run|submit|start)\\(\\s*[\\w.]+\\s*,\\s*Map\\.of\\(\""),
      Pattern.compile("@SuppressWarnings"),
      Pattern.compile("\\(Cell<[^)]*>\\)\\s*[\\w(]"),
      Pattern.compile("ValueType\\.of\\([^)]*\""),
      Pattern.compile("outputs\\(\\)\\.get\\("));

  private static List<Path> sources() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    for (String dir : List.of("docs", "examples/src", "acceptance/src")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
        walk.filter(f -> f.toString().endsWith(".md") || f.toString().endsWith(".java"))
            .forEach(files::add);
      }
    }
    return files;
  }

  /** The lines of {@code text} that match one of the patterns, as file:line: text. */
  static List<String> untyped(Path file, List<String> lines) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      for (Pattern pattern : UNTYPED) {
        if (pattern.matcher(lines.get(i)).find()) {
          found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    return found;
  }

  @Test
  void theCheckFindsEachKindOfUntypedWiring() {
    List<String> bad = List.of(
        "engine.run(workflow, Map.of(\"csv\", path));",
        "@SuppressWarnings(\"unchecked\")",
        "Cell<String> note = (Cell<String>) warming.outputs().get(0);",
        "ValueType.of(List.class, \"java.util.List<com.example.Strike>\")");
    assertThat(untyped(Path.of("sample"), bad)).hasSize(5);
    assertThat(untyped(Path.of("sample"), List.of(
        "engine.run(rain.workflow, rain.inputs(CSV, Map.of(\"Seattle\", 1.0)));",
        "Cell<Map<String, Double>> limits = Cell.input(\"limits\", new TypeRef<>() {});")))
        .isEmpty();
  }

  @Test
  void readmeDocsExamplesAndTheAcceptanceProjectWireOnlyTypedCells() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : sources()) {
      if (!file.endsWith("TypedWiringTest.java")) {
        found.addAll(untyped(file, Files.readAllLines(file)));
      }
    }
    assertThat(found).isEmpty();
  }
}
