package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fancy.processor.Compilations.compileModule;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A named module compiled with the processors: generated code compiles whether or not the module
 * reads {@code java.compiler}, and a module that does not declare {@code provides} for its
 * generated modules gets one error naming the clause to write.
 */
class ModulePathTest {

  private static final String PROVIDES_STEPS =
      "provides dev.fancy.registry.StepModule with com.example.rain.RainStepModule;";

  private static JavaFileObject moduleInfo(String... directives) {
    String[] lines = new String[directives.length + 3];
    lines[0] = "module com.example.rain {";
    lines[1] = "  requires dev.fancy.runtime;";
    System.arraycopy(directives, 0, lines, 2, directives.length);
    lines[lines.length - 1] = "}";
    return JavaFileObjects.forSourceLines("module-info", lines);
  }

  private static JavaFileObject steps(String name) {
    return JavaFileObjects.forSourceLines("com.example.rain." + name,
        "package com.example.rain;",
        "import dev.fancy.annotations.Step;",
        "public class " + name + " {",
        "  @Step public static int " + name.toLowerCase() + "(int x) { return x; }",
        "}");
  }

  private static JavaFileObject workflows() {
    return JavaFileObjects.forSourceLines("com.example.rain.Flows",
        "package com.example.rain;",
        "import dev.fancy.annotations.WorkflowDefinition;",
        "import dev.fancy.workflow.Cell;",
        "import dev.fancy.workflow.Workflow;",
        "public class Flows {",
        "  @WorkflowDefinition(name = \"rain.alerts\")",
        "  public static Workflow alerts() {",
        "    return Workflow.of(\"rain.alerts\", Cell.input(\"x\", Integer.class));",
        "  }",
        "}");
  }

  private static String generated(Compilation compilation, String name) throws IOException {
    return compilation.generatedSourceFile(name).orElseThrow().getCharContent(false).toString();
  }

