package dev.fancy.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keeps step outputs larger than a threshold out of the journal's rows, out of band: such a value
 * is written to {@code <dir>/<run>/<run>_<step>_<attempt>-<output>.json}, and the attempt's row
 * lists the output positions that live in files (column {@code value_files}) while its
 * {@code outputs} array holds null there. File names are made only from the row's run ID, step ID,
 * attempt and position, never from a value, so no value can point at another run's file.
 *
 * <p>A file is complete before its row commits: written to a temporary file, forced to disk,
 * atomically renamed, and its directory forced, so after a crash a committed row always finds its
 * file. Files are read back streaming, with no limit on a string's length.
 */
final class ValueFiles {

  /**
   * An attempt's outputs split for storage.
   *
   * @param inline the outputs with null at each position kept in a file
   * @param positions the positions kept in files, ascending; empty for none
   * @param written the files written, to delete if the row then fails to commit
   */
  record Split(ArrayNode inline, List<Integer> positions, List<Path> written) {}

  private final Path dir;
  private final int threshold;
  private final ObjectMapper mapper;

  ValueFiles(Path dir, int threshold, ObjectMapper mapper) {
    this.dir = dir.toAbsolutePath().normalize();
    this.threshold = threshold;
    this.mapper = mapper;
  }

  /** The directory holding the value files. */
  Path dir() {
    return dir;
  }

  /**
   * Writes every output longer than the threshold (in bytes of UTF-8 JSON) to its file.
   *
   * @throws IOException if a file cannot be written; files written so far are deleted
   */
  Split split(UUID runId, UUID stepId, int attempt, ArrayNode outputs) throws IOException {
    ArrayNode inline = outputs;
    List<Integer> positions = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    try {
      for (int i = 0; i < outputs.size(); i++) {
        JsonNode value = outputs.get(i);
        if (value.isNull() || value.isBoolean()
            || (value.isNumber() && !value.isBigDecimal() && !value.isBigInteger())) {
          continue;
        }
        byte[] json = mapper.writeValueAsBytes(value);
        if (json.length <= threshold) {
          continue;
        }
        if (inline == outputs) {
          inline = outputs.deepCopy();
        }
        written.add(write(file(runId, stepId, attempt, i), json));
        inline.set(i, mapper.nullNode());
        positions.add(i);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(written);
      throw e;
    }
    return new Split(inline, positions, written);
  }

  /**
   * Puts the values of the file-kept positions back into {@code inline}.
   *
   * @throws IOException if a file is missing or unreadable; the message names it
   */
  ArrayNode join(UUID runId, UUID stepId, int attempt, ArrayNode inline, List<Integer> positions)
      throws IOException {
    for (int position : positions) {
      if (position < 0 || position >= inline.size()) {
        throw new IOException("output position " + position + " of attempt " + attempt
            + " of step " + stepId + " is outside its " + inline.size() + " outputs");
      }
      Path file = file(runId, stepId, attempt, position);
      try (InputStream in = Files.newInputStream(file)) {
        inline.set(position, mapper.readTree(in));
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(file.toString(), null, "the value file of output "
            + position + " is missing (was " + dir + " deleted or moved?)");
      }
    }
    return inline;
  }

  private Path file(UUID runId, UUID stepId, int attempt, int position) {
    return dir.resolve(runId.toString())
        .resolve(runId + "_" + stepId + "_" + attempt + "-" + position + ".json");
  }

  private Path write(Path target, byte[] json) throws IOException {
    DurableFiles.createParent(target, dir);
    Path temp = Files.createTempFile(target.getParent(), ".value-", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(json);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      DurableFiles.publish(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  /** Deletes {@code files}, ignoring failures (they are orphans, cleaned with their run). */
  static void deleteQuietly(List<Path> files) {
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // deleted with the run's directory by retention
      }
    }
  }

  /** Deletes the files of one run. */
  void deleteRun(UUID runId) throws IOException {
    Path runDir = dir.resolve(runId.toString());
    if (!Files.exists(runDir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(runDir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * Deletes temporary files older than {@code age}, left by processes that died while writing
   * (younger ones may belong to a live process).
   *
   * @return how many were deleted
   */
  int deleteTemporaryFiles(Duration age, Instant now) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> runs = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path run : runs) {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(run, ".value-*.tmp")) {
          for (Path temp : temps) {
            if (Files.getLastModifiedTime(temp).toInstant().plus(age).isBefore(now)) {
              deleted += Files.deleteIfExists(temp) ? 1 : 0;
            }
          }
        }
      }
    }
    return deleted;
  }

  /** Copies every value file into {@code target}, a new directory. */
  void copyTo(Path target) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path source : files.toList()) {
        Path copy = target.resolve(dir.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else if (!source.getFileName().toString().endsWith(".tmp")) {
          try {
            Files.copy(source, copy);
          } catch (NoSuchFileException deletedMeanwhile) {
            // retention deleted the run after the snapshot; the backup does not refer to it
          }
        }
      }
    }
  }
}
