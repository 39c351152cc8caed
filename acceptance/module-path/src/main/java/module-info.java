/**
 * Rain gauges on the module path. Fancy's processor writes META-INF/services files for the class
 * path; on the module path ServiceLoader reads these provides clauses instead, and the processor
 * stops the build with the exact clause to write if one is missing. No requires java.compiler:
 * the generated code then carries no @Generated.
 */
module com.example.gauges {
  requires dev.fancy.runtime;

  provides dev.fancy.registry.StepModule with com.example.gauges.GaugesStepModule;
  provides dev.fancy.registry.WorkflowModule with com.example.gauges.GaugeWorkflowsWorkflowModule;
}