  @Test
  void generatedIsLeftOutWhenTheModuleDoesNotReadJavaCompiler() throws IOException {
    // java.compiler is in the module graph (as when another module requires it), but
    // com.example.rain does not read it: @Generated would not compile.
    Compilation compilation = compileModule(List.of("--add-modules", "java.compiler"),
        moduleInfo(PROVIDES_STEPS), steps("Rain"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(generated(compilation, "com.example.rain.RainSteps")).doesNotContain("@Generated");
    assertThat(generated(compilation, "com.example.rain.RainStepModule"))
        .doesNotContain("@Generated");
  }

  @Test
  void generatedIsKeptWhenTheModuleRequiresJavaCompilerStatically() throws IOException {
    Compilation compilation = compileModule(List.of(),
        moduleInfo("  requires static java.compiler;", PROVIDES_STEPS), steps("Rain"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(generated(compilation, "com.example.rain.RainSteps")).contains(
        "@Generated(\n    value = \"dev.fancy.processor.StepProcessor\",\n"
            + "    comments = \"from com.example.rain.Rain\"\n)");
    assertThat(generated(compilation, "com.example.rain.RainStepModule"))
        .contains("@Generated(");
  }

  @Test
  void generatedIsKeptWhenTheModuleReadsJavaCompilerThroughRequiresTransitive()
      throws IOException {
    Compilation compilation = compileModule(List.of(),
        moduleInfo("  requires java.se;", PROVIDES_STEPS), steps("Rain"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(generated(compilation, "com.example.rain.RainSteps")).contains("@Generated(");
  }

  @Test
  void generatedWorkflowModuleFollowsTheSameRule() throws IOException {
    String provides =
        "provides dev.fancy.registry.WorkflowModule with com.example.rain.FlowsWorkflowModule;";
    Compilation without = compileModule(List.of("--add-modules", "java.compiler"),
        moduleInfo(provides), workflows());
    assertThat(without).succeededWithoutWarnings();
    assertThat(generated(without, "com.example.rain.FlowsWorkflowModule"))
        .doesNotContain("@Generated");
    Compilation with = compileModule(List.of(),
        moduleInfo("  requires static java.compiler;", provides), workflows());
    assertThat(with).succeededWithoutWarnings();
    assertThat(generated(with, "com.example.rain.FlowsWorkflowModule")).contains("@Generated(");
  }

  @Test
  void aModuleWithoutProvidesGetsOneErrorNamingTheLineToAdd() {
    JavaFileObject info = moduleInfo();
    Compilation compilation = compileModule(List.of(), info, steps("Rain"), steps("Wind"));
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("module com.example.rain has @Step classes (com.example.rain.Rain, "
            + "com.example.rain.Wind) but does not provide dev.fancy.registry.StepModule, so "
            + "StepRegistry.loadDefault() finds none of them on the module path: ServiceLoader "
            + "reads a named module's provides clauses, not the META-INF/services file "
            + "fancy-processor writes for the class path. Add this line to module-info.java: "
            + "provides dev.fancy.registry.StepModule with "
            + "com.example.rain.RainStepModule, com.example.rain.WindStepModule;")
        .inFile(info)
        .onLineContaining("module com.example.rain {");
  }

  @Test
  void aProvidesClauseMissingAModuleNamesTheWholeClause() {
    JavaFileObject info = moduleInfo("  " + PROVIDES_STEPS);
    Compilation compilation = compileModule(List.of(), info, steps("Rain"), steps("Wind"));
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("module com.example.rain provides dev.fancy.registry.StepModule but "
            + "not with com.example.rain.WindStepModule (generated for com.example.rain.Wind), "
            + "so StepRegistry.loadDefault() skips it on the module path. Write the clause in "
            + "module-info.java as: "
            + "provides dev.fancy.registry.StepModule with "
            + "com.example.rain.RainStepModule, com.example.rain.WindStepModule;")
        .inFile(info)
        .onLineContaining("module com.example.rain {");
  }

  @Test
  void aModuleWithoutProvidesForItsWorkflowsGetsOneError() {
    JavaFileObject info = moduleInfo();
    Compilation compilation = compileModule(List.of(), info, workflows());
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("module com.example.rain has @WorkflowDefinition classes "
            + "(com.example.rain.Flows) but does not provide dev.fancy.registry.WorkflowModule, "
            + "so WorkflowRegistry.loadDefault() finds none of them on the module path")
        .inFile(info)
        .onLineContaining("module com.example.rain {");
    assertThat(compilation).hadErrorContaining("Add this line to module-info.java: "
        + "provides dev.fancy.registry.WorkflowModule with "
        + "com.example.rain.FlowsWorkflowModule;");
  }

  @Test
  void classesWithInstanceStepsNeedNoProvides() {
    JavaFileObject stateful = JavaFileObjects.forSourceLines("com.example.rain.Stateful",
        "package com.example.rain;",
        "import dev.fancy.annotations.Step;",
        "public class Stateful {",
        "  @Step public int three() { return 3; }",
        "}");
    assertThat(compileModule(List.of(), moduleInfo(), stateful)).succeededWithoutWarnings();
  }
  @Test
  void anInvalidStepClassGetsItsOwnErrorNotAProvidesError() {
    JavaFileObject broken = JavaFileObjects.forSourceLines("com.example.rain.Rain",
        "package com.example.rain;",
        "import dev.fancy.annotations.Step;",
        "public class Rain {",
        "  @Step static int hidden(int x) { return x; }",
        "}");
    Compilation compilation = compileModule(List.of(), moduleInfo("  " + PROVIDES_STEPS), broken);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("@Step method Rain.hidden must be public")
        .inFile(broken).onLineContaining("int hidden(");
    // javac adds "cannot find symbol" for the provides clause; nothing blames the clause itself
    assertThat(compilation.errors().stream().map(e -> e.getMessage(null)).toList().toString())
        .doesNotContain("provide");
  }
}
