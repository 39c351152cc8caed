package dev.fancy.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The exported public types, computed from the compiled classes, are exactly those that
 * docs/api.md lists (one table row each, with what it is for).
 */
class ApiSurfaceTest {

  private static final Path CLASSES = Path.of("target", "classes");
  private static final Path API_DOC = Path.of("..", "docs", "api.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([\\w.]+)` \\| (.+) \\|$",
      Pattern.MULTILINE);

  static Set<String> exportedPublicTypes() throws Exception {
    ModuleDescriptor module =
        ModuleFinder.of(CLASSES).find("dev.fancy.runtime").orElseThrow().descriptor();
    Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
    Set<String> types = new TreeSet<>();
    try (Stream<Path> files = Files.walk(CLASSES.resolve("dev"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = CLASSES.relativize(file).toString().replace(File.separatorChar, '.')
            .replaceAll("\\.class$", "");
        if (name.contains("$")) {
          continue; // nested types are documented with their enclosing type
        }
        Class<?> type = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
        if (exported.contains(type.getPackageName()) && Modifier.isPublic(type.getModifiers())) {
          types.add(name);
        }
      }
    }
    return types;
  }

  static Set<String> documentedTypes(String markdown) {
    Set<String> types = new TreeSet<>();
    Matcher row = ROW.matcher(markdown);
    while (row.find()) {
      assertThat(row.group(2).strip()).as("what %s is for", row.group(1)).isNotEmpty();
      assertThat(types.add(row.group(1))).as("%s is listed once", row.group(1)).isTrue();
    }
    return types;
  }

  @Test
  void docsApiListsExactlyTheExportedPublicTypes() throws Exception {
    Set<String> exported = exportedPublicTypes();
    Set<String> documented = documentedTypes(Files.readString(API_DOC));

    assertThat(new TreeSet<>(documented)).as("documented in docs/api.md but not exported")
        .isSubsetOf(exported);
    assertThat(new TreeSet<>(exported)).as("exported but missing from docs/api.md")
        .isSubsetOf(documented);
  }

  @Test
  void theCheckSeesAMissingAndAnExtraRow() throws IOException {
    String doc = "| `dev.fancy.run.RunHandle` | one run |\n"
        + "| `dev.fancy.run.Gone` | a type that no longer exists |\n";
    Set<String> documented = documentedTypes(doc);
    assertThat(documented).containsExactly("dev.fancy.run.Gone", "dev.fancy.run.RunHandle");
    assertThat(documented).doesNotContain("dev.fancy.run.WorkflowEngine");
  }
}
