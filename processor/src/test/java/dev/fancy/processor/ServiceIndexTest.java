package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fancy.processor.Compilations.compile;
import static dev.fancy.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** Modules are listed for ServiceLoader only when ServiceLoader can create them. */
class ServiceIndexTest {

  @Test
  void listsModulesOfStaticOnlyClassesSorted() throws IOException {
    JavaFileObject zeta = source("Zeta",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Zeta {",
        "  @Step public static int one() { return 1; }",
        "}");
    JavaFileObject alpha = source("Alpha",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Alpha {",
        "  public static class Inner {",
        "    @Step public static int two() { return 2; }",
        "  }",
        "}");
    JavaFileObject stateful = source("Stateful",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Stateful {",
        "  @Step public int three() { return 3; }",
        "}");
    Compilation compilation = compile(zeta, alpha, stateful);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(serviceFile(compilation)).isEqualTo(
        "dev.fancy.test.Alpha_InnerStepModule\ndev.fancy.test.ZetaStepModule\n");
    assertThat(compilation).generatedSourceFile("dev.fancy.test.StatefulStepModule")
        .contentsAsUtf8String().contains("public StatefulStepModule(Stateful instance)");
  }

  @Test
  void declaresGradleIncrementalCategories() throws IOException {
    try (InputStream in = StepProcessor.class.getResourceAsStream(
        "/META-INF/gradle/incremental.annotation.processors")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
          "dev.fancy.processor.StepProcessor,isolating\n"
              + "dev.fancy.processor.StepModuleIndexProcessor,aggregating\n");
    }
  }

  private static String serviceFile(Compilation compilation) throws IOException {
    return compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
            StepModuleIndexProcessor.SERVICE_FILE)
        .orElseThrow(() -> new AssertionError("no service file"))
        .getCharContent(false).toString();
  }
}
