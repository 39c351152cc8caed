package dev.fancy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fancy.registry.RegisteredStep;
import dev.fancy.workflow.Port;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fancy steps}: the registered steps. {@link dev.fancy.registry.StepRegistry#steps()}
 * hands out its definitions as {@code dev.fancy.internal} types (generated-code API); this command
 * only reads their slug, version, description and ports.
 */
@Command(name = "steps", mixinStandardHelpOptions = true,
    description = "Lists the registered steps (built-in and on the class path): slug, version, "
        + "typed inputs and outputs.",
    footer = {"", "Example:", "  fancy steps --class-path app.jar --json"})
final class StepsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  CommonOptions common;

  @Option(names = "--json", description = "Prints a JSON array instead of lines.")
  boolean json;

  @Option(names = "--all", description = "Includes Fancy's built-in steps (fancy.*).")
  boolean all;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Session session = new Session(common)) {
      List<RegisteredStep> steps = new ArrayList<>(session.registry().steps());
      steps.removeIf(step -> !all && step.slug().startsWith("fancy."));
      if (json) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (RegisteredStep step : steps) {
          ObjectNode node = array.addObject();
          node.put("slug", step.slug());
          node.put("version", step.version());
          node.put("description", step.description());
          ports(node.putArray("inputs"), step.contract().inputs());
          ports(node.putArray("outputs"), step.contract().outputs());
        }
        out.println(array);
      } else {
        for (RegisteredStep step : steps) {
          out.println(step.slug() + " v" + step.version() + "  (" + text(step.contract()
              .inputs()) + ") -> (" + text(step.contract().outputs()) + ")");
          if (step.description() != null && !step.description().isBlank()) {
            out.println("    " + step.description().strip().lines().findFirst().orElse(""));
          }
        }
        out.println(steps.size() + " step" + (steps.size() == 1 ? "" : "s"));
      }
      return ExitCode.OK;
    }
  }

  private static void ports(ArrayNode array, List<Port> ports) {
    for (Port port : ports) {
      ObjectNode node = array.addObject();
      node.put("name", port.name());
      node.put("type", port.type().name());
      node.put("kind", port.kind().toString());
    }
  }

  private static String text(List<Port> ports) {
    StringBuilder text = new StringBuilder();
    for (Port port : ports) {
      text.append(text.length() == 0 ? "" : ", ").append(port.name()).append(": ")
          .append(GraphCommand.simple(port.type().name()));
    }
    return text.toString();
  }
}
