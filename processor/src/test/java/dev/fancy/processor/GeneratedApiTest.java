package dev.fancy.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fancy.processor.Compilations.compile;
import static dev.fancy.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The generated factories make miswiring a compile error in the user's code. */
class GeneratedApiTest {

  private static final JavaFileObject TABLES = source("Tables",
      "package dev.fancy.test;",
      "import dev.fancy.annotations.Step;",
      "import java.util.List;",
      "import java.util.Map;",
      "public final class Tables {",
      "  public static final class Table { public final List<String> rows; public Table(List<String> rows) { this.rows = rows; } }",
      "  @Step public static Table parse(String text) { return new Table(List.of(text)); }",
      "  @Step public static Map<String, Double> stats(Table table) { return Map.of(); }",
      "  @Step public static int size(Table table, int limit) { return 0; }",
      "}");

  @Test
  void wiringMatchingTypesCompiles() {
    JavaFileObject user = source("Wiring",
        "package dev.fancy.test;",
        "import dev.fancy.workflow.Arg;",
        "import dev.fancy.workflow.Cell;",
        "import java.util.Map;",
        "class Wiring {",
        "  void wire() {",
        "    Cell<String> text = Cell.input(\"text\", String.class);",
        "    TablesSteps.ParseStep parse = TablesSteps.parse(text);",
        "    Cell<Map<String, Double>> stats = TablesSteps.stats(parse.out()).out();",
        "    Cell<Integer> size = TablesSteps.size(parse.out(), Arg.value(10)).out();",
        "    Cell<?> wired = parse.inputCell(\"text\");",
        "  }",
        "}");
    assertThat(compile(TABLES, user)).succeededWithoutWarnings();
  }

  @Test
  void wiringAStringCellIntoATableInputIsACompileError() {
    JavaFileObject user = source("Wiring",
        "package dev.fancy.test;",
        "import dev.fancy.workflow.Cell;",
        "class Wiring {",
        "  void wire() {",
        "    Cell<String> text = Cell.input(\"text\", String.class);",
        "    TablesSteps.stats(text);",
        "  }",
        "}");
    Compilation compilation = compile(TABLES, user);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("incompatible types: dev.fancy.workflow.Cell<java.lang.String> "
            + "cannot be converted to dev.fancy.workflow.Arg<? extends dev.fancy.test.Tables.Table>")
        .inFile(user)
        .onLineContaining("TablesSteps.stats(text);");
  }

  @Test
  void aConstantOfTheWrongTypeIsACompileError() {
    JavaFileObject user = source("Wiring",
        "package dev.fancy.test;",
        "import dev.fancy.workflow.Arg;",
        "import dev.fancy.workflow.Cell;",
        "class Wiring {",
        "  void wire(Cell<Tables.Table> table) {",
        "    TablesSteps.size(table, Arg.value(\"ten\"));",
        "  }",
        "}");
    Compilation compilation = compile(TABLES, user);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("incompatible types")
        .inFile(user)
        .onLineContaining("Arg.value(\"ten\")");
  }

  @Test
  void aRecordIsOneOutputWhenNotSplit() {
    JavaFileObject steps = source("Fits",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Reference;",
        "import dev.fancy.annotations.Step;",
        "public final class Fits {",
        "  public record Line(double slope, double intercept) {}",
        "  @Step(splitRecord = false) @Reference",
        "  public static Line fit(double x) { return new Line(x, 0); }",
        "}");
    JavaFileObject user = source("Wiring",
        "package dev.fancy.test;",
        "import dev.fancy.workflow.Cell;",
        "class Wiring {",
        "  Cell<Fits.Line> wire() { return FitsSteps.fit(dev.fancy.workflow.Arg.value(1.0)).out(); }",
        "}");
    Compilation compilation = compile(steps, user);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("dev.fancy.test.FitsStepModule")
        .contentsAsUtf8String().contains("return new Object[] {Fits.fit((Double) args[0])};");
    assertThat(compilation).generatedSourceFile("dev.fancy.test.FitsSteps")
        .contentsAsUtf8String().contains("GeneratedCode.port(\"out\", Fits.Line.class, "
            + "\"dev.fancy.test.Fits$Line\", true)");
    assertThat(compilation).generatedSourceFile("dev.fancy.test.FitsStepModule")
        .contentsAsUtf8String().contains("public int apiVersion() {\n    return "
            + dev.fancy.registry.StepModule.GENERATED_API_VERSION + ";");
  }

  @Test
  void outputsKeepTheirTypeArguments() {
    JavaFileObject user = source("Wiring",
        "package dev.fancy.test;",
        "import dev.fancy.workflow.Cell;",
        "import java.util.Map;",
        "class Wiring {",
        "  void wire(Cell<Tables.Table> table) {",
        "    Cell<Map<String, Integer>> wrong = TablesSteps.stats(table).out();",
        "  }",
        "}");
    Compilation compilation = compile(TABLES, user);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("incompatible types")
        .inFile(user)
        .onLineContaining("Cell<Map<String, Integer>> wrong");
  }
}
