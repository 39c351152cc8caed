package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * A class with a thousand steps compiles, and its generated code grows linearly: one factory per
 * step whatever its number of parameters, and no static initializer holding every contract (the
 * first generator made 2^k overloads per step of k parameters and failed with "code too large").
 */
class ManyStepsTest {

  static final int STEPS = 1_000;

  /** A class with {@code steps} static steps of three parameters each. */
  static JavaFileObject manySteps(int steps) {
    StringBuilder source = new StringBuilder("package dev.fancy.many;\n"
        + "import dev.fancy.annotations.Step;\nimport java.util.List;\n"
        + "public final class Many {\n");
    for (int i = 0; i < steps; i++) {
      source.append("  @Step public static int step").append(i)
          .append("(int a, String b, List<Double> c) { return a + b.length() + c.size(); }\n");
    }
    return JavaFileObjects.forSourceString("dev.fancy.many.Many", source.append("}\n").toString());
  }

  @Test
  void aThousandStepsInOneClassCompileWithOneFactoryEach() throws IOException {
    Compilation compilation = Compilations.compile(manySteps(STEPS));
    assertThat(compilation).succeededWithoutWarnings();
    String factories = compilation.generatedFile(StandardLocation.SOURCE_OUTPUT,
        "dev/fancy/many/ManySteps.java").orElseThrow().getCharContent(false).toString();
    assertThat(factories.split("public static Step\\d+Step step\\d+\\(", -1).length - 1)
        .isEqualTo(STEPS);
    assertThat(factories).doesNotContain("static {");
    String module = compilation.generatedFile(StandardLocation.SOURCE_OUTPUT,
        "dev/fancy/many/ManyStepModule.java").orElseThrow().getCharContent(false).toString();
    assertThat(module).contains("private void addSteps3(List<StepDefinition> steps)");
    assertThat(module).doesNotContain("addSteps4");
  }
}
