package dev.fancy.processor;

import static com.google.common.truth.Truth.assertThat;

import com.palantir.javapoet.ClassName;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.workflow.WorkflowStep;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void defaultSlugsAreSnakeCase() {
    assertThat(GeneratedNames.defaultSlug("Etl", "loadCsv")).isEqualTo("etl.load_csv");
    assertThat(GeneratedNames.defaultSlug("WeatherSteps", "yearlyTrend2"))
        .isEqualTo("weather_steps.yearly_trend2");
    assertThat(GeneratedNames.defaultSlug("CSVReader", "readURLList"))
        .isEqualTo("csv_reader.read_url_list");
  }

  @Test
  void generatedClassNamesFollowTheScheme() {
    ClassName nested = ClassName.get("a.b", "Outer", "Inner");
    assertThat(GeneratedNames.stepsClass(nested).canonicalName()).isEqualTo("a.b.Outer_InnerSteps");
    assertThat(GeneratedNames.moduleClass(nested).canonicalName())
        .isEqualTo("a.b.Outer_InnerStepModule");
    assertThat(GeneratedNames.stepClass("loadCsv")).isEqualTo("LoadCsvStep");
  }

  /** Reflection in a test only: the reserved names must cover what generated steps inherit. */
  @Test
  void reservedNamesCoverEveryInheritedMethod() {
    Set<String> inherited = new TreeSet<>();
    for (Class<?> type = WorkflowStep.class; type != null; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        int modifiers = method.getModifiers();
        // Accessors take no arguments: static methods with parameters are plain overloads.
        boolean couldClash = !Modifier.isStatic(modifiers) || method.getParameterCount() == 0;
        if ((Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers))
            && !method.isSynthetic() && couldClash) {
          inherited.add(method.getName());
        }
      }
    }
    assertThat(GeneratedNames.RESERVED).containsAtLeastElementsIn(inherited);
  }

  @Test
  void docSummaryIsTheFirstSentence() {
    assertThat(DocSummary.of(" Reads a {@code CSV} file. Rows without a date are dropped.\n"
        + "\n @param file the file\n")).isEqualTo("Reads a CSV file.");
    assertThat(DocSummary.of(" Computes the <b>mean</b> of\n the values\n @return it"))
        .isEqualTo("Computes the mean of the values");
    assertThat(DocSummary.of(null)).isEmpty();
    assertThat(DocSummary.of(" Version 1.5 of the fit.")).isEqualTo("Version 1.5 of the fit.");
  }
}
