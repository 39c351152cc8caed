package dev.fancy.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The compiled module descriptor: what users can reach, and what stays inside the runtime. */
class ModuleDescriptorTest {

  private static final Path CLASSES = Path.of("target", "classes");

  /** The module as the JDK finds it in the compiled classes, with every package it holds. */
  private static ModuleDescriptor descriptor() {
    return ModuleFinder.of(CLASSES).find("dev.fancy.runtime").orElseThrow().descriptor();
  }

  @Test
  void exportsTheUserPackagesAndTheGeneratedCodePackageOnly() {
    ModuleDescriptor module = descriptor();

    assertThat(module.name()).isEqualTo("dev.fancy.runtime");
    assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse())
        .extracting(ModuleDescriptor.Exports::source).containsExactlyInAnyOrder(
            "dev.fancy", "dev.fancy.run", "dev.fancy.cache", "dev.fancy.engine", "dev.fancy.frame", "dev.fancy.internal",
            "dev.fancy.journal", "dev.fancy.registry", "dev.fancy.store", "dev.fancy.value",
            "dev.fancy.workflow");
    assertThat(module.packages()).contains("dev.fancy.internal.core", "dev.fancy.workflow.spi");
    assertThat(module.uses()).containsExactlyInAnyOrder("dev.fancy.registry.StepModule",
        "dev.fancy.registry.WorkflowModule");
    assertThat(module.requires()).extracting(ModuleDescriptor.Requires::name)
        .doesNotContain("dev.fancy.processor");
  }

  @Test
  void noExportedSignatureNamesANonExportedType() throws Exception {
    ModuleDescriptor module = descriptor();
    Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
    List<String> leaks = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CLASSES.resolve("dev"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = CLASSES.relativize(file).toString().replace(File.separatorChar, '.')
            .replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (!exported.contains(type.getPackageName()) || !visible(type)) {
          continue;
        }
        List<Class<?>> mentioned = new ArrayList<>();
        if (type.getSuperclass() != null) {
          mentioned.add(type.getSuperclass());
        }
        mentioned.addAll(List.of(type.getInterfaces()));
        for (Executable e : concat(type.getDeclaredMethods(), type.getDeclaredConstructors())) {
          if (visible(e.getModifiers())) {
            mentioned.addAll(List.of(e.getParameterTypes()));
            mentioned.addAll(List.of(e.getExceptionTypes()));
            if (e instanceof Method m) {
              mentioned.add(m.getReturnType());
            }
          }
        }
        for (Field f : type.getDeclaredFields()) {
          if (visible(f.getModifiers())) {
            mentioned.add(f.getType());
          }
        }
        for (Class<?> m : mentioned) {
          while (m.isArray()) {
            m = m.getComponentType();
          }
          if (m.getPackageName().startsWith("dev.fancy")
              && !exported.contains(m.getPackageName())) {
            leaks.add(type.getName() + " -> " + m.getName());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static boolean visible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if (!Modifier.isPublic(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static List<Executable> concat(Executable[] a, Executable[] b) {
    List<Executable> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all;
  }
}
