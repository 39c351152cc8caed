package dev.fancy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Sweep} runs configs in child JVMs ({@link Sweep#isolate}): each child is started
 * with this JVM's class path and module path plus {@link Builder#classPath extra entries} (the
 * user's classes), by {@link ProcessBuilder} without a shell, and runs configs one after another
 * (a warm pool of {@code parallelism} children; a dead child is replaced). A child that calls
 * {@code System.exit}, runs out of memory, hangs past the sweep's timeout or is killed fails that
 * config only, with its exit code and the tail of its standard error in the row's error. Children
 * exit when the sweep ends, when this process closes their standard input, or when this process
 * dies. Immutable.
 *
 * @param classPath jars and folders added to the children's class path
 * @param jvmOptions options for the children's JVM (e.g. {@code -Xmx512m}); the parent's
 *     {@code -javaagent} options (a coverage agent) are passed on as well
 * @param journal the durable journal children open themselves (runs and checkpoints survive a
 *     child's death), or null for an in-memory engine in each child
 * @param startTimeout how long a child may take to start and report ready
 */
public record ProcessIsolation(List<Path> classPath, List<String> jvmOptions, Path journal,
    Duration startTimeout) {

  /** Checks and copies. */
  public ProcessIsolation {
    classPath = List.copyOf(classPath);
    jvmOptions = List.copyOf(jvmOptions);
    Objects.requireNonNull(startTimeout, "startTimeout == null");
  }

  /** A builder: no extra class path, no JVM options, in-memory engines, 60 s to start. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link ProcessIsolation}. */
  public static final class Builder {
    private final List<Path> classPath = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Path journal;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** Adds jars and folders to the children's class path. */
    public Builder classPath(List<Path> entries) {
      classPath.addAll(entries);
      return this;
    }

    /** Adds an option for the children's JVM. */
    public Builder jvmOption(String option) {
      jvmOptions.add(Objects.requireNonNull(option, "option == null"));
      return this;
    }

    /** Children run on a durable engine over this journal file. */
    public Builder journal(Path journal) {
      this.journal = Objects.requireNonNull(journal, "journal == null");
      return this;
    }

    /** How long a child may take to start. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /** The isolation settings. */
    public ProcessIsolation build() {
      return new ProcessIsolation(classPath, jvmOptions, journal, startTimeout);
    }
  }
}
