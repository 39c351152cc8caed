package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

  @Test
  void defaults() {
    ServerOptions o = ServerOptions.parse(List.of(), Map.of());
    assertThat(o).isEqualTo(ServerOptions.DEFAULT);
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.journal()).isEqualTo(Path.of(".fancy", "journal.db"));
    assertThat(o.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(o.token()).isNull();
    assertThat(o.corsOrigins()).isEmpty();
  }

  @Test
  void environmentThenFlagsWhichWin() {
    Map<String, String> env = Map.of("FANCY_PORT", "9000", "FANCY_HOST", "0.0.0.0",
        "FANCY_TOKEN", "t0k", "FANCY_CORS_ORIGINS", "https://a.example, https://b.example",
        "FANCY_JOURNAL", "/tmp/j.db", "FANCY_MAX_BODY_BYTES", "2048");
    ServerOptions fromEnv = ServerOptions.parse(List.of(), env);
    assertThat(fromEnv.port()).isEqualTo(9000);
    assertThat(fromEnv.host()).isEqualTo("0.0.0.0");
    assertThat(fromEnv.token()).isEqualTo("t0k");
    assertThat(fromEnv.corsOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(fromEnv.maxBodyBytes()).isEqualTo(2048);
    ServerOptions flags = ServerOptions.parse(List.of("--port", "0", "--host=localhost",
        "--cors-origin", "https://c.example", "--journal", "x.db", "--lease-seconds", "3"), env);
    assertThat(flags.port()).isZero();
    assertThat(flags.host()).isEqualTo("localhost");
    assertThat(flags.corsOrigins()).containsExactly("https://c.example");
    assertThat(flags.journal()).isEqualTo(Path.of("x.db"));
    assertThat(flags.leaseSeconds()).isEqualTo(3);
    assertThat(flags.toString()).doesNotContain("t0k");
  }

  @Test
  void rejectsBadFlagsWithTheUsage() {
    assertThatThrownBy(() -> ServerOptions.parse(List.of("--prot", "1"), Map.of()))
        .hasMessageContaining("unknown option '--prot'").hasMessageContaining("usage:");
    assertThatThrownBy(() -> ServerOptions.parse(List.of("--port"), Map.of()))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> ServerOptions.parse(List.of("--port", "eighty"), Map.of()))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> ServerOptions.parse(List.of("--port", "70000"), Map.of()))
        .hasMessageContaining("outside 0..65535");
  }

  @Test
  void anyAddressButLoopbackNeedsAToken() {
    assertThatThrownBy(() -> ServerOptions.parse(List.of("--host", "0.0.0.0"), Map.of())
        .requireSafe()).hasMessageContaining("--token");
    assertThat(ServerOptions.parse(List.of("--host", "0.0.0.0", "--token", "x"), Map.of())
        .requireSafe().host()).isEqualTo("0.0.0.0");
    for (String loopback : List.of("127.0.0.1", "localhost", "::1", "127.0.1.1")) {
      assertThat(ServerOptions.DEFAULT.withHost(loopback).requireSafe().loopback()).isTrue();
    }
  }
}
