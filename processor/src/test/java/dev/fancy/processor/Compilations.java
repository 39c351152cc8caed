package dev.fancy.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles test sources with both Fancy processors. */
final class Compilations {
  private Compilations() {}

  static Compilation compile(JavaFileObject... sources) {
    return Compiler.javac()
        .withProcessors(new StepProcessor(), new StepModuleIndexProcessor(),
            new WorkflowDefinitionProcessor(), new WorkflowModuleIndexProcessor())
        .withOptions("--release", "17")
        .compile(sources);
  }

  /** A source file {@code dev/fancy/test/<name>.java} with the given lines. */
  static JavaFileObject source(String name, String... lines) {
    return JavaFileObjects.forSourceLines("dev.fancy.test." + name, lines);
  }
}
