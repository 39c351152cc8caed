package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Output previews: cut at 1 KiB of UTF-8, flagged, never inside a character. */
class ViewsTest {

  static int utf8(ObjectNode preview) {
    return preview.get("json").asText().getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void aValueOfExactly1KiBIsWholeAndOneByteMoreIsCut() {
    // 1022 characters and two quotes: 1024 bytes of JSON.
    ObjectNode whole = Views.preview(new TextNode("a".repeat(1022)));
    assertThat(whole.get("truncated").asBoolean()).isFalse();
    assertThat(utf8(whole)).isEqualTo(1024);
    ObjectNode cut = Views.preview(new TextNode("a".repeat(1023)));
    assertThat(cut.get("truncated").asBoolean()).isTrue();
    assertThat(utf8(cut)).isEqualTo(1024);
    assertThat(cut.get("json").asText()).startsWith("\"aaa").doesNotEndWith("\"");
  }

  @Test
  void cutsByBytesOfUtf8NotByCharacters() {
    // 600 'é' are 600 characters but 1200 bytes: a cut by characters would keep them all.
    ObjectNode cut = Views.preview(new TextNode("é".repeat(600)));
    assertThat(cut.get("truncated").asBoolean()).isTrue();
    String json = cut.get("json").asText();
    // The quote (1 byte) and 511 'é' (1022 bytes); a 512th would need 1025.
    assertThat(utf8(cut)).isEqualTo(1023);
    assertThat(json).isEqualTo("\"" + "é".repeat(511));
  }

  @Test
  void neverSplitsACharacterOutsideTheBasicPlane() {
    // U+1F600 is two chars in Java and four bytes of UTF-8.
    ObjectNode cut = Views.preview(new TextNode("\uD83D\uDE00".repeat(300)));
    assertThat(cut.get("truncated").asBoolean()).isTrue();
    String json = cut.get("json").asText();
    assertThat(utf8(cut)).isLessThanOrEqualTo(1024).isEqualTo(1 + 4 * 255);
    assertThat(Character.isHighSurrogate(json.charAt(json.length() - 1))).isFalse();
  }
}
