package dev.fancy.server;

import dev.fancy.run.RunHistory;
import dev.fancy.run.StepRecord;
import dev.fancy.run.StepStatus;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Draws a run's workflow as a DAG in SVG: the layout comes from the Eclipse Layout Kernel's
 * layered algorithm (Sugiyama-style layers, left to right), each node is coloured by its step's
 * status and labelled with its name and status in text (colour is never the only signal). Nodes
 * carry {@code data-step} and {@code data-status} attributes and a {@code status-*} class so the
 * dashboard can recolour them from the event stream without a new layout.
 */
final class DagLayout {
  static final double NODE_WIDTH = 150;
  static final double NODE_HEIGHT = 48;

  static {
    LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(
        new LayeredMetaDataProvider());
  }

  private DagLayout() {}

  /**
   * The SVG of {@code history}'s steps, laid out from {@code workflow}'s edges (data and
   * {@code after}); without a workflow the steps are drawn in a row.
   */
  static String svg(RunHistory history, Workflow workflow, Map<UUID, String> names) {
    ElkNode graph = ElkGraphUtil.createGraph();
    graph.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
    graph.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
    graph.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
    graph.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 40.0);
    graph.setProperty(CoreOptions.SPACING_NODE_NODE, 24.0);
    graph.setProperty(CoreOptions.PADDING, new org.eclipse.elk.core.math.ElkPadding(16));
    Map<UUID, ElkNode> nodes = new LinkedHashMap<>();
    Map<UUID, StepRecord> records = new LinkedHashMap<>();
    for (StepRecord step : history.steps()) {
      records.put(step.stepId(), step);
      ElkNode node = ElkGraphUtil.createNode(graph);
      node.setIdentifier(step.stepId().toString());
      node.setDimensions(NODE_WIDTH, NODE_HEIGHT);
      nodes.put(step.stepId(), node);
    }
    if (workflow != null) {
      for (WorkflowStep step : workflow.steps()) {
        ElkNode target = nodes.get(step.id());
        if (target == null) {
          continue;
        }
        Set<UUID> sources = new LinkedHashSet<>();
        for (Cell<?> input : step.inputCells()) {
          if (input.producer() != null) {
            sources.add(input.producer().id());
          }
        }
        for (WorkflowStep upstream : step.upstream()) {
          sources.add(upstream.id());
        }
        for (UUID source : sources) {
          ElkNode from = nodes.get(source);
          if (from != null) {
            ElkGraphUtil.createSimpleEdge(from, target);
          }
        }
      }
    }
    new RecursiveGraphLayoutEngine().layout(graph, new BasicProgressMonitor());

    StringBuilder svg = new StringBuilder();
    double width = Math.max(graph.getWidth(), NODE_WIDTH + 32);
    double height = Math.max(graph.getHeight(), NODE_HEIGHT + 32);
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dag\" role=\"img\" ")
        .append("aria-label=\"Workflow graph of run ").append(history.run().runId())
        .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
        .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
        .append("\">\n");
    svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ")
        .append("markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">")
        .append("<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");
    for (ElkEdge edge : graph.getContainedEdges()) {
      for (ElkEdgeSection section : edge.getSections()) {
        StringBuilder d = new StringBuilder("M ").append(num(section.getStartX())).append(' ')
            .append(num(section.getStartY()));
        for (ElkBendPoint bend : section.getBendPoints()) {
          d.append(" L ").append(num(bend.getX())).append(' ').append(num(bend.getY()));
        }
        d.append(" L ").append(num(section.getEndX())).append(' ')
            .append(num(section.getEndY()));
        svg.append("<path class=\"edge\" d=\"").append(d).append("\" fill=\"none\" ")
            .append("stroke=\"#555\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n");
      }
    }
    for (Map.Entry<UUID, ElkNode> entry : nodes.entrySet()) {
      ElkNode node = entry.getValue();
      StepRecord record = records.get(entry.getKey());
      String name = names.getOrDefault(entry.getKey(), record.slug());
      StepStatus status = record.status();
      svg.append("<g class=\"node status-").append(status.name().toLowerCase(
              java.util.Locale.ROOT)).append("\" data-step=\"").append(escape(name))
          .append("\" data-status=\"").append(status.name()).append("\" transform=\"translate(")
          .append(num(node.getX())).append(' ').append(num(node.getY())).append(")\">")
          .append("<title>").append(escape(name)).append(": ").append(status.name())
          .append("</title>")
          .append("<rect width=\"").append(num(NODE_WIDTH)).append("\" height=\"")
          .append(num(NODE_HEIGHT)).append("\" rx=\"6\" fill=\"").append(fill(status))
          .append("\" stroke=\"#333\"/>")
          .append("<text x=\"10\" y=\"20\" font-size=\"13\" font-weight=\"600\" ")
          .append("fill=\"#111\">").append(escape(shorten(name))).append("</text>")
          .append("<text class=\"status-text\" x=\"10\" y=\"38\" font-size=\"11\" ")
          .append("fill=\"#111\">").append(status.name()).append("</text></g>\n");
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** The fill colour of a status; text always says the status too. */
  static String fill(StepStatus status) {
    return switch (status) {
      case PENDING -> "#e5e7eb";
      case RUNNING -> "#bfdbfe";
      case SUCCEEDED -> "#bbf7d0";
      case FAILED -> "#fecaca";
      case SKIPPED -> "#f5f5f4";
      case CANCELLED -> "#fde68a";
    };
  }

  private static String shorten(String name) {
    return name.length() <= 20 ? name : name.substring(0, 19) + "…";
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(java.util.Locale.ROOT,
        "%.1f", d);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;").replace("'", "&#39;");
  }
}
