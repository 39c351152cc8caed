package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fancy.processor.Compilations.compile;
import static dev.fancy.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Every misuse of {@code @WorkflowDefinition} is an error on the offending line that says how to
 * fix it.
 */
class WorkflowDefinitionErrorsTest {

  private static JavaFileObject workflows(String name, String... body) {
    String[] lines = new String[body.length + 5];
    lines[0] = "package dev.fancy.test;";
    lines[1] = "import dev.fancy.annotations.WorkflowDefinition;";
    lines[2] = "import dev.fancy.workflow.Cell;";
    lines[3] = "import dev.fancy.workflow.Workflow;";
    System.arraycopy(body, 0, lines, 4, body.length);
    lines[lines.length - 1] = "";
    return source(name, lines);
  }

  @Test
  void nonPublicMethod() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"flows.hidden\")",
        "  static Workflow hidden() { return Workflow.of(\"flows.hidden\", Cell.input(\"x\", Integer.class)); }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("@WorkflowDefinition method Flows.hidden must be public: the "
            + "generated workflow module calls it directly, without reflection. Make it public")
        .inFile(file)
        .onLineContaining("static Workflow hidden(");
  }

  @Test
  void instanceMethod() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"flows.instance\")",
        "  public Workflow instance() { return null; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@WorkflowDefinition method Flows.instance must be static: the "
            + "generated workflow module calls it without an instance. Make it static")
        .inFile(file)
        .onLineContaining("public Workflow instance(");
  }

  @Test
  void methodWithParameters() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"flows.train\")",
        "  public static Workflow train(double lr, int epochs) { return null; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@WorkflowDefinition method Flows.train takes parameters (double lr, "
            + "int epochs), but the registry builds the workflow with no arguments. Remove them, "
            + "and declare what varies as the workflow's input cells (Cell.input), which configs "
            + "and --set bind")
        .inFile(file)
        .onLineContaining("public static Workflow train(");
  }

  @Test
  void wrongReturnType() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"flows.name\")",
        "  public static String name() { return \"flows.name\"; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@WorkflowDefinition method Flows.name returns java.lang.String, not "
            + "dev.fancy.workflow.Workflow. Return the workflow it defines, e.g. "
            + "Workflow.of(\"flows.name\", ...)")
        .inFile(file)
        .onLineContaining("public static String name(");
  }

  @Test
  void voidReturnType() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"flows.nothing\")",
        "  public static void nothing() {}",
        "}");
    assertThat(compile(file))
        .hadErrorContaining("@WorkflowDefinition method Flows.nothing returns void, not "
            + "dev.fancy.workflow.Workflow")
        .inFile(file)
        .onLineContaining("public static void nothing(");
  }

  @Test
  void blankName() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"  \")",
        "  public static Workflow blank() { return null; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("the name of @WorkflowDefinition method Flows.blank is blank. Set "
            + "@WorkflowDefinition(name = \"...\") to dot-separated segments of lower-case "
            + "letters, digits and underscores, e.g. weather.report")
        .inFile(file)
        .onLineContaining("@WorkflowDefinition(name = \"  \")");
  }

  @Test
  void malformedName() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(",
        "      name = \"Weather-Report\")",
        "  public static Workflow report() { return null; }",
        "}");
    assertThat(compile(file))
        .hadErrorContaining("workflow name 'Weather-Report' of @WorkflowDefinition method "
            + "Flows.report is malformed: use dot-separated segments that start with a "
            + "lower-case letter and hold only lower-case letters, digits and underscores, e.g. "
            + "weather.report")
        .inFile(file)
        .onLineContaining("name = \"Weather-Report\"");
  }

  @Test
  void duplicateNameWithinTheCompilation() {
    JavaFileObject first = workflows("First",
        "public class First {",
        "  @WorkflowDefinition(name = \"flows.same\")",
        "  public static Workflow one() { return null; }",
        "}");
    JavaFileObject second = workflows("Second",
        "public class Second {",
        "  public static final class Nested {",
        "    @WorkflowDefinition(",
        "        name = \"flows.same\")",
        "    public static Workflow two() { return null; }",
        "  }",
        "}");
    Compilation compilation = compile(first, second);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("workflow name 'flows.same' of @WorkflowDefinition method Nested.two "
            + "is already used by @WorkflowDefinition method First.one; the CLI, the server and "
            + "the journal know a workflow by its name. Give one of them another name")
        .inFile(second)
        .onLineContaining("name = \"flows.same\"");
  }

  @Test
  void duplicateNameWithinOneClass() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"flows.same\") public static Workflow one() { return null; }",
        "  @WorkflowDefinition(name = \"flows.same\") public static Workflow two() { return null; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("method Flows.two is already used by @WorkflowDefinition method "
            + "Flows.one")
        .inFile(file)
        .onLineContaining("Workflow two(");
  }

  @Test
  void nonPublicClass() {
    JavaFileObject file = workflows("Flows",
        "class Flows {",
        "  @WorkflowDefinition(name = \"flows.hidden\")",
        "  public static Workflow hidden() { return null; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@WorkflowDefinition method Flows.hidden is declared in "
            + "dev.fancy.test.Flows, which is not public: the generated workflow module calls it "
            + "directly. Make Flows public")
        .inFile(file)
        .onLineContaining("public static Workflow hidden(");
  }

  @Test
  void privateNestedClass() {
    JavaFileObject file = workflows("Outer",
        "public class Outer {",
        "  private static class Inner {",
        "    @WorkflowDefinition(name = \"flows.inner\")",
        "    public static Workflow inner() { return null; }",
        "  }",
        "}");
    assertThat(compile(file))
        .hadErrorContaining("@WorkflowDefinition method Inner.inner is declared in "
            + "dev.fancy.test.Outer.Inner, which is not public: the generated workflow module "
            + "calls it directly. Make Inner public")
        .inFile(file)
        .onLineContaining("public static Workflow inner(");
  }

  @Test
  void everyProblemOfOneMethodIsReported() {
    JavaFileObject file = workflows("Flows",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"Bad\")",
        "  Integer bad(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(5);
    assertThat(compilation).hadErrorContaining("must be public").inFile(file)
        .onLineContaining("Integer bad(");
    assertThat(compilation).hadErrorContaining("must be static").inFile(file)
        .onLineContaining("Integer bad(");
    assertThat(compilation).hadErrorContaining("takes parameters (int x)").inFile(file)
        .onLineContaining("Integer bad(");
    assertThat(compilation).hadErrorContaining("returns java.lang.Integer").inFile(file)
        .onLineContaining("Integer bad(");
    assertThat(compilation).hadErrorContaining("workflow name 'Bad'").inFile(file)
        .onLineContaining("name = \"Bad\"");
  }

  @Test
  void validDefinitionsAreListedForServiceLoaderSorted() throws IOException {
    JavaFileObject zeta = workflows("Zeta",
        "public interface Zeta {",
        "  @WorkflowDefinition(name = \"zeta.one\")",
        "  static Workflow one() { return Workflow.of(\"zeta.one\", Cell.input(\"x\", Integer.class)); }",
        "}");
    JavaFileObject alpha = workflows("Alpha",
        "public class Alpha {",
        "  public static class Inner {",
        "    @WorkflowDefinition(name = \"alpha.two\")",
        "    public static Workflow two() { return Workflow.of(\"alpha.two\", Cell.input(\"x\", Integer.class)); }",
        "  }",
        "}");
    Compilation compilation = compile(zeta, alpha);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
            WorkflowModuleIndexProcessor.SERVICE_FILE)
        .orElseThrow(() -> new AssertionError("no service file"))
        .getCharContent(false).toString())
        .isEqualTo("dev.fancy.test.Alpha_InnerWorkflowModule\ndev.fancy.test.ZetaWorkflowModule\n");
    assertThat(compilation).generatedSourceFile("dev.fancy.test.ZetaWorkflowModule")
        .contentsAsUtf8String().contains("workflows.put(\"zeta.one\", Zeta::one);");
    assertThat(compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
        StepModuleIndexProcessor.SERVICE_FILE).isPresent()).isFalse();
  }
}
