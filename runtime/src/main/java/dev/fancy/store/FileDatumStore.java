package dev.fancy.store;

import dev.fancy.value.ValueCodec;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keeps values as JSON files under a root directory: {@code <root>/<run ID>/<cell ID>.json}. Used
 * for {@code REFERENCE} cells, whose value is referred to by a {@code file:} URI.
 *
 * <p>Writes go to a temporary file that is then moved into place atomically, so a reader never
 * sees a half-written value. A reference URI can never resolve outside the root: {@link #read}
 * rejects any URI whose real path is not under the root's real path ({@code ..} segments, other
 * directories, symbolic links leading out). The root directory is created on the first write.
 */
public final class FileDatumStore implements DatumStore {

  private final Path root;
  private final ValueCodec codec;

  /**
   * Creates a store under {@code root} that serializes with {@link ValueCodec#defaults()}.
   *
   * @throws NullPointerException if {@code root} is null
   */
  public FileDatumStore(Path root) {
    this(root, ValueCodec.defaults());
  }

  /**
   * Creates a store under {@code root} that serializes with {@code codec} (an engine's
   * {@code codec()}, to use its Jackson modules).
   *
   * @throws NullPointerException if an argument is null
   */
  public FileDatumStore(Path root, ValueCodec codec) {
    this.root = root.toAbsolutePath().normalize();
    this.codec = java.util.Objects.requireNonNull(codec, "codec == null");
  }

  /** The root directory, absolute and normalized. */
  public Path root() {
    return root;
  }

  private Path file(UUID runId, Cell<?> cell) {
    return root.resolve(runId.toString()).resolve(cell.id() + ".json");
  }

  @Override
  public void put(UUID runId, Cell<?> cell, Object value) {
    Path target = file(runId, cell);
    byte[] bytes = codec.toBytes(value);
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), cell.id().toString(), ".tmp");
      Files.write(temp, bytes);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new DatumStoreException("cannot store cell '" + cell.alias() + "' of run " + runId
          + " under " + root + ": " + e, e);
    }
  }

  @Override
  public Object get(UUID runId, Cell<?> cell) {
    return read(file(runId, cell).toUri(), cell.type());
  }

  /**
   * Reads the value a reference URI points to.
   *
   * @param uri a {@code file:} URI under this store's root
   * @param type the value's type
   * @throws DatumStoreException if the URI is not a {@code file:} URI, resolves outside the root,
   *     names no stored value, or cannot be read as {@code type}
   */
  public <T> T read(URI uri, ValueType<T> type) {
    Path path = contained(uri);
    try {
      return codec.fromBytes(Files.readAllBytes(path), type);
    } catch (NoSuchFileException e) {
      throw new DatumStoreException("no stored value at " + uri, e);
    } catch (IOException | RuntimeException e) {
      throw new DatumStoreException("cannot read " + uri + " as " + type.name() + ": "
          + e.getMessage(), e);
    }
  }

  private Path contained(URI uri) {
    if (!"file".equals(uri.getScheme())) {
      throw new DatumStoreException("reference " + uri + " is not a file: URI under " + root);
    }
    Path path = Path.of(uri).toAbsolutePath().normalize();
    boolean inside = path.startsWith(root);
    if (inside && Files.exists(path)) {
      try {
        inside = path.toRealPath().startsWith(root.toRealPath());
      } catch (IOException e) {
        throw new DatumStoreException("cannot resolve reference " + uri + ": " + e, e);
      }
    }
    if (!inside) {
      throw new DatumStoreException("reference " + uri + " resolves outside the store root "
          + root + "; references may only point into the store");
    }
    return path;
  }

  @Override
  public boolean contains(UUID runId, Cell<?> cell) {
    return Files.exists(file(runId, cell));
  }

  @Override
  public URI location(UUID runId, Cell<?> cell) {
    return file(runId, cell).toUri();
  }

  @Override
  public void deleteRun(UUID runId) {
    Path dir = root.resolve(runId.toString());
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new DatumStoreException("cannot delete the values of run " + runId + ": " + e, e);
    }
  }

  /**
   * Deletes every stored value and the root directory itself.
   *
   * @throws DatumStoreException if something cannot be deleted
   */
  public void deleteAll() {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new DatumStoreException("cannot delete the stored values under " + root + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // the original failure is reported; a stray temporary file is harmless
      }
    }
  }
}
