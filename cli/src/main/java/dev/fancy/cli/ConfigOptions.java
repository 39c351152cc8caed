package dev.fancy.cli;

import dev.fancy.config.Config;
import dev.fancy.config.ConfigFile;
import dev.fancy.config.ConfigGenerator;
import dev.fancy.config.Overrides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** A run's inputs from a config file and {@code --set} overrides. */
final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "A config file (.json, .yaml, .yml or .toml): inputs, metadata and an "
          + "optional sweep.")
  Path config;

  @Option(names = {"-s", "--set"}, paramLabel = "INPUT=VALUE",
      description = "Binds one input, over the config file's value (YAML syntax: 0.1, true, "
          + "[1,2], text).")
  List<String> set = new ArrayList<>();

  /** The config file, or null. */
  ConfigFile file() {
    return config == null ? null : ConfigFile.load(config);
  }

  /** The file's base config with the overrides applied (the file's sweep is not expanded). */
  Config base(ConfigFile file) {
    Config base = file == null ? Config.empty() : file.base();
    return base.withAll(Overrides.set(set));
  }

  /** The file's configs (its sweep, if any) with the overrides applied to each. */
  ConfigGenerator configs(ConfigFile file) {
    Config overrides = Overrides.set(set);
    return file == null ? ConfigGenerator.of(overrides)
        : file.configs().times(ConfigGenerator.of(overrides));
  }
}
