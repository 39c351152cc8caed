package dev.fancy.conformance;

import dev.fancy.engine.Engine;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.WorkflowEngine;

/** The conformance suite on the in-memory engine. */
class InMemoryEngineConformanceTest extends EngineConformanceTest {

  @Override
  protected WorkflowEngine newEngine(StepRegistry registry) {
    return Engine.builder().registry(registry).maxConcurrency(4).build();
  }
}
