package dev.fancy.processor;

import dev.fancy.processor.validation.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * One {@code META-INF/services} file that an aggregating processor writes in the last round,
 * only through the {@code Filer}, with every contributing class as an originating element.
 * Entries of an earlier build that still name an existing class are kept, as AutoService does:
 * an incremental or IDE build compiles only some classes and must not drop the others' entries.
 */
final class ServiceIndex {

  private final String file;
  private final String loader;
  private final Set<String> entries = new TreeSet<>();
  private final List<Element> originating = new ArrayList<>();

  /**
   * @param service the service interface's binary name
   * @param loader what finds the entries, named in the error if the file cannot be written
   */
  ServiceIndex(String service, String loader) {
    this.file = "META-INF/services/" + service;
    this.loader = loader;
  }

  /** Adds {@code entry}, contributed by {@code from}. */
  void add(String entry, Element from) {
    if (entries.add(entry)) {
      originating.add(from);
    }
  }

  /** Writes the file if anything was added, reporting a failure as an error. */
  void writeIfAny(ProcessingEnvironment environment) {
    if (entries.isEmpty()) {
      return;
    }
    entries.addAll(existingEntries(environment));
    try {
      FileObject resource = environment.getFiler().createResource(StandardLocation.CLASS_OUTPUT,
          "", file, originating.toArray(new Element[0]));
      try (Writer writer = new OutputStreamWriter(resource.openOutputStream(),
          StandardCharsets.UTF_8)) {
        for (String entry : entries) {
          writer.write(entry);
          writer.write('\n');
        }
      }
    } catch (IOException e) {
      environment.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.SERVICE_FILE_NOT_WRITTEN.format(file, loader, e.getMessage()));
    }
  }

  /** The entries of the file of an earlier build whose classes still exist. */
  private Set<String> existingEntries(ProcessingEnvironment environment) {
    Set<String> existing = new TreeSet<>();
    try {
      FileObject resource = environment.getFiler().getResource(StandardLocation.CLASS_OUTPUT,
          "", file);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          resource.openInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          String entry = line.replaceAll("#.*", "").trim();
          if (!entry.isEmpty() && environment.getElementUtils().getTypeElement(entry) != null) {
            existing.add(entry);
          }
        }
      }
    } catch (IOException | IllegalArgumentException noEarlierFile) {
      // first build: nothing to keep
    }
    return existing;
  }
}
