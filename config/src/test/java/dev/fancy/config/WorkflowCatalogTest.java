package dev.fancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowCatalogTest {

  @Test
  void findsProvidedWorkflowsByName() {
    WorkflowCatalog catalog = WorkflowCatalog.load(getClass().getClassLoader());
    assertThat(catalog.names()).containsExactly("test.annotated", "test.misnamed", "test.small",
        "test.training");
    assertThat(catalog.get("test.small").inputs()).hasSize(3);
    assertThat(catalog.source("test.small")).contains(TestProviders.Training.class.getName());
    assertThat(catalog.find("nope")).isEmpty();
    assertThatThrownBy(() -> catalog.get("nope"))
        .hasMessage("no workflow named 'nope' on the class path; known workflows: "
            + "test.annotated, test.misnamed, test.small, test.training");
  }

  @Test
  void duplicateNamesNameBothProviders(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(WorkflowProvider.class.getName()),
        TestProviders.Clash.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      assertThatThrownBy(() -> WorkflowCatalog.load(loader))
          .hasMessageContaining("workflow name 'test.small' is provided by both");
    }
    assertThatThrownBy(() -> WorkflowCatalog.load(ClassLoader.getPlatformClassLoader())
        .get("x")).hasMessageContaining("no @WorkflowDefinition or WorkflowProvider was found");
  }

  @Test
  void classPathReadsEntriesWildcardsAndTheEnvironment(@TempDir Path dir) throws IOException {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.write(lib.resolve("b.jar"), new byte[0]);
    Files.write(lib.resolve("a.jar"), new byte[0]);
    Files.writeString(lib.resolve("notes.txt"), "");
    UserClassPath path = UserClassPath.of(List.of(classes.toString(), ""),
        lib + "/*" + java.io.File.pathSeparator);
    assertThat(path.entries()).containsExactly(classes, lib.resolve("a.jar"),
        lib.resolve("b.jar"));
    assertThat(path.asPath()).isEqualTo(classes + java.io.File.pathSeparator
        + lib.resolve("a.jar") + java.io.File.pathSeparator + lib.resolve("b.jar"));
    ClassLoader parent = getClass().getClassLoader();
    assertThat(UserClassPath.of(List.of(), null).loader(parent)).isSameAs(parent);
    ClassLoader loader = path.loader(parent);
    assertThat(loader).isInstanceOf(URLClassLoader.class);
    ((URLClassLoader) loader).close();
    assertThatThrownBy(() -> UserClassPath.of(List.of(dir.resolve("missing").toString(),
        dir.resolve("none") + "/*"), null))
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
            "class path entry '" + dir.resolve("missing") + "' does not exist",
            "class path entry '" + dir.resolve("none") + "/*': " + dir.resolve("none")
                + " is not a readable folder"));
  }
}
