package dev.fancy.conformance;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.frame.StepFailure;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.OutputValidator;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.StepOptions;
import dev.fancy.workflow.WorkflowStep;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The steps the engine conformance suite runs, shaped like generated code. Each instance has its
 * own counters and latches, so a test observes only its own executions; engines that run steps in
 * the test's JVM (every engine of the suite) see the same instance through the registry.
 */
public final class ConformanceSteps {

  /** Weather a switch and a router choose by. */
  public enum Sky { RAIN, SUN, FOG }

  static final ValueType<Integer> INT = MathSteps.INT;
  static final ValueType<String> STRING = MathSteps.STRING;
  static final ValueType<Boolean> BOOLEAN = ValueType.of(boolean.class);

  static final Contract DIVMOD = Contract.of(
      List.of(Port.of("a", INT), Port.of("b", INT)),
      List.of(Port.of("quotient", INT), Port.of("remainder", INT)));
  static final Contract BELOW = Contract.of(
      List.of(Port.of("a", INT), Port.of("b", INT)), List.of(Port.of("out", BOOLEAN)));
  static final Contract BIG = Contract.of(List.of(Port.of("a", INT)),
      List.of(Port.of("out", STRING)));
  static final Contract LENGTH = Contract.of(List.of(Port.of("text", STRING)),
      List.of(Port.of("out", INT)));
  static final Contract RESCUE = Contract.of(
      List.of(Port.of("failure", ValueType.of(StepFailure.class)), Port.of("a", INT)),
      List.of(Port.of("out", INT)));

  /** Executions per slug. */
  final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
  /** Counted down when {@code test.block} starts. */
  final CountDownLatch blockStarted = new CountDownLatch(1);
  /** Releases {@code test.block}. */
  final CountDownLatch release = new CountDownLatch(1);
  /** Set when {@code test.block} saw its cancellation (signal or interrupt). */
  final AtomicBoolean blockSawCancel = new AtomicBoolean();
  /** Whether {@code test.sometimes} fails. */
  final AtomicBoolean sometimesFails = new AtomicBoolean(true);
  /** Failures seen by the fallback {@code test.rescue}. */
  final List<StepFailure> rescued = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Counted down when {@code test.chunky} emitted its first chunk; released by a subscriber. */
  final CountDownLatch chunkSeen = new CountDownLatch(1);

  int executions(String slug) {
    AtomicInteger count = executions.get(slug);
    return count == null ? 0 : count.get();
  }

  private void count(String slug) {
    executions.computeIfAbsent(slug, s -> new AtomicInteger()).incrementAndGet();
  }

  /** A registry with every conformance step, the math fixtures and the {@link Sky} type. */
  StepRegistry registry() {
    return StepRegistry.empty().register(new MathSteps.Module()).allowType(Sky.class)
        .registerValidator(new AtLeastTen())
        .register(new StepDefinition("test.divmod", 1, "Quotient and remainder.", DIVMOD,
            (frame, args) -> {
              count("test.divmod");
              int a = (Integer) args[0];
              int b = (Integer) args[1];
              return new Object[] {a / b, a % b};
            }))
        .register(new StepDefinition("test.below", 1, "a < b.", BELOW,
            (frame, args) -> new Object[] {(Integer) args[0] < (Integer) args[1]}))
        .register(Call.intStep("test.flaky", (frame, args) -> {
          count("test.flaky");
          if (frame.attempt() <= 2) {
            throw new IOException("flaky disk " + frame.attempt());
          }
          return new Object[] {(Integer) args[0] + frame.attempt()};
        }))
        .register(Call.intStep("test.bad_argument", (frame, args) -> {
          count("test.bad_argument");
          throw new IllegalArgumentException("bad argument " + args[0]);
        }))
        .register(Call.intStep("test.grow", (frame, args) -> {
          count("test.grow");
          return new Object[] {5 * frame.attempt()};
        }))
        .register(new StepDefinition("test.rescue", 1, "A fallback.", RESCUE, (frame, args) -> {
          rescued.add((StepFailure) args[0]);
          return new Object[] {-(Integer) args[1]};
        }))
        .register(Call.intStep("test.sleepy", (frame, args) -> {
          count("test.sleepy");
          new CountDownLatch(1).await(); // until interrupted
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.block", (frame, args) -> {
          count("test.block");
          blockStarted.countDown();
          try {
            while (!release.await(5, TimeUnit.MILLISECONDS)) {
              if (frame.cancellation().isCancelled()) {
                blockSawCancel.set(true);
                throw new java.util.concurrent.CancellationException("cancelled");
              }
            }
          } catch (InterruptedException e) {
            blockSawCancel.set(true);
            throw e;
          }
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.costly", (frame, args) -> {
          count("test.costly");
          frame.usage().cost(new BigDecimal("0.50")).tokens(100, 20).count("calls", 1);
          return new Object[] {(Integer) args[0] + 1};
        }))
        .register(new StepDefinition("test.square", 1, "A cached square.", Call.unary(INT),
            (frame, args) -> {
              count("test.square");
              return new Object[] {(Integer) args[0] * (Integer) args[0]};
            }, StepOptions.DEFAULT.withCache(true)))
        .register(Call.intStep("test.slow_square", (frame, args) -> {
          count("test.slow_square");
          Thread.sleep(200); // long enough for a concurrent identical step to overlap
          return new Object[] {(Integer) args[0] * (Integer) args[0]};
        }))
        .register(Call.intStep("test.sometimes", (frame, args) -> {
          count("test.sometimes");
          if (sometimesFails.get()) {
            throw new IllegalStateException("not yet");
          }
          return new Object[] {(Integer) args[0] * 10};
        }))
        .register(Call.intStep("test.chunky", (frame, args) -> {
          count("test.chunky");
          for (int i = 0; i < (Integer) args[0]; i++) {
            frame.emit("chunk " + i);
          }
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.chunk_then_wait", (frame, args) -> {
          frame.emit("first");
          if (!chunkSeen.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no subscriber saw the chunk while the step ran");
          }
          return new Object[] {args[0]};
        }))
        .register(Call.intStep("test.context", (frame, args) -> {
          Tally tally = frame.context(Tally.class);
          return new Object[] {tally.add((Integer) args[0])};
        }))
        .register(new StepDefinition("test.big", 1, "A string of a MiB.", BIG, (frame, args) -> {
          int mib = (Integer) args[0];
          StringBuilder text = new StringBuilder(mib << 20);
          for (int i = 0; i < mib << 20; i++) {
            text.append((char) ('a' + i % 26));
          }
          return new Object[] {text.toString()};
        }))
        .register(new StepDefinition("test.length", 1, "Length of a text.", LENGTH,
            (frame, args) -> new Object[] {((String) args[0]).length()}));
  }

  /** A step with two outputs. */
  static final class DivMod extends WorkflowStep {
    DivMod(Cell<Integer> a, Cell<Integer> b) {
      super("test.divmod", 1, DIVMOD, a, b);
    }

    Cell<Integer> quotient() {
      return typedOutput(0);
    }

    Cell<Integer> remainder() {
      return typedOutput(1);
    }
  }

  /** A call of a unary int step. */
  static Call<Integer> call(String slug, Cell<Integer> input) {
    return new Call<>(slug, Call.unary(INT), input);
  }

  /** A validator of an int output. */
  public static final class AtLeastTen implements OutputValidator<Integer> {
    @Override
    public String problem(Integer output) {
      return output >= 10 ? null : output + " is below 10";
    }
  }

  /** A mutable run context. */
  public static final class Tally {
    private int total;

    synchronized int add(int value) {
      total += value;
      return total;
    }
  }
}
