package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Compares the full generated source for a representative class with golden files. Run with
 * {@code FANCY_UPDATE_GOLDENS=true} to rewrite the golden files after an intended change, then
 * review the diff.
 */
class GoldenFileTest {

  private static final JavaFileObject WEATHER =
      JavaFileObjects.forResource("golden/Weather.java");
  private static final JavaFileObject REPORTS =
      JavaFileObjects.forResource("golden/Reports.java");

  @Test
  void factoriesMatchGoldenFile() throws IOException {
    assertMatchesGolden("dev.fancy.golden.WeatherSteps", "WeatherSteps.java.golden");
  }

  @Test
  void moduleMatchesGoldenFile() throws IOException {
    assertMatchesGolden("dev.fancy.golden.WeatherStepModule", "WeatherStepModule.java.golden");
  }

  @Test
  void workflowModuleMatchesGoldenFile() throws IOException {
    assertMatchesGolden(REPORTS, "dev.fancy.golden.ReportsWorkflowModule",
        "ReportsWorkflowModule.java.golden");
  }

  @Test
  void generationIsDeterministic() throws IOException {
    String first = generated(Compilations.compile(WEATHER), "dev.fancy.golden.WeatherSteps");
    String second = generated(Compilations.compile(WEATHER), "dev.fancy.golden.WeatherSteps");
    assertThat(second).isEqualTo(first);
  }

  private static void assertMatchesGolden(String type, String golden) throws IOException {
    assertMatchesGolden(WEATHER, type, golden);
  }

  private static void assertMatchesGolden(JavaFileObject source, String type, String golden)
      throws IOException {
    Compilation compilation = Compilations.compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    String actual = generated(compilation, type);
    Path goldenDir = Path.of(System.getenv().getOrDefault("FANCY_GOLDEN_DIR",
        "src/test/resources/golden"));
    Path file = goldenDir.resolve(golden);
    if ("true".equals(System.getenv("FANCY_UPDATE_GOLDENS"))) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static String generated(Compilation compilation, String type) throws IOException {
    return compilation.generatedFile(StandardLocation.SOURCE_OUTPUT,
            type.replace('.', '/') + ".java")
        .orElseThrow(() -> new AssertionError(type + " was not generated"))
        .getCharContent(false).toString();
  }
}
