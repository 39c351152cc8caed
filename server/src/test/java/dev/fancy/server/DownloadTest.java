package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fancy.internal.StepDefinition;
import dev.fancy.registry.StepRegistry;
import dev.fancy.value.Blob;
import dev.fancy.value.ValueType;
import dev.fancy.workflow.Cell;
import dev.fancy.workflow.Contract;
import dev.fancy.workflow.Port;
import dev.fancy.workflow.Workflow;
import dev.fancy.workflow.WorkflowStep;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /runs/{id}/outputs/{output}} of a {@link Blob}: its raw bytes, streamed. */
class DownloadTest {

  @TempDir Path dir;

  /** {@code test.blob}: {@code size} pseudo-random bytes, written to a spool. */
  private static StepRegistry registry() {
    Contract contract = Contract.of(List.of(Port.of("size", ValueType.of(Long.class))),
        List.of(Port.of("bytes", ValueType.of(Blob.class))));
    return StepRegistry.loadDefault().register(new StepDefinition("test.blob", 1, "", contract,
        (frame, args) -> new Object[] {Blob.write(out -> {
          SplittableRandom random = new SplittableRandom(1);
          byte[] block = new byte[1 << 16];
          for (long left = (Long) args[0]; left > 0; left -= block.length) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(block.length, left));
          }
        })}));
  }

  private static final class BlobStep extends WorkflowStep {
    BlobStep(Cell<Long> size) {
      super("test.blob", 1, Contract.of(List.of(Port.of("size", ValueType.of(Long.class))),
          List.of(Port.of("bytes", ValueType.of(Blob.class)))), size);
    }
  }

  @Test
  void aBlobOutputIsStreamedAsItsRawBytes() throws Exception {
    long size = 20L << 20;
    try (TestServer t = new TestServer(dir, ServerOptions.DEFAULT.withPort(0), registry())) {
      Cell<Long> sizeCell = Cell.input("size", Long.class);
      BlobStep step = new BlobStep(sizeCell);
      Workflow workflow = Workflow.of("download", step.outputCells().get(0));
      String id = t.createWorkflow(workflow.toJson());
      HttpResponse<String> started = t.post("/workflows/" + id + "/runs", "{\"size\": " + size
          + "}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      String runId = TestServer.json(started).get("id").asText();
      assertThat(t.awaitFinished(runId).get("status").asText()).isEqualTo("SUCCEEDED");
      String output = step.outputCells().get(0).alias();

      HttpResponse<InputStream> download = t.http.send(HttpRequest.newBuilder(
          t.server.uri().resolve("/runs/" + runId + "/outputs/" + output)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.headers().firstValue("Content-Type")).hasValue(
          "application/octet-stream");
      assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(size);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long read = 0;
      try (InputStream in = download.body()) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) >= 0; read += n) {
          digest.update(buffer, 0, n);
        }
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      assertThat(read).isEqualTo(size);
      assertThat(download.headers().firstValue("ETag")).hasValue("\"" + sha256 + "\"");

      // the run's view shows the reference, never the bytes
      String view = t.get("/runs/" + runId).body();
      assertThat(view).contains("fancy:blob:sha256:" + sha256).hasSizeLessThan(10_000);
      // the contract's schema is the reference's
      assertThat(t.get("/steps").body()).contains("^fancy:blob:sha256:[0-9a-f]{64}$");
      // names are looked up, never resolved as paths
      for (String bad : List.of("..%2F..%2Fjournal.db", "%2Fetc%2Fpasswd",
          "fancy:blob:sha256:" + sha256, sha256)) {
        assertThat(t.get("/runs/" + runId + "/outputs/" + bad).statusCode()).as(bad)
            .isEqualTo(404);
      }
    }
  }
}
