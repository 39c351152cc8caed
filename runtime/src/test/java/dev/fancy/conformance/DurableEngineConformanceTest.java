package dev.fancy.conformance;

import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.WorkflowEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on the durable engine, over a journal in a temporary directory. */
class DurableEngineConformanceTest extends EngineConformanceTest {

  @TempDir
  Path temp;

  private Journal journal;

  @Override
  protected WorkflowEngine newEngine(StepRegistry registry) {
    journal = Journal.open(temp.resolve("journal.db"));
    return DurableEngine.builder(journal).registry(registry).maxConcurrency(4).open();
  }

  @Override
  protected void afterEnginesClosed() {
    if (journal != null) {
      journal.close();
    }
  }
}
