package dev.fancy.examples.penguins;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fancy.annotations.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The penguins classification as a multi-stage pipeline whose stages are separate workflows
 * sharing files (preprocess → train → evaluate → report), as {@code fancy workflow sequential}
 * runs them. Each stage reads the files of the one before.
 */
public final class PipelineSteps {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  private PipelineSteps() {}

  /**
   * Writes the training and test rows to {@code splitFile} as JSON.
   *
   * @throws IOException if the file cannot be written
   */
  @Step(slug = "penguins.save_split")
  public static Path saveSplit(List<Penguin> train, List<Penguin> test, Path splitFile)
      throws IOException {
    JSON.writeValue(splitFile.toFile(), new Split(train, test));
    return splitFile;
  }

  /**
   * Reads a split written by {@code penguins.save_split}.
   *
   * @throws IOException if the file cannot be read
   */
  @Step(slug = "penguins.read_split")
  public static Split readSplit(Path splitFile) throws IOException {
    return JSON.readValue(splitFile.toFile(), Split.class);
  }

  /**
   * Writes predictions to {@code file} as a JSON array.
   *
   * @throws IOException if the file cannot be written
   */
  @Step(slug = "penguins.save_predictions")
  public static Path savePredictions(List<String> predictions, Path file) throws IOException {
    JSON.writeValue(file.toFile(), predictions);
    return file;
  }

  /**
   * Reads the test rows of {@code splitFile} and the predictions of {@code predictionsFile} and
   * writes the accuracy and the confusion counts (actual → predicted → count) to
   * {@code metricsFile}.
   *
   * @return the accuracy
   * @throws IOException if a file cannot be read or written
   */
  @Step(slug = "penguins.evaluate")
  public static double evaluate(Path splitFile, Path predictionsFile, Path metricsFile)
      throws IOException {
    Split split = JSON.readValue(splitFile.toFile(), Split.class);
    String[] predicted = JSON.readValue(predictionsFile.toFile(), String[].class);
    double accuracy = PenguinSteps.accuracy(split.test(), List.of(predicted));
    Map<String, Map<String, Integer>> confusion = new TreeMap<>();
    for (int i = 0; i < predicted.length; i++) {
      confusion.computeIfAbsent(split.test().get(i).species(), k -> new TreeMap<>())
          .merge(predicted[i], 1, Integer::sum);
    }
    JSON.writeValue(metricsFile.toFile(), Map.of("accuracy", accuracy, "confusion", confusion,
        "testRows", predicted.length));
    return accuracy;
  }

  /**
   * Writes a Markdown report of the metrics in {@code metricsFile} to {@code reportFile}.
   *
   * @return the report's text
   * @throws IOException if a file cannot be read or written
   */
  @Step(slug = "penguins.report")
  public static String report(Path metricsFile, Path reportFile) throws IOException {
    Map<?, ?> metrics = JSON.readValue(metricsFile.toFile(), Map.class);
    StringBuilder text = new StringBuilder("# Penguin species classifier\n\n");
    text.append(String.format(Locale.ROOT, "Accuracy on %s held-out penguins: %.3f%n%n",
        metrics.get("testRows"), ((Number) metrics.get("accuracy")).doubleValue()));
    text.append("| actual | predicted | count |\n|---|---|---|\n");
    ((Map<?, ?>) metrics.get("confusion")).forEach((actual, row) -> ((Map<?, ?>) row)
        .forEach((predicted, count) -> text.append("| ").append(actual).append(" | ")
            .append(predicted).append(" | ").append(count).append(" |\n")));
    Files.writeString(reportFile, text, StandardCharsets.UTF_8);
    return text.toString();
  }
}
