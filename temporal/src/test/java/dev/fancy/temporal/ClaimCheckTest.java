package dev.fancy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fancy.fixtures.Call;
import dev.fancy.fixtures.MathSteps;
import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.run.Inputs;
import dev.fancy.run.RunResult;
import dev.fancy.value.ValueCodec;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claim checks: payloads over the threshold travel as the key of a file in a shared store. */
class ClaimCheckTest {

  @TempDir
  Path temp;

  @Test
  void smallPayloadsTravelInlineAndLargeOnesAsAKey() {
    ClaimCheckStore store = ClaimCheckStore.directory(temp.resolve("claims"), 1024);
    FancyPayloadConverter converter = FancyPayloadConverter.of(ValueCodec.defaults(), store);
    DataConverter data = FancyPayloadConverter.dataConverter(ValueCodec.defaults(), store);

    Payload small = converter.toData(Map.of("price", new BigDecimal("10.10"))).orElseThrow();
    assertThat(small.getMetadataMap().get("encoding").toStringUtf8()).isEqualTo("json/plain");
    assertThat(small.getData().toStringUtf8()).isEqualTo("{\"price\":10.10}");

    String text = "x".repeat(5000);
    Payload large = converter.toData(text).orElseThrow();
    assertThat(large.getMetadataMap().get("encoding").toStringUtf8())
        .isEqualTo(FancyPayloadConverter.CLAIM_CHECK_ENCODING);
    assertThat(large.getData().toStringUtf8()).matches("[0-9a-f]{64}");
    assertThat(data.fromPayload(large, String.class, String.class)).isEqualTo(text);
    assertThat(converter.toData(text).orElseThrow()).as("content-addressed").isEqualTo(large);

    DataConverter without = FancyPayloadConverter.dataConverter(ValueCodec.defaults(), null);
    assertThatThrownBy(() -> without.fromPayload(large, String.class, String.class))
        .isInstanceOf(DataConverterException.class)
        .hasMessageContaining("has no ClaimCheckStore");
    assertThatThrownBy(() -> store.get("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFiftyMegabyteOutputWorksAndItsHistoryHoldsOnlyKeys() throws Exception {
    Contract big = Contract.of(List.of(Port.of("a", MathSteps.INT)),
        List.of(Port.of("out", MathSteps.STRING)));
    Contract length = Contract.of(List.of(Port.of("text", MathSteps.STRING)),
        List.of(Port.of("out", MathSteps.INT)));
    StepRegistry registry = StepRegistry.empty()
        .register(new StepDefinition("test.big", 1, "", big,
            (frame, args) -> new Object[] {"y".repeat((Integer) args[0] << 20)}))
        .register(new StepDefinition("test.length", 1, "", length,
            (frame, args) -> new Object[] {((String) args[0]).length()}));
    Cell<Integer> mib = Cell.input("mib", Integer.class);
    Call<String> produce = new Call<>("test.big", big, mib);
    Call<Integer> measure = new Call<>("test.length", length, produce.out());
    Workflow workflow = Workflow.of("large", measure.out(), produce.out());
    ClaimCheckStore store = ClaimCheckStore.directory(temp.resolve("claims"));
    try (TestWorkflowEnvironment environment = InProcessTemporal.newEnvironment();
        TemporalEngine engine = InProcessTemporal.engine(environment, "large", registry)
            .claimChecks(store).localWorker(true).build()) {
      RunResult result = engine.run(workflow, Inputs.of(mib, 50)).requireSucceeded();

      assertThat(result.get(measure.out())).isEqualTo(50 << 20);
      assertThat(result.get(produce.out())).hasSize(50 << 20);
      long largest = engine.client().fetchHistory(result.runId().toString()).getEvents().stream()
          .mapToLong(event -> event.getSerializedSize()).max().orElseThrow();
      assertThat(largest).as("no history event carries the value").isLessThan(64 * 1024);
      try (var files = Files.list(store.directory())) {
        assertThat(files.mapToLong(file -> file.toFile().length()).max().orElseThrow())
            .isGreaterThan(50L << 20);
      }
    }
  }

  @Test
  void aBlobTravelsAsItsReferenceAndItsRawBytesAreInTheStore() throws Exception {
    Contract make = Contract.of(List.of(Port.of("a", MathSteps.INT)),
        List.of(Port.of("out", dev.fancy.value.ValueType.of(dev.fancy.value.Blob.class))));
    Contract length = Contract.of(List.of(Port.of("blob",
        dev.fancy.value.ValueType.of(dev.fancy.value.Blob.class))),
        List.of(Port.of("out", MathSteps.INT)));
    StepRegistry registry = StepRegistry.empty()
        .register(new StepDefinition("test.blob", 1, "", make,
            (frame, args) -> new Object[] {dev.fancy.value.Blob.write(out -> {
              byte[] block = new byte[1 << 16];
              java.util.Arrays.fill(block, (byte) 'z');
              for (int i = 0; i < ((Integer) args[0] << 4); i++) {
                out.write(block);
              }
            })}))
        .register(new StepDefinition("test.count", 1, "", length, (frame, args) -> {
          try (var in = ((dev.fancy.value.Blob) args[0]).openStream()) {
            return new Object[] {(int) in.transferTo(java.io.OutputStream.nullOutputStream())};
          }
        }));
    Cell<Integer> mib = Cell.input("mib", Integer.class);
    Call<dev.fancy.value.Blob> produce = new Call<>("test.blob", make, mib);
    Call<Integer> count = new Call<>("test.count", length, produce.out());
    Workflow workflow = Workflow.of("blob", count.out(), produce.out());
    ClaimCheckStore store = ClaimCheckStore.directory(temp.resolve("claims"));
    try (TestWorkflowEnvironment environment = InProcessTemporal.newEnvironment();
        TemporalEngine engine = InProcessTemporal.engine(environment, "blob", registry)
            .claimChecks(store).localWorker(true).build()) {
      RunResult result = engine.run(workflow, Inputs.of(mib, 8)).requireSucceeded();

      assertThat(result.get(count.out())).isEqualTo(8 << 20);
      dev.fancy.value.Blob blob = result.get(produce.out());
      assertThat(blob.size()).isEqualTo(8L << 20);
      Path raw = store.directory().resolve(blob.sha256());
      assertThat(Files.size(raw)).as("raw bytes under the hash, not JSON").isEqualTo(8L << 20);
      assertThat(blob.toString()).contains("claim-check store");
      byte[] damaged = Files.readAllBytes(raw);
      damaged[12345] ^= 1;
      Files.write(raw, damaged);
      assertThatThrownBy(() -> {
        try (var in = blob.openStream()) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }).isInstanceOf(java.io.IOException.class).hasMessageContaining("is damaged");
    }
  }
}
