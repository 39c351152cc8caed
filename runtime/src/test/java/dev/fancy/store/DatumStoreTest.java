package dev.fancy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.value.TypeRef;
import dev.fancy.workflow.Cell;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatumStoreTest {

  @TempDir
  Path temp;

  private final UUID run = UUID.randomUUID();
  private final Cell<List<String>> cell =
      Cell.input("names", new TypeRef<List<String>>() {});

  @Test
  void fileStoreRoundTripsValuesWithoutLeavingTemporaryFiles() throws IOException {
    FileDatumStore store = new FileDatumStore(temp.resolve("root"));
    store.put(run, cell, List.of("a", "b"));
    assertThat(store.get(run, cell)).isEqualTo(List.of("a", "b"));
    assertThat(store.read(store.location(run, cell), cell.type())).isEqualTo(List.of("a", "b"));
    try (var files = Files.list(temp.resolve("root").resolve(run.toString()))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(cell.id() + ".json");
    }
    store.deleteRun(run);
    assertThat(store.contains(run, cell)).isFalse();
  }

  @Test
  void referencesNeverResolveOutsideTheRoot() throws IOException {
    FileDatumStore store = new FileDatumStore(temp.resolve("root"));
    Path secret = Files.writeString(temp.resolve("secret.json"), "[\"s\"]");
    Files.createDirectories(temp.resolve("root"));
    URI escaping = temp.resolve("root").toUri().resolve("../secret.json");
    assertThatThrownBy(() -> store.read(escaping, cell.type()))
        .isInstanceOf(DatumStoreException.class)
        .hasMessageContaining("resolves outside the store root");
    assertThatThrownBy(() -> store.read(secret.toUri(), cell.type()))
        .hasMessageContaining("resolves outside the store root");
    Path link = temp.resolve("root").resolve("link.json");
    Files.createSymbolicLink(link, secret);
    assertThatThrownBy(() -> store.read(link.toUri(), cell.type()))
        .hasMessageContaining("resolves outside the store root");
    assertThatThrownBy(() -> store.read(URI.create("http://example.invalid/x"), cell.type()))
        .hasMessageContaining("is not a file: URI");
  }

  @Test
  void unreadableValuesNameTheType() throws IOException {
    FileDatumStore store = new FileDatumStore(temp.resolve("root"));
    store.put(run, cell, List.of("a"));
    Files.writeString(Path.of(store.location(run, cell)), "{not json");
    assertThatThrownBy(() -> store.get(run, cell))
        .isInstanceOf(DatumStoreException.class)
        .hasMessageContaining("as java.util.List<java.lang.String>");
  }

  @Test
  void aFailedWriteLeavesNothingBehind() throws IOException {
    Path root = temp.resolve("root");
    Files.writeString(root, "a file where the root directory should be");
    FileDatumStore store = new FileDatumStore(root);
    assertThatThrownBy(() -> store.put(run, cell, List.of("a")))
        .isInstanceOf(DatumStoreException.class)
        .hasMessageContaining("cannot store cell 'names'");
    assertThat(Files.readString(root)).startsWith("a file");
  }
}
