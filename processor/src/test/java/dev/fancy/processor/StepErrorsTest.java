package dev.fancy.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fancy.processor.Compilations.compile;
import static dev.fancy.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Every misuse of {@code @Step} is an error on the offending line that says how to fix it. */
class StepErrorsTest {

  @Test
  void nonPublicMethod() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step static int hidden(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.hidden must be public: the generated step module "
            + "calls it directly, without reflection. Make it public")
        .inFile(file)
        .onLineContaining("int hidden(");
  }

  @Test
  void privateMethod() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step private static int secret(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.secret must be public")
        .inFile(file)
        .onLineContaining("int secret(");
  }

  @Test
  void methodInNonPublicClass() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "class Steps {",
        "  @Step public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.twice is declared in dev.fancy.test.Steps, which "
            + "is not public: the generated step module calls it directly. Make Steps public")
        .inFile(file)
        .onLineContaining("int twice(");
  }

  @Test
  void methodInNonPublicNestedClass() {
    JavaFileObject file = source("Outer",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Outer {",
        "  static class Inner {",
        "    @Step public static int twice(int x) { return 2 * x; }",
        "  }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("which is not public: the generated step module calls it directly. "
            + "Make Inner public")
        .inFile(file)
        .onLineContaining("int twice(");
  }

  @Test
  void methodInInnerClass() {
    JavaFileObject file = source("Outer",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Outer {",
        "  public class Inner {",
        "    @Step public int twice(int x) { return 2 * x; }",
        "  }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Inner.twice is declared in the inner class "
            + "dev.fancy.test.Outer.Inner: the generated step module cannot reach an inner "
            + "class's instance. Make Inner a static nested class")
        .inFile(file)
        .onLineContaining("int twice(");
  }

  @Test
  void typeParameterisedMethod() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "import java.util.List;",
        "public class Steps {",
        "  @Step public static <T extends Comparable<T>> T max(List<T> values) { return null; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.max declares type parameters <T>: cells need "
            + "concrete types. Replace the type parameters with concrete types, or write one "
            + "step per type")
        .inFile(file)
        .onLineContaining("T max(");
    assertThat(compilation).hadErrorCount(1); // one cause, one error (not one per use of T)
  }

  @Test
  void classTypeVariable() {
    JavaFileObject file = source("Box",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Box<T> {",
        "  @Step public T open(T value) { return value; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Box.open uses the type variable T in parameter 'value'")
        .inFile(file)
        .onLineContaining("T open(");
  }

  @Test
  void privateParameterType() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  private record Secret(int x) {}",
        "  @Step public static int reveal(Secret secret) { return 0; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.reveal uses the private type "
            + "dev.fancy.test.Steps.Secret in parameter 'secret': the generated code cannot "
            + "name it. Make Secret at least package-private")
        .inFile(file)
        .onLineContaining("int reveal(");
  }

  @Test
  void duplicateSlugAndVersionInOneCompilation() {
    JavaFileObject first = source("First",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class First {",
        "  @Step(slug = \"math.twice\") public static int twice(int x) { return 2 * x; }",
        "}");
    JavaFileObject second = source("Second",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Second {",
        "  @Step(slug = \"math.twice\")",
        "  public static int doubled(int x) { return x + x; }",
        "}");
    Compilation compilation = compile(first, second);
    assertThat(compilation)
        .hadErrorContaining("slug 'math.twice' version 1 of @Step method Second.doubled is "
            + "already used by @Step method First.twice; a slug and version identify one step in "
            + "workflows and registries. Give one of them another slug, or another version")
        .inFile(second)
        .onLineContaining("@Step(slug = \"math.twice\")");
  }

  @Test
  void twoVersionsOfOneSlugCompile() {
    JavaFileObject file = source("Loads",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Loads {",
        "  @Step(slug = \"v.load\", version = 1) public static int load(int x) { return x; }",
        "  @Step(slug = \"v.load\", version = 2) public static int loadV2(int x) { return x; }",
        "}");
    assertThat(compile(file)).succeededWithoutWarnings();
  }

  @Test
  void methodsWhoseStepClassesWouldCollide() {
    JavaFileObject file = source("Csv",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Csv {",
        "  @Step public static int loadCsv(int x) { return x; }",
        "  @Step(slug = \"csv.load_upper\")",
        "  public static int LoadCsv(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("@Step methods Csv.loadCsv and Csv.LoadCsv would both generate the "
            + "step class LoadCsvStep (their names differ only in the case of their first "
            + "letter). Rename one of them")
        .inFile(file)
        .onLineContaining("int LoadCsv(");
  }

  @Test
  void methodsWhoseStepClassesDifferOnlyInCase() {
    JavaFileObject file = source("Etl",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Etl {",
        "  @Step public static int loadCsv(int x) { return x; }",
        "  @Step(slug = \"etl.load_csv_upper\")",
        "  public static int loadCSV(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("@Step methods Etl.loadCsv and Etl.loadCSV generate the step classes "
            + "EtlSteps.LoadCsvStep and EtlSteps.LoadCSVStep, whose class files differ only in "
            + "case: on a case-insensitive file system (macOS, Windows) one overwrites the other. "
            + "Rename one of the methods so that the names differ by more than case")
        .inFile(file)
        .onLineContaining("int loadCSV(");
  }

  @Test
  void methodsNamedLikeGeneratedMembersCompileAndWire() {
    JavaFileObject steps = source("Odd",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Odd {",
        "  @Step public static int slug(int x) { return x; }",
        "  @Step public static int version(int x) { return x; }",
        "  @Step public static int steps(int x) { return x; }",
        "  @Step public static int apiVersion(int x) { return x; }",
        "  @Step public static int CONTRACT(int SLUG, int ORIGIN) { return SLUG + ORIGIN; }",
        "}");
    JavaFileObject user = source("Wiring",
        "package dev.fancy.test;",
        "import dev.fancy.workflow.Arg;",
        "import dev.fancy.workflow.Cell;",
        "class Wiring {",
        "  Cell<Integer> wire() {",
        "    Cell<Integer> a = OddSteps.slug(Arg.value(1)).out();",
        "    Cell<Integer> b = OddSteps.version(a).out();",
        "    return OddSteps.CONTRACT(OddSteps.steps(b).out(), OddSteps.apiVersion(b).out()).out();",
        "  }",
        "}");
    assertThat(compile(steps, user)).succeededWithoutWarnings();
  }

  @Test
  void policyAnnotationsOnAMethodWithoutStep() {
    JavaFileObject file = source("Helpers",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Cached;",
        "import dev.fancy.annotations.Reference;",
        "import dev.fancy.annotations.Retry;",
        "import dev.fancy.annotations.Timeout;",
        "public class Helpers {",
        "  @Retry(maxAttempts = 3)",
        "  public static int retried(int x) { return x; }",
        "  @Timeout(5)",
        "  public static int timed(int x) { return x; }",
        "  @Cached",
        "  public static int cached(int x) { return x; }",
        "  @Reference",
        "  public static int referenced(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(4);
    assertThat(compilation)
        .hadErrorContaining("@Retry on Helpers.retried has no effect: it applies only to @Step "
            + "methods. Add @Step to the method, or remove @Retry")
        .inFile(file).onLineContaining("@Retry(maxAttempts = 3)");
    assertThat(compilation).hadErrorContaining("@Timeout on Helpers.timed has no effect")
        .inFile(file).onLineContaining("@Timeout(5)");
    assertThat(compilation).hadErrorContaining("@Cached on Helpers.cached has no effect")
        .inFile(file).onLineContaining("@Cached");
    assertThat(compilation).hadErrorContaining("@Reference on Helpers.referenced has no effect")
        .inFile(file).onLineContaining("@Reference");
  }

  @Test
  void aClassNamedStepsGetsAWarningAboutItsGeneratedName() {
    JavaFileObject file = source("RefSteps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class RefSteps {",
        "  @Step public static int ref(int x) { return x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining("class RefSteps ends in 'Steps', so its generated factories are "
            + "named RefStepsSteps. Rename the class (for example to Ref) for shorter generated "
            + "names, or ignore this warning")
        .inFile(file)
        .onLineContaining("public class RefSteps");
  }

  @Test
  void malformedSlug() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step(slug = \"Math.Twice!\")",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("slug 'Math.Twice!' of @Step method Steps.twice is malformed: use "
            + "dot-separated segments that start with a lower-case letter and hold only "
            + "lower-case letters, digits and underscores, e.g. etl.load_csv")
        .inFile(file)
        .onLineContaining("@Step(slug = \"Math.Twice!\")");
  }

  @Test
  void malformedDefaultSlug() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step",
        "  public static int _twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("the default slug 'steps._twice' derived from Steps._twice is "
            + "malformed. Set @Step(slug = \"...\")")
        .inFile(file)
        .onLineContaining("@Step");
  }

  @Test
  void versionBelowOne() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step(version = 0)",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("version 0 of @Step method Steps.twice is below 1. Versions start at "
            + "1; remove the attribute or set it to 1 or more")
        .inFile(file)
        .onLineContaining("@Step(version = 0)");
  }

  @Test
  void parametersMayBeNamedLikeGeneratedMembersOrLikeOutputs() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  public record Stats(double mean, double max) {}",
        "  @Step public static int twice(int slug, int version) { return slug + version; }",
        "  @Step public static Stats stats(double mean) { return new Stats(mean, mean); }",
        "}");
    assertThat(compile(file)).succeededWithoutWarnings();
  }

  @Test
  void outputClashingWithGeneratedApi() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  public record Result(int version, int count) {}",
        "  @Step public static Result count(int x) { return new Result(1, x); }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("output 'version' of @Step method Steps.count clashes with the method "
            + "version() that every generated workflow step has. Rename the record component")
        .inFile(file)
        .onLineContaining("Result count(");
  }

  @Test
  void recordOutputWithoutComponents() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  public record Nothing() {}",
        "  @Step public static Nothing nothing(int x) { return new Nothing(); }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.nothing returns the record "
            + "dev.fancy.test.Steps.Nothing, which has no components, so the step would have no "
            + "outputs. Return void for a step without outputs, add record components, or set "
            + "@Step(splitRecord = false) to pass the record on whole")
        .inFile(file)
        .onLineContaining("Nothing nothing(");
  }

  @Test
  void duplicateMethodName() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step(slug = \"steps.twice_int\") public static int twice(int x) { return 2 * x; }",
        "  @Step(slug = \"steps.twice_long\") public static long twice(long x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.twice has the same name as another @Step method "
            + "of Steps; their generated factories would clash. Rename one of them")
        .inFile(file)
        .onLineContaining("long twice(");
  }

  @Test
  void referenceOnRecordReturningMethod() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Reference;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  public record Pair(int a, int b) {}",
        "  @Step @Reference public static Pair pair(int x) { return new Pair(x, x); }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Reference on @Step method Steps.pair applies to its single 'out' "
            + "output, but the method returns dev.fancy.test.Steps.Pair. Put @Reference on the "
            + "record components to store by reference instead, or set @Step(splitRecord = false)")
        .inFile(file)
        .onLineContaining("Pair pair(");
  }

  @Test
  void everyErrorIsReportedNotOnlyTheFirst() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step(slug = \"BAD\", version = -1)",
        "  static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(3);
    assertThat(compilation).hadErrorContaining("must be public");
    assertThat(compilation).hadErrorContaining("slug 'BAD'");
    assertThat(compilation).hadErrorContaining("version -1");
  }

  @Test
  void twoFrameParameters() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "import dev.fancy.frame.ExecutionFrame;",
        "public class Steps {",
        "  @Step public static int twice(int x, ExecutionFrame frame,",
        "      ExecutionFrame again) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Step method Steps.twice declares 2 ExecutionFrame parameters; the "
            + "engine passes one frame per attempt. Keep one")
        .inFile(file)
        .onLineContaining("ExecutionFrame again");
  }

  @Test
  void invalidRetryValuesAreReportedOnTheValues() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Retry;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step",
        "  @Retry(",
        "      maxAttempts = 0,",
        "      initialBackoffMillis = 10,",
        "      jitter = 2)",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation)
        .hadErrorContaining("@Retry on @Step method Steps.twice is invalid: maxAttempts is 0; it "
            + "must be at least 1. Fix the value")
        .inFile(file)
        .onLineContaining("maxAttempts = 0,");
    assertThat(compilation)
        .hadErrorContaining("@Retry on @Step method Steps.twice is invalid: jitter is 2.0; it "
            + "must be between 0 and 1. Fix the value")
        .inFile(file)
        .onLineContaining("jitter = 2)");
  }

  @Test
  void aBackoffRangeIsReportedOnTheMaximum() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Retry;",
        "import dev.fancy.annotations.Step;",
        "public class Steps {",
        "  @Step",
        "  @Retry(maxAttempts = 3,",
        "      maxBackoffMillis = 5)",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("maxBackoffMillis 5 is shorter than initialBackoffMillis 100")
        .inFile(file)
        .onLineContaining("maxBackoffMillis = 5)");
  }

  @Test
  void zeroTimeout() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "import dev.fancy.annotations.Timeout;",
        "public class Steps {",
        "  @Step",
        "  @Timeout(unit = java.util.concurrent.TimeUnit.SECONDS,",
        "      value = 0)",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Timeout on @Step method Steps.twice is 0 SECONDS; a timeout must be "
            + "longer than zero. Use a positive value, or remove @Timeout")
        .inFile(file)
        .onLineContaining("value = 0)");
  }

  @Test
  void negativeHeartbeatTimeout() {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "import dev.fancy.annotations.Timeout;",
        "public class Steps {",
        "  @Step",
        "  @Timeout(value = 60,",
        "      heartbeat = -5)",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation)
        .hadErrorContaining("@Timeout on @Step method Steps.twice has heartbeat = -5 SECONDS; a "
            + "heartbeat timeout must be longer than zero. Use a positive value, or 0 (the "
            + "default) for none")
        .inFile(file)
        .onLineContaining("heartbeat = -5)");
  }

  @Test
  void aHeartbeatTimeoutBecomesTheStepsDefault() throws Exception {
    JavaFileObject file = source("Steps",
        "package dev.fancy.test;",
        "import dev.fancy.annotations.Step;",
        "import dev.fancy.annotations.Timeout;",
        "public class Steps {",
        "  @Step",
        "  @Timeout(value = 60, heartbeat = 5)",
        "  public static int twice(int x) { return 2 * x; }",
        "}");
    Compilation compilation = compile(file);
    assertThat(compilation).succeeded();
    String module = compilation.generatedSourceFiles().stream()
        .filter(f -> f.getName().endsWith("StepModule.java")).findFirst().orElseThrow()
        .getCharContent(true).toString();
    com.google.common.truth.Truth.assertThat(module)
        .contains(".withTimeout(Duration.ofNanos(60000000000L))"
            + ".withHeartbeatTimeout(Duration.ofNanos(5000000000L))");
  }
}
