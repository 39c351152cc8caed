package dev.fancy.engine;

import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.Blob;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Steps that make and read large {@link Blob}s without holding them: {@code blob.make} writes
 * {@code size} pseudo-random bytes (the same for the same size) through {@link Blob#write}, and
 * {@code blob.digest} streams a blob and returns the SHA-256 it computed itself.
 */
final class BlobSteps {
  private BlobSteps() {}

  static final ValueType<Long> LONG = ValueType.of(Long.class);
  static final ValueType<Blob> BLOB = ValueType.of(Blob.class);
  static final ValueType<String> STRING = ValueType.of(String.class);

  /** A step of one input {@code a} and one output {@code out}. */
  static final class One<T> extends WorkflowStep {
    One(String slug, ValueType<?> in, ValueType<T> out, Cell<?> input) {
      super(slug, 1, contract(in, out), input);
    }

    Cell<T> out() {
      return typedOutput(0);
    }
  }

  static Contract contract(ValueType<?> in, ValueType<?> out) {
    return Contract.of(List.of(Port.of("a", in)), List.of(Port.of("out", out)));
  }

  /** The registry of both steps. */
  static StepRegistry registry() {
    return StepRegistry.empty()
        .register(new StepDefinition("blob.make", 1, "", contract(LONG, BLOB),
            (frame, args) -> new Object[] {Blob.write(out -> write((Long) args[0], out))}))
        .register(new StepDefinition("blob.digest", 1, "", contract(BLOB, STRING),
            (frame, args) -> new Object[] {digest((Blob) args[0])}));
  }

  /** {@code size} → blob.make → blob.digest; outputs the blob and its digest. */
  record Wiring(Cell<Long> size, Cell<Blob> blob, Cell<String> digest, Workflow workflow) {}

  static Wiring wiring() {
    Cell<Long> size = Cell.input("size", Long.class);
    One<Blob> make = new One<>("blob.make", LONG, BLOB, size);
    One<String> digest = new One<>("blob.digest", BLOB, STRING, make.out());
    return new Wiring(size, make.out(), digest.out(),
        Workflow.of("blobs", make.out(), digest.out()));
  }

  /** Writes the {@code size} bytes of blob.make to {@code out}, 64 KiB at a time. */
  static void write(long size, OutputStream out) throws IOException {
    SplittableRandom random = new SplittableRandom(size);
    byte[] block = new byte[1 << 16];
    for (long left = size; left > 0; ) {
      random.nextBytes(block);
      int n = (int) Math.min(block.length, left);
      out.write(block, 0, n);
      left -= n;
    }
  }

  /** The SHA-256 of the bytes blob.make writes for {@code size}, computed without a blob. */
  static String expectedSha256(long size) {
    MessageDigest digest = sha256();
    try {
      write(size, new OutputStream() {
        @Override
        public void write(int b) {
          digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          digest.update(b, off, len);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The SHA-256 of a blob's bytes, streamed. */
  static String digest(Blob blob) {
    MessageDigest digest = sha256();
    try (InputStream in = blob.openStream()) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
