package dev.fancy.config;

import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Workflow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The configs of a sweep: an {@link Iterable} of {@link Config}s made by the usual expansions —
 * {@link #grid} (cartesian product), {@link #zip}, an explicit {@link #list}, seeded
 * {@link #random} sampling, {@link #concat}, {@link #filter} — and combinations of them
 * ({@link #times}, {@link #over}).
 *
 * <p>Generators are lazy and re-iterable: each iteration computes configs one at a time, so a
 * grid of 10⁶ points is never held in memory; {@link #size()} is known without iterating except
 * after {@link #filter}. Generated configs are unnamed unless a base config gives a name; their
 * {@link Config#describe()} says which values they bind.
 *
 * <pre>{@code
 * ConfigGenerator sweep = ConfigGenerator.grid(Map.of(
 *         "model", List.of("sgd", "adagrad"),
 *         "epochs", List.of(10, 20, 30)))
 *     .times(ConfigGenerator.random(42, 4, Map.of("lr", Distribution.logUniform(1e-3, 1e-1))))
 *     .over(Config.empty().with("data", Path.of("penguins.json")));
 * }</pre>
 *
 * <p>The expansions follow scikit-learn's {@code ParameterGrid}/{@code ParameterSampler} and
 * Hydra's basic sweeper (the last key varies fastest).
 */
public abstract class ConfigGenerator implements Iterable<Config> {

  /** Subclasses are the factories' own. */
  ConfigGenerator() {}

  /** The number of configs, if it is known without iterating. */
  public abstract OptionalLong size();

  /** The configs in order, one at a time. */
  public Stream<Config> stream() {
    OptionalLong size = size();
    Spliterator<Config> split = size.isPresent()
        ? Spliterators.spliterator(iterator(), size.getAsLong(),
            Spliterator.ORDERED | Spliterator.NONNULL)
        : Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED
            | Spliterator.NONNULL);
    return StreamSupport.stream(split, false);
  }

  /** Every config of an explicit list, in order. */
  public static ConfigGenerator list(List<Config> configs) {
    List<Config> copy = List.copyOf(configs);
    return new Indexed(copy.size()) {
      @Override
      Config get(long index) {
        return copy.get((int) index);
      }
    };
  }

  /** Every config given, in order. */
  public static ConfigGenerator of(Config... configs) {
    return list(Arrays.asList(configs));
  }

  /**
   * The cartesian product of {@code axes}: one config per combination of one value of each axis,
   * the last axis varying fastest. Configs are computed from their index, never stored.
   *
   * @param axes input name to the values to try, in the map's iteration order
   * @throws IllegalArgumentException if an axis is empty or the product exceeds
   *     {@link Long#MAX_VALUE}
   */
  public static ConfigGenerator grid(Map<String, ? extends List<?>> axes) {
    List<String> names = new ArrayList<>(axes.keySet());
    List<List<?>> values = new ArrayList<>();
    long size = 1;
    for (String name : names) {
      List<?> axis = Objects.requireNonNull(axes.get(name), "axis '" + name + "' == null");
      if (axis.isEmpty()) {
        throw new IllegalArgumentException("grid axis '" + name + "' has no values");
      }
      values.add(axis);
      try {
        size = Math.multiplyExact(size, axis.size());
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("the grid over " + names + " has more than "
            + Long.MAX_VALUE + " points", e);
      }
    }
    return new Indexed(size) {
      @Override
      Config get(long index) {
        Object[] chosen = new Object[names.size()];
        long rest = index;
        for (int axis = names.size() - 1; axis >= 0; axis--) {
          int n = values.get(axis).size();
          chosen[axis] = values.get(axis).get((int) (rest % n));
          rest /= n;
        }
        Config config = Config.empty();
        for (int axis = 0; axis < chosen.length; axis++) {
          config = config.with(names.get(axis), chosen[axis]);
        }
        return config;
      }
    };
  }

  /**
   * Configs that take the i-th value of every column: {@code zip(a: [1, 2], b: [x, y])} is
   * {@code a=1 b=x}, {@code a=2 b=y}.
   *
   * @throws IllegalArgumentException if the columns differ in length or there are none
   */
  public static ConfigGenerator zip(Map<String, ? extends List<?>> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("zip needs at least one column");
    }
    Map<String, List<?>> copy = new LinkedHashMap<>(columns);
    int size = -1;
    for (Map.Entry<String, List<?>> column : copy.entrySet()) {
      if (size >= 0 && column.getValue().size() != size) {
        throw new IllegalArgumentException("zip columns must have the same length, but '"
            + column.getKey() + "' has " + column.getValue().size() + " values and the columns "
            + "before it " + size);
      }
      size = column.getValue().size();
    }
    return new Indexed(size) {
      @Override
      Config get(long index) {
        Config config = Config.empty();
        for (Map.Entry<String, List<?>> column : copy.entrySet()) {
          config = config.with(column.getKey(), column.getValue().get((int) index));
        }
        return config;
      }
    };
  }

  /**
   * {@code samples} configs drawn at random: each binds every parameter to a value drawn from its
   * distribution, in the map's order, from one {@link SplittableRandom} seeded with {@code seed}.
   * The same seed gives the same configs in every iteration and every process.
   *
   * @throws IllegalArgumentException if {@code samples < 0} or there are no parameters
   */
  public static ConfigGenerator random(long seed, long samples,
      Map<String, ? extends Distribution> parameters) {
    if (samples < 0) {
      throw new IllegalArgumentException("samples " + samples + " < 0");
    }
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("random sampling needs at least one parameter");
    }
    Map<String, Distribution> copy = new LinkedHashMap<>(parameters);
    return new ConfigGenerator() {
      @Override
      public OptionalLong size() {
        return OptionalLong.of(samples);
      }

      @Override
      public Iterator<Config> iterator() {
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
          long drawn;

          @Override
          public boolean hasNext() {
            return drawn < samples;
          }

          @Override
          public Config next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            drawn++;
            Config config = Config.empty();
            for (Map.Entry<String, Distribution> parameter : copy.entrySet()) {
              config = config.with(parameter.getKey(), parameter.getValue().sample(random));
            }
            return config;
          }
        };
      }
    };
  }

  /** The configs of each generator in turn. */
  public static ConfigGenerator concat(ConfigGenerator... parts) {
    List<ConfigGenerator> copy = List.of(parts);
    return new ConfigGenerator() {
      @Override
      public OptionalLong size() {
        long total = 0;
        for (ConfigGenerator part : copy) {
          OptionalLong size = part.size();
          if (size.isEmpty()) {
            return OptionalLong.empty();
          }
          total = saturatedAdd(total, size.getAsLong());
        }
        return OptionalLong.of(total);
      }

      @Override
      public Iterator<Config> iterator() {
        Iterator<ConfigGenerator> next = copy.iterator();
        return new Iterator<>() {
          Iterator<Config> current = Collections.emptyIterator();

          @Override
          public boolean hasNext() {
            while (!current.hasNext() && next.hasNext()) {
              current = next.next().iterator();
            }
            return current.hasNext();
          }

          @Override
          public Config next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return current.next();
          }
        };
      }
    };
  }

  /** The configs that pass {@code keep}, lazily; the size is then unknown. */
  public ConfigGenerator filter(Predicate<? super Config> keep) {
    Objects.requireNonNull(keep, "keep == null");
    ConfigGenerator source = this;
    return new ConfigGenerator() {
      @Override
      public OptionalLong size() {
        return OptionalLong.empty();
      }

      @Override
      public Iterator<Config> iterator() {
        Iterator<Config> all = source.iterator();
        return new Iterator<>() {
          Config ahead;

          @Override
          public boolean hasNext() {
            while (ahead == null && all.hasNext()) {
              Config candidate = all.next();
              if (keep.test(candidate)) {
                ahead = candidate;
              }
            }
            return ahead != null;
          }

          @Override
          public Config next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Config result = ahead;
            ahead = null;
            return result;
          }
        };
      }
    };
  }

  /**
   * The product of this generator and {@code other}: for each config of this one, each config
   * of {@code other} merged into it ({@link Config#withAll}); {@code other} varies fastest.
   */
  public ConfigGenerator times(ConfigGenerator other) {
    Objects.requireNonNull(other, "other == null");
    ConfigGenerator outer = this;
    return new ConfigGenerator() {
      @Override
      public OptionalLong size() {
        OptionalLong a = outer.size();
        OptionalLong b = other.size();
        return a.isPresent() && b.isPresent()
            ? OptionalLong.of(saturatedMultiply(a.getAsLong(), b.getAsLong()))
            : OptionalLong.empty();
      }

      @Override
      public Iterator<Config> iterator() {
        Iterator<Config> outers = outer.iterator();
        return new Iterator<>() {
          Config left;
          Iterator<Config> inner = Collections.emptyIterator();

          @Override
          public boolean hasNext() {
            while (!inner.hasNext()) {
              if (!outers.hasNext()) {
                return false;
              }
              left = outers.next();
              inner = other.iterator();
            }
            return true;
          }

          @Override
          public Config next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return left.withAll(inner.next());
          }
        };
      }
    };
  }

  /**
   * Each config merged over {@code base}: the base's values, name and tags, then the config's
   * (its values win).
   */
  public ConfigGenerator over(Config base) {
    return of(base).times(this);
  }

  /** At most the first {@code max} configs. */
  public ConfigGenerator limit(long max) {
    if (max < 0) {
      throw new IllegalArgumentException("max " + max + " < 0");
    }
    ConfigGenerator source = this;
    return new ConfigGenerator() {
      @Override
      public OptionalLong size() {
        OptionalLong size = source.size();
        return size.isPresent() ? OptionalLong.of(Math.min(max, size.getAsLong()))
            : OptionalLong.empty();
      }

      @Override
      public Iterator<Config> iterator() {
        Iterator<Config> all = source.iterator();
        return new Iterator<>() {
          long taken;

          @Override
          public boolean hasNext() {
            return taken < max && all.hasNext();
          }

          @Override
          public Config next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            taken++;
            return all.next();
          }
        };
      }
    };
  }

  /**
   * Resolves the first {@code max} configs against {@code workflow} and collects every problem.
   *
   * @return how many configs were checked
   * @throws ConfigException listing each problem once, with the numbers of the configs it
   *     affects ("every config" if all)
   */
  public long validate(Workflow workflow, ValueCodec codec, long max) {
    Map<String, List<Long>> problems = new LinkedHashMap<>();
    long checked = 0;
    for (Config config : limit(max)) {
      checked++;
      try {
        config.resolve(workflow, codec);
      } catch (ConfigException e) {
        for (String problem : e.problems()) {
          problems.computeIfAbsent(problem, p -> new ArrayList<>()).add(checked);
        }
      }
    }
    if (!problems.isEmpty()) {
      List<String> lines = new ArrayList<>();
      long total = checked;
      problems.forEach((problem, numbers) -> lines.add(numbers.size() == total && total > 1
          ? problem + " (every config)"
          : total > 1 ? problem + " (config #" + join(numbers) + ")" : problem));
      throw new ConfigException(lines);
    }
    return checked;
  }

  private static String join(List<Long> numbers) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < numbers.size() && i < 5; i++) {
      text.append(i == 0 ? "" : ", #").append(numbers.get(i));
    }
    return numbers.size() > 5 ? text + " and " + (numbers.size() - 5) + " more" : text.toString();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatedMultiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** A generator of known size whose configs are computed from their index. */
  private abstract static class Indexed extends ConfigGenerator {
    private final long size;

    Indexed(long size) {
      this.size = size;
    }

    abstract Config get(long index);

    @Override
    public OptionalLong size() {
      return OptionalLong.of(size);
    }

    @Override
    public Iterator<Config> iterator() {
      return new Iterator<>() {
        long next;

        @Override
        public boolean hasNext() {
          return next < size;
        }

        @Override
        public Config next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return get(next++);
        }
      };
    }
  }
}
