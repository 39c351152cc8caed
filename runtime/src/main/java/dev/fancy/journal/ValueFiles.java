package dev.fancy.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Keeps step outputs larger than a threshold out of the journal's rows: such a value is written
 * to {@code <dir>/<run>/<attempt key>-<output>.json} (atomically, before the commit that refers to
 * it) and the row holds a reference {@code {"$file": "<run>/<name>"}} instead. References never
 * resolve outside the directory.
 */
final class ValueFiles {

  static final String REFERENCE = "$file";

  private final Path dir;
  private final int threshold;
  private final ObjectMapper mapper;

  ValueFiles(Path dir, int threshold, ObjectMapper mapper) {
    this.dir = dir.toAbsolutePath().normalize();
    this.threshold = threshold;
    this.mapper = mapper;
  }

  /** The outputs with every large value replaced by a reference to a file written now. */
  ArrayNode externalize(String runId, String key, ArrayNode outputs) throws IOException {
    ArrayNode result = outputs;
    for (int i = 0; i < outputs.size(); i++) {
      String json = outputs.get(i).toString();
      if (json.length() <= threshold) {
        continue;
      }
      if (result == outputs) {
        result = outputs.deepCopy();
      }
      String name = runId + "/" + key.replace(':', '_') + "-" + i + ".json";
      Path target = dir.resolve(name);
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), "value", ".tmp");
      Files.writeString(temp, json, StandardCharsets.UTF_8);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      ObjectNode reference = mapper.createObjectNode();
      reference.put(REFERENCE, name);
      result.set(i, reference);
    }
    return result;
  }

  /** The outputs with every reference replaced by the value in its file. */
  ArrayNode internalize(ArrayNode outputs) throws IOException {
    for (int i = 0; i < outputs.size(); i++) {
      JsonNode value = outputs.get(i);
      if (value.isObject() && value.size() == 1 && value.has(REFERENCE)) {
        Path file = dir.resolve(value.get(REFERENCE).asText()).normalize();
        if (!file.startsWith(dir)) {
          throw new IOException("value reference " + file + " is outside " + dir);
        }
        outputs.set(i, mapper.readTree(Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    return outputs;
  }

  /** Deletes the files of one run. */
  void deleteRun(String runId) throws IOException {
    Path runDir = dir.resolve(runId).normalize();
    if (!runDir.startsWith(dir) || !Files.exists(runDir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(runDir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
