package dev.fancy.config;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The user's step and workflow classes, from jars and folders given on the command line
 * ({@code --class-path}) and in the {@value #ENVIRONMENT} environment variable, in the platform's
 * path syntax ({@code a.jar:classes/:lib/*} on Unix). An entry ending in {@code *} means every
 * jar in that folder, as with {@code java -cp}. The CLI, its isolated child processes and the
 * server load user code through this one class.
 */
public final class UserClassPath {

  /** The environment variable read in addition to {@code --class-path}. */
  public static final String ENVIRONMENT = "FANCY_CLASS_PATH";

  private final List<Path> entries;

  private UserClassPath(List<Path> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * The entries of {@code paths} (each in path syntax; blank ones ignored), then those of
   * {@code environment} (the variable's value, or null).
   *
   * @throws ConfigException naming each entry that does not exist
   */
  public static UserClassPath of(List<String> paths, String environment) {
    List<Path> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> all = new ArrayList<>(paths);
    if (environment != null) {
      all.add(environment);
    }
    for (String path : all) {
      for (String entry : path.split(File.pathSeparator)) {
        if (entry.isBlank()) {
          continue;
        }
        if (entry.endsWith("*")) {
          Path folder = Path.of(entry.substring(0, entry.length() - 1).isEmpty() ? "."
              : entry.substring(0, entry.length() - 1));
          try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.{jar,JAR}")) {
            List<Path> found = new ArrayList<>();
            jars.forEach(found::add);
            found.sort(null);
            entries.addAll(found);
          } catch (IOException e) {
            problems.add("class path entry '" + entry + "': " + folder + " is not a readable "
                + "folder");
          }
          continue;
        }
        Path file = Path.of(entry);
        if (!Files.exists(file)) {
          problems.add("class path entry '" + entry + "' does not exist");
        } else {
          entries.add(file.toAbsolutePath().normalize());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new UserClassPath(entries);
  }

  /** The jars and folders, absolute, in order. */
  public List<Path> entries() {
    return entries;
  }

  /** The entries in the platform's path syntax, for a child's {@code -cp}. */
  public String asPath() {
    List<String> text = new ArrayList<>();
    entries.forEach(entry -> text.add(entry.toString()));
    return String.join(File.pathSeparator, text);
  }

  /**
   * A loader of the entries whose parent is {@code parent}; {@code parent} itself if there are
   * no entries. The caller closes it when done (a {@link URLClassLoader} holds open jars).
   */
  public ClassLoader loader(ClassLoader parent) {
    Objects.requireNonNull(parent, "parent == null");
    if (entries.isEmpty()) {
      return parent;
    }
    URL[] urls = new URL[entries.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = entries.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalStateException("a file path is always a URL: " + entries.get(i), e);
      }
    }
    return new URLClassLoader("fancy-user", urls, parent);
  }
}
