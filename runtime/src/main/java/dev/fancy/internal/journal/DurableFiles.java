package dev.fancy.internal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How the journal's files next to the database (value files, blobs) reach the disk: written to a
 * temporary file and forced, then renamed over their name, with every directory entry forced, so
 * that a crash leaves either the whole file or none (the POSIX rename-and-fsync idiom).
 */
final class DurableFiles {
  private DurableFiles() {}

  /**
   * Creates {@code target}'s directory if it is missing and forces {@code root}'s entry of it.
   *
   * @throws IOException if the directory cannot be created
   */
  static void createParent(Path target, Path root) throws IOException {
    Path parent = target.getParent();
    boolean newDirectory = !Files.isDirectory(parent);
    Files.createDirectories(parent);
    if (newDirectory) {
      forceDirectory(root);
    }
  }

  /**
   * Renames {@code temp}, written and forced, to {@code target} (atomically where the file
   * system can), then forces {@code target}'s directory.
   *
   * @throws IOException if the rename fails ({@code temp} is left for the caller to delete)
   */
  static void publish(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory(target.getParent());
  }

  /** Forces a directory's entries to disk, where the platform allows it (Linux, macOS). */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // Windows cannot open directories; its renames are durable on their own
    }
  }
}
