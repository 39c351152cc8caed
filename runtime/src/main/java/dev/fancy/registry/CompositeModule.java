package dev.fancy.registry;

import dev.fancy.frame.ExecutionFrame;
import dev.fancy.internal.StepDefinition;
import dev.fancy.workflow.Composite;
import dev.fancy.workflow.CompositeValue;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.StorageKind;
import dev.fancy.workflow.WorkflowStep;
import java.util.List;

/** The built-in grouping and ungrouping steps of {@link Composite}; every registry has them. */
final class CompositeModule implements StepModule {

  private static final Port COMPOSITE_PORT =
      new Port(Composite.UNGROUP_INPUT, Composite.TYPE, StorageKind.COMPOSITE);

  @Override
  public List<StepDefinition> steps() {
    return List.of(
        new StepDefinition(Composite.GROUP_SLUG, Composite.VERSION,
            "Groups cells into one composite cell.",
            new Contract(List.of(), List.of(new Port("out", Composite.TYPE, StorageKind.COMPOSITE)),
                true, false),
            CompositeModule::group),
        new StepDefinition(Composite.UNGROUP_SLUG, Composite.VERSION,
            "Splits a composite cell into its members.",
            new Contract(List.of(COMPOSITE_PORT), List.of(), false, true),
            CompositeModule::ungroup));
  }

  private static Object[] group(ExecutionFrame frame, Object[] args) {
    return new Object[] {CompositeValue.of(frame.step().inputNames(), args)};
  }

  private static Object[] ungroup(ExecutionFrame frame, Object[] args) {
    WorkflowStep step = frame.step();
    CompositeValue composite = (CompositeValue) args[0];
    List<String> names = step.outputNames();
    Object[] values = new Object[names.size()];
    for (int i = 0; i < values.length; i++) {
      Object value = composite.get(names.get(i));
      if (!step.outputCells().get(i).type().isInstance(value)) {
        throw new ClassCastException("composite member '" + names.get(i) + "' is a "
            + (value == null ? "null" : value.getClass().getName()) + ", but the ungrouped cell "
            + "expects " + step.outputCells().get(i).type().name());
      }
      values[i] = value;
    }
    return values;
  }
}
