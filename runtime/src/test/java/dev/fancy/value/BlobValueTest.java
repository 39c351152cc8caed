package dev.fancy.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobValueTest {

  /** SHA-256 of "hello". */
  private static final String HELLO =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @TempDir Path dir;

  private static byte[] read(Blob blob) throws IOException {
    try (InputStream in = blob.openStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void theThreeFactoriesMakeTheSameBlobOfTheSameBytes() throws IOException {
    byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
    Path file = Files.write(dir.resolve("hello.txt"), hello);
    Blob fromBytes = Blob.of(hello);
    Blob fromFile = Blob.of(file);
    Blob written = Blob.write(out -> out.write(hello));
    for (Blob blob : new Blob[] {fromBytes, fromFile, written}) {
      assertThat(blob.sha256()).isEqualTo(HELLO);
      assertThat(blob.size()).isEqualTo(5);
      assertThat(read(blob)).isEqualTo(hello);
      assertThat(read(blob)).as("read as often as needed").isEqualTo(hello);
      assertThat(blob.uri()).hasToString("fancy:blob:sha256:" + HELLO);
    }
    assertThat(fromBytes).isEqualTo(fromFile).isEqualTo(written)
        .hasSameHashCodeAs(written);
    hello[0] = 'j';
    assertThat(read(fromBytes)).as("the array was copied").startsWith('h');
  }

  @Test
  void anEmptyBlobHasTheHashOfNothing() throws IOException {
    Blob empty = Blob.write(out -> { });
    assertThat(empty.size()).isZero();
    assertThat(empty.sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(read(empty)).isEmpty();
  }

  @Test
  void aFileThatChangesAfterwardsFailsWhenRead() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "hello");
    Blob blob = Blob.of(file);
    Files.writeString(file, "jello");
    assertThatThrownBy(() -> read(blob)).isInstanceOf(IOException.class)
        .hasMessageContaining("changed since the blob was made").hasMessageContaining(HELLO);
  }

  @Test
  void badFactoriesSayWhatIsWrong() {
    assertThatThrownBy(() -> Blob.of(dir)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> Blob.of(dir.resolve("missing"))).isInstanceOf(
        UncheckedIOException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Blob.write(out -> {
      out.write(1);
      throw new IOException("the source broke");
    })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("the source broke");
    assertThatThrownBy(() -> Blob.stored("ABC", 1, () -> null, "x", (read, actual) -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 lower-case hex");
    assertThatThrownBy(() -> Blob.stored(HELLO, -1, () -> null, "x", (read, actual) -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("< 0");
  }

  @Test
  void jsonHoldsAReferenceNeverTheBytes() {
    ValueCodec codec = ValueCodec.defaults();
    Blob blob = Blob.write(out -> out.write(new byte[1_000_000]));
    JsonNode json = codec.toTree(blob);
    assertThat(json.toString()).isEqualTo("{\"uri\":\"fancy:blob:sha256:" + blob.sha256()
        + "\",\"sha256\":\"" + blob.sha256() + "\",\"size\":1000000}");
    assertThat(codec.fromTree(json, ValueType.of(Blob.class))).as("the same blob, in process")
        .isSameAs(blob);
  }

  @Test
  void aReferenceToABlobThisProcessDoesNotHoldIsAClearError() {
    ValueCodec codec = ValueCodec.defaults();
    String unknown = "00".repeat(32);
    assertThatThrownBy(() -> codec.fromTree(codec.parse("{\"sha256\": \"" + unknown
        + "\", \"size\": 3}"), ValueType.of(Blob.class)))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("not in this process")
        .hasMessageContaining("durable engine");
  }

  @Test
  void badReferencesAreRejected() {
    ValueCodec codec = ValueCodec.defaults();
    ValueType<Blob> type = ValueType.of(Blob.class);
    assertThatThrownBy(() -> codec.fromTree(codec.parse("\"bytes\""), type))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("written as an object");
    assertThatThrownBy(() -> codec.fromTree(codec.parse("{\"sha256\": \"../../etc/passwd\", "
        + "\"size\": 3}"), type)).hasMessageContaining("is not a SHA-256");
    assertThatThrownBy(() -> codec.fromTree(codec.parse("{\"sha256\": \"" + HELLO + "\"}"),
        type)).hasMessageContaining("'size'");
    assertThatThrownBy(() -> codec.fromTree(codec.parse("{\"sha256\": \"" + HELLO
        + "\", \"size\": 5, \"bytes\": \"aGVsbG8=\"}"), type))
        .hasMessageContaining("unknown field 'bytes'");
    assertThatThrownBy(() -> codec.fromTree(codec.parse("{\"uri\": \"file:///etc/passwd\", "
        + "\"sha256\": \"" + HELLO + "\", \"size\": 5}"), type))
        .hasMessageContaining("is not a blob URI");
  }
}
