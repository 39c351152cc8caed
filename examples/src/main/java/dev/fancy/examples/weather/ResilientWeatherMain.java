package dev.fancy.examples.weather;

import dev.fancy.engine.Engine;
import dev.fancy.frame.UsageLimits;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunEvent;
import dev.fancy.run.RunListener;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.UsageLimitExceededException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs {@link ResilientWeatherWorkflow} on a CSV file under a cost budget and prints the history
 * (with each map element and branch), streamed chunks, the total usage and the note.
 *
 * <p>Usage: {@code ResilientWeatherMain <weather.csv> [budget in USD]}; exits 1 if the run
 * failed or went over budget, 2 on bad arguments.
 */
public final class ResilientWeatherMain {

  private ResilientWeatherMain() {}

  /** Entry point; see the class documentation for the arguments. */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: ResilientWeatherMain <weather.csv> [budget in USD]");
      System.exit(2);
    }
    BigDecimal budget = new BigDecimal(args.length == 2 ? args[1] : "1.00");
    ResilientWeatherWorkflow weather = new ResilientWeatherWorkflow();
    RunListener chunks = event -> {
      if (event.type() == RunEvent.Type.CHUNK) {
        System.out.println("  [" + event.slug() + "] " + event.chunk().asText());
      }
    };
    try (Engine engine = Engine.inMemory()) {
      RunResult result = engine.run(weather.workflow, Inputs.of(weather.csv, Path.of(args[0])),
          RunOptions.builder().limits(UsageLimits.maxCost(budget, "USD")).listener(chunks)
              .build());
      print(result);
      result.requireSucceeded();
      System.out.println();
      System.out.println(result.get(weather.note));
    } catch (UsageLimitExceededException e) {
      print(e.result());
      System.err.println(e.getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  private static void print(RunResult result) {
    System.out.println();
    System.out.print(result.historyTable());
    System.out.printf(Locale.ROOT, "total: cost %s USD, %d rows summarised (%s)%n",
        result.usage().cost().toPlainString(), result.usage().counter("rows"), result.status());
  }
}
