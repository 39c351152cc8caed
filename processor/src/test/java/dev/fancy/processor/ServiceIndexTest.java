package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
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
              + "dev.fancy.processor.StepModuleIndexProcessor,aggregating\n"
              + "dev.fancy.processor.WorkflowDefinitionProcessor,isolating\n"
              + "dev.fancy.processor.WorkflowModuleIndexProcessor,aggregating\n");
    }
  }

  private static String serviceFile(Compilation compilation) throws IOException {
    return compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
            StepModuleIndexProcessor.SERVICE_FILE)
        .orElseThrow(() -> new AssertionError("no service file"))
        .getCharContent(false).toString();
  }

  /** Compiles {@code sources} with javac and both processors into {@code out} (real files). */
  private static boolean javac(java.nio.file.Path out, java.nio.file.Path... sources)
      throws IOException {
    javax.tools.JavaCompiler compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
    try (javax.tools.StandardJavaFileManager files =
        compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      java.nio.file.Files.createDirectories(out);
      java.util.List<String> options = java.util.List.of("-d", out.toString(), "-s",
          out.resolveSibling("generated").toString(), "-cp",
          out + java.io.File.pathSeparator + System.getProperty("java.class.path"),
          "--release", "17", "-implicit:none");
      java.nio.file.Files.createDirectories(out.resolveSibling("generated"));
      javax.tools.JavaCompiler.CompilationTask task = compiler.getTask(null, files, null, options,
          null, files.getJavaFileObjectsFromPaths(java.util.List.of(sources)));
      task.setProcessors(java.util.List.of(new StepProcessor(), new StepModuleIndexProcessor()));
      return task.call();
    }
  }

  private static java.nio.file.Path write(java.nio.file.Path dir, String name, String code)
      throws IOException {
    java.nio.file.Path file = dir.resolve(name + ".java");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(file, code);
    return file;
  }

  @Test
  void aPartialBuildKeepsTheModulesOfClassesItDidNotCompile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path temp) throws IOException {
    java.nio.file.Path src = temp.resolve("src");
    java.nio.file.Path out = temp.resolve("classes");
    java.nio.file.Path alpha = write(src, "Alpha", "package p; import dev.fancy.annotations.Step;"
        + " public class Alpha { @Step public static int a(int x) { return x; } }");
    java.nio.file.Path beta = write(src, "Beta", "package p; import dev.fancy.annotations.Step;"
        + " public class Beta { @Step public static int b(int x) { return x; } }");
    java.nio.file.Path index = out.resolve(StepModuleIndexProcessor.SERVICE_FILE);
    assertThat(javac(out, alpha, beta)).isTrue();
    assertThat(java.nio.file.Files.readString(index))
        .isEqualTo("p.AlphaStepModule\np.BetaStepModule\n");

    assertThat(javac(out, beta)).isTrue(); // an IDE recompiles only Beta
    assertWithMessage("Alpha's module is kept").that(java.nio.file.Files.readString(index))
        .isEqualTo("p.AlphaStepModule\np.BetaStepModule\n");

    java.nio.file.Files.delete(out.resolve("p/AlphaStepModule.class")); // Alpha was deleted
    assertThat(javac(out, beta)).isTrue();
    assertWithMessage("a module whose class is gone is dropped").that(java.nio.file.Files.readString(index))
        .isEqualTo("p.BetaStepModule\n");
  }
}
