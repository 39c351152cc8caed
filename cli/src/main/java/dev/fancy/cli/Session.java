package dev.fancy.cli;

import dev.fancy.config.ConfigException;
import dev.fancy.config.UserClassPath;
import dev.fancy.config.WorkflowCatalog;
import dev.fancy.engine.Engine;
import dev.fancy.engine.DurableEngine;
import dev.fancy.engine.Journal;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.WorkflowEngine;
import dev.fancy.workflow.Workflow;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one command works with: the user's classes (a class loader over {@code --class-path} and
 * {@code $FANCY_CLASS_PATH}, made the context class loader so Jackson and {@code ServiceLoader}
 * see them), the step registry and the workflows they provide, and an engine opened on demand.
 * Closing it closes the engine, the journal and the loader.
 */
final class Session implements AutoCloseable {

  final UserClassPath classPath;
  final ClassLoader loader;
  private final ClassLoader previous;
  private StepRegistry registry;
  private WorkflowCatalog catalog;
  private WorkflowEngine engine;
  private Journal journal;

  Session(CommonOptions common) {
    this.classPath = UserClassPath.of(common.classPath, System.getenv(UserClassPath.ENVIRONMENT));
    this.previous = Thread.currentThread().getContextClassLoader();
    this.loader = classPath.loader(Session.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
  }

  /** The registry of the built-in steps and every step module on the class path. */
  StepRegistry registry() {
    if (registry == null) {
      registry = StepRegistry.load(loader);
    }
    return registry;
  }

  /** The workflows that providers on the class path provide. */
  WorkflowCatalog catalog() {
    if (catalog == null) {
      catalog = WorkflowCatalog.load(loader);
    }
    return catalog;
  }

  /**
   * The workflow {@code reference} names: a workflow JSON file (a path that exists or ends in
   * {@code .json}), or the name of a workflow a provider on the class path provides.
   *
   * @throws ConfigException if there is no such file or workflow
   * @throws dev.fancy.workflow.WorkflowValidationException if the JSON is not a valid workflow
   */
  Workflow workflow(String reference) {
    Path file = Path.of(reference);
    if (reference.endsWith(".json") || Files.isRegularFile(file)) {
      String json;
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException(reference + ": cannot read the workflow file ("
            + e.getClass().getSimpleName() + ")", e);
      }
      return Workflow.fromJson(json);
    }
    return catalog().get(reference);
  }

  /** The engine the options choose, opened on first use and closed with the session. */
  WorkflowEngine engine(EngineOptions options) {
    if (engine == null) {
      if (options.kind() == EngineOptions.Kind.durable) {
        Path file = options.journal != null ? options.journal : Journal.DEFAULT_FILE;
        journal = options.inspectOnly ? Journal.open(file, JournalOptions.builder()
            .readOnly(true).build()) : Journal.open(file);
        DurableEngine.Builder builder = DurableEngine.builder(journal).registry(registry());
        if (options.lease != null) {
          builder.lease(options.lease);
        }
        engine = builder.open();
      } else {
        engine = Engine.builder().registry(registry()).build();
      }
    }
    return engine;
  }

  @Override
  public void close() {
    try {
      if (engine != null) {
        engine.close();
      }
      if (journal != null) {
        journal.close();
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
      if (loader instanceof Closeable closeable) {
        try {
          closeable.close();
        } catch (IOException e) {
          // Closing jars the process is about to drop; nothing to do.
        }
      }
    }
  }
}
