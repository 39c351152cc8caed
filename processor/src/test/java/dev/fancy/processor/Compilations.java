package dev.fancy.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;

/** Compiles test sources with both Fancy processors. */
final class Compilations {
  private Compilations() {}

  /**
   * The test class path's entries that make up Fancy's runtime on the module path: the
   * annotations and runtime (reactor classes or jars) and the runtime's modular dependencies.
   */
  private static final Pattern RUNTIME_MODULES = Pattern.compile(
      ".*(annotations|runtime)[/\\\\]target[/\\\\]classes"
          + "|.*[/\\\\](fancy-annotations|fancy-runtime|jackson-|slf4j-api|caffeine|sqlite-jdbc)"
          + "[^/\\\\]*\\.jar");

  static Compilation compile(JavaFileObject... sources) {
    return compile(List.of(), sources);
  }

  /** Compiles with {@code options} added to {@code --release 17}. */
  static Compilation compile(List<String> options, JavaFileObject... sources) {
    List<String> all = new ArrayList<>(List.of("--release", "17"));
    all.addAll(options);
    return Compiler.javac()
        .withProcessors(new StepProcessor(), new StepModuleIndexProcessor(),
            new WorkflowDefinitionProcessor(), new WorkflowModuleIndexProcessor())
        .withOptions(all)
        .compile(sources);
  }

  /**
   * Compiles a named module: {@code sources} include its {@code module-info}; Fancy's runtime
   * and its dependencies are on the module path; {@code options} are added.
   */
  static Compilation compileModule(List<String> options, JavaFileObject... sources) {
    List<String> all = new ArrayList<>(List.of("--module-path", runtimeModulePath()));
    all.addAll(options);
    return compile(all, sources);
  }

  private static String runtimeModulePath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> RUNTIME_MODULES.matcher(entry).matches())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** A source file {@code dev/fancy/test/<name>.java} with the given lines. */
  static JavaFileObject source(String name, String... lines) {
    return JavaFileObjects.forSourceLines("dev.fancy.test." + name, lines);
  }
}
