package dev.fancy.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import dev.fancy.internal.StepDefinition;
import dev.fancy.journal.JournalOptions;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunHandle;
import dev.fancy.run.RunOptions;
import dev.fancy.run.RunResult;
import dev.fancy.run.RunStatus;
import dev.fancy.value.Blob;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The child JVM of {@code BlobTest}: runs {@code size → blob.make → blob.digest} on a durable
 * engine and prints {@code digest=<sha256>}, or crashes on purpose ({@code Runtime.halt(3)}) at a
 * point of storing the producer's blob. Arguments: mode, journal file, size in bytes.
 *
 * <p>Modes: {@code run} (start or take over the run and await it; exit 0 if it succeeded),
 * {@code crash-copy} (the producer's blob stream halts the JVM half-way through being copied into
 * the journal), {@code crash-commit} (halts right after the blob's bytes are in the journal,
 * before the producer's result commits), {@code oom} (the producer runs out of heap),
 * {@code oom-commit} (the producer returns a {@code String} of {@code size} characters, which
 * fits the heap but not once more as the JSON the journal commits).
 */
public final class BlobWorker {
  private BlobWorker() {}

  /** The one run's ID, the same in every child. */
  static final UUID RUN = UUID.fromString("00000000-0000-0000-0000-00000000b10b");

  /** Entry point; see the class documentation. */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path file = Path.of(args[1]);
    long size = Long.parseLong(args[2]);
    StepRegistry registry = BlobSteps.registry();
    if (mode.equals("crash-copy")) {
      registry = crashingCopy(size);
    } else if (mode.equals("oom")) {
      registry = outOfMemory();
    } else if (mode.equals("oom-commit")) {
      registry = hugeString();
    }
    Journal journal = Journal.open(file, JournalOptions.DEFAULT);
    DurableEngine.Builder builder = DurableEngine.builder(journal).registry(registry)
        .lease(Duration.ofMillis(600)).takeoverInterval(Duration.ofMillis(200));
    if (mode.equals("crash-commit")) {
      builder.jacksonModule(haltAfterBlobs());
    }
    DurableEngine engine = builder.open();
    BlobSteps.Wiring w = BlobSteps.wiring();
    dev.fancy.workflow.Workflow workflow = w.workflow();
    if (mode.equals("oom-commit")) {
      BlobSteps.One<String> make = new BlobSteps.One<>("blob.make", BlobSteps.LONG,
          BlobSteps.STRING, w.size());
      BlobSteps.One<String> length = new BlobSteps.One<>("blob.digest", BlobSteps.STRING,
          BlobSteps.STRING, make.out());
      workflow = dev.fancy.workflow.Workflow.of("strings", length.out());
    }
    RunHandle run = engine.start(workflow, Inputs.of(w.size(), size),
        RunOptions.builder().runId(RUN).build());
    RunStatus status = run.await(Duration.ofMinutes(5));
    RunResult result = run.result();
    if (status != RunStatus.SUCCEEDED) {
      System.out.println("status=" + status);
      result.history().forEach(step -> System.out.println("step " + step.slug() + " "
          + step.status() + " " + step.error()));
      System.exit(2);
    }
    // By alias: a run taken over carries the cell IDs of the process that started it.
    java.util.Map<String, Object> outputs = new java.util.HashMap<>();
    result.outputs().forEach((cell, value) -> outputs.put(cell.alias(), value));
    if (mode.equals("oom-commit")) {
      System.out.println("outputs=" + outputs.keySet());
      System.exit(0);
    }
    Blob blob = (Blob) outputs.get(w.blob().alias());
    System.out.println("digest=" + outputs.get(w.digest().alias()) + " blob=" + blob.sha256()
        + " size=" + blob.size() + " heap=" + Runtime.getRuntime().maxMemory());
    engine.close();
    journal.close();
    System.exit(0);
  }

  /** blob.make whose blob halts the JVM when half its bytes have been read (by the journal). */
  private static StepRegistry crashingCopy(long size) {
    String sha256 = BlobSteps.expectedSha256(size);
    return StepRegistry.empty()
        .register(new StepDefinition("blob.make", 1, "", BlobSteps.contract(BlobSteps.LONG,
            BlobSteps.BLOB), (frame, args) -> new Object[] {Blob.stored(sha256, size,
                () -> halting(size), "a stream that crashes", (read, actual) -> { })}))
        .register(BlobSteps.registry().find("blob.digest", 1).orElseThrow());
  }

  private static InputStream halting(long size) throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 16);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread writer = new Thread(() -> {
      try {
        BlobSteps.write(size, new java.io.FilterOutputStream(out) {
          long written;

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
            if (written >= size / 2) {
              System.out.println("halting half-way through the copy");
              System.out.flush();
              Runtime.getRuntime().halt(3);
            }
          }
        });
      } catch (IOException ignored) {
        // the reader went away
      }
    });
    writer.setDaemon(true);
    writer.start();
    return in;
  }

  /** blob.make that allocates far more than the child's heap. */
  private static StepRegistry outOfMemory() {
    return StepRegistry.empty()
        .register(new StepDefinition("blob.make", 1, "", BlobSteps.contract(BlobSteps.LONG,
            BlobSteps.BLOB), (frame, args) -> {
              byte[][] hog = new byte[64][];
              for (int i = 0; i < hog.length; i++) {
                hog[i] = new byte[16 << 20];
              }
              return new Object[] {Blob.of(hog[0])};
            }))
        .register(BlobSteps.registry().find("blob.digest", 1).orElseThrow());
  }

  /**
   * blob.make that returns a {@code String} of {@code size} characters (which fits the heap)
   * as its "blob": its result is too large to encode for the journal in a small heap.
   */
  private static StepRegistry hugeString() {
    return StepRegistry.empty()
        .register(new StepDefinition("blob.make", 1, "", BlobSteps.contract(BlobSteps.LONG,
            BlobSteps.STRING), (frame, args) -> new Object[] {"y".repeat((int) (long) (Long) args[0])}))
        .register(new StepDefinition("blob.digest", 1, "", BlobSteps.contract(BlobSteps.STRING,
            BlobSteps.STRING), (frame, args) -> new Object[] {"" + ((String) args[0]).length()}));
  }

  /** A module that halts the JVM right after a blob's reference is written (bytes stored). */
  private static SimpleModule haltAfterBlobs() {
    return new SimpleModule("halt-after-blobs").setSerializerModifier(
        new BeanSerializerModifier() {
          @Override
          @SuppressWarnings("unchecked")
          public JsonSerializer<?> modifySerializer(SerializationConfig config,
              BeanDescription description, JsonSerializer<?> serializer) {
            if (description.getBeanClass() != Blob.class) {
              return serializer;
            }
            JsonSerializer<Object> stores = (JsonSerializer<Object>) serializer;
            return new JsonSerializer<Object>() {
              @Override
              public void serialize(Object value, JsonGenerator gen, SerializerProvider provider)
                  throws IOException {
                stores.serialize(value, gen, provider);
                System.out.println("halting after the blob was stored, before the commit");
                System.out.flush();
                Runtime.getRuntime().halt(3);
              }
            };
          }
        });
  }
}
