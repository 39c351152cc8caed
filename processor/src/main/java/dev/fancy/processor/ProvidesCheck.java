package dev.fancy.processor;

import dev.fancy.processor.validation.Message;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Checks that a named module compiled from source declares {@code provides <service> with ...}
 * for every generated module it contains (a module not generated because its class has errors
 * is left to those errors). On the module path {@code ServiceLoader} reads only
 * {@code provides} clauses, never {@code META-INF/services} files, so without the clause
 * {@code StepRegistry.loadDefault()} (or {@code WorkflowRegistry.loadDefault()}) finds nothing
 * and every step would be reported unregistered on its own. Instead this reports one error per
 * module, on its {@code module} declaration, naming the exact clause to write.
 *
 * <p>Only modules whose {@code module-info.java} is a source of this compilation are checked
 * (they are root elements of the first round): a test compilation patched into a named module
 * ({@code --patch-module}, as Maven compiles the tests of a modular project) cannot list its
 * generated modules in the main {@code module-info.java}, and the class path needs no clause.
 * The module's directives are read only in the last round, when every generated module exists:
 * reading them completes the {@code provides} clauses, which must not happen before.
 */
final class ProvidesCheck {

  private final String service;
  private final String loader;
  private final String annotation;
  private final Set<String> sourceModules = new LinkedHashSet<>();
  private final Map<String, Map<String, String>> providersByModule = new LinkedHashMap<>();

  /**
   * @param service the service interface's binary name
   * @param loader what finds the providers, named in the error
   * @param annotation the annotation of the classes the providers are generated for
   */
  ProvidesCheck(String service, String loader, String annotation) {
    this.service = service;
    this.loader = loader;
    this.annotation = annotation;
  }

  /** Notes the named modules among a round's root elements: their module-info is a source. */
  void noteRoots(Set<? extends Element> roots) {
    for (Element root : roots) {
      if (root instanceof ModuleElement module && !module.isUnnamed()) {
        sourceModules.add(module.getQualifiedName().toString());
      }
    }
  }

  /** Notes that {@code provider} is generated for {@code from}, in {@code from}'s module. */
  void add(ProcessingEnvironment environment, TypeElement from, String provider) {
    ModuleElement module = environment.getElementUtils().getModuleOf(from);
    if (module != null && !module.isUnnamed()) {
      providersByModule.computeIfAbsent(module.getQualifiedName().toString(),
          m -> new TreeMap<>()).put(provider, from.getQualifiedName().toString());
    }
  }

  /** Reports each checked module whose {@code provides} clause misses generated providers. */
  void report(ProcessingEnvironment environment) {
    for (Map.Entry<String, Map<String, String>> entry : providersByModule.entrySet()) {
      if (!sourceModules.contains(entry.getKey())) {
        continue;
      }
      ModuleElement module = environment.getElementUtils().getModuleElement(entry.getKey());
      if (module == null) {
        continue;
      }
      Set<String> declared = new TreeSet<>();
      boolean hasClause = false;
      for (ModuleElement.ProvidesDirective provides
          : ElementFilter.providesIn(module.getDirectives())) {
        if (provides.getService().getQualifiedName().contentEquals(service)) {
          hasClause = true;
          for (TypeElement implementation : provides.getImplementations()) {
            declared.add(implementation.getQualifiedName().toString());
          }
        }
      }
      Map<String, String> missing = new TreeMap<>(entry.getValue());
      missing.keySet().removeAll(declared);
      // a module not generated (its class has errors) is explained by those errors
      missing.keySet().removeIf(
          provider -> environment.getElementUtils().getTypeElement(module, provider) == null);
      if (missing.isEmpty()) {
        continue;
      }
      Set<String> all = new TreeSet<>(declared);
      all.addAll(entry.getValue().keySet());
      String clause = "provides " + service + " with " + String.join(", ", all) + ";";
      String message = hasClause
          ? Message.PROVIDES_INCOMPLETE.format(entry.getKey(), service,
              String.join(", ", missing.keySet()), String.join(", ", missing.values()), loader,
              clause)
          : Message.PROVIDES_MISSING.format(entry.getKey(), annotation,
              String.join(", ", missing.values()), service, loader, clause);
      environment.getMessager().printMessage(Diagnostic.Kind.ERROR, message, module);
    }
  }
}
