package com.acme;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.fancy.annotations.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The step class shown in README.md, with bodies, compiled by the processor in this build. */
public final class Etl {
  public record Row(String city, double value) {}

  public record Split(List<Row> train, List<Row> test) {}

  private Etl() {}

  /** Reads a CSV file into rows. */
  @Step(slug = "etl.load_csv")
  public static List<Row> loadCsv(Path file) throws IOException {
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Row> rows = new CsvMapper().readerFor(Row.class).with(schema)
        .readValues(Files.newBufferedReader(file))) {
      return rows.readAll();
    }
  }

  @Step(slug = "etl.split")
  public static Split split(List<Row> rows, double trainFraction) {
    int cut = (int) Math.round(rows.size() * trainFraction);
    return new Split(rows.subList(0, cut), rows.subList(cut, rows.size()));
  }

  @Step(slug = "etl.mean")
  public static double mean(List<Row> rows) {
    return rows.stream().mapToDouble(Row::value).average().orElseThrow();
  }
}
