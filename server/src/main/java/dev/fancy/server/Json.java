package dev.fancy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.util.List;

/** The server's JSON: one mapper for request bodies and responses; RFC 3339 timestamps. */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Json() {}

  /**
   * Parses a request body.
   *
   * @param required whether an empty body is an error; if not, an empty body reads as null
   * @throws ApiProblem 400 for malformed JSON, with its line and column
   */
  static JsonNode parse(byte[] body, boolean required) {
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      if (required) {
        throw new ApiProblem(400, "malformed-json", "Malformed JSON", "the request body is "
            + "empty; send a JSON document", "set Content-Type: application/json and a body",
            List.of(new ApiProblem.Error("", "empty body")));
      }
      return null;
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column "
          + at.getColumnNr();
      throw new ApiProblem(400, "malformed-json", "Malformed JSON", "the body is not valid "
          + "JSON" + where + ": " + e.getOriginalMessage(), "check the body with a JSON linter",
          List.of(new ApiProblem.Error("", "malformed JSON" + where)));
    } catch (java.io.IOException e) {
      throw new ApiProblem(400, "malformed-json", "Malformed JSON", "the body cannot be read",
          "send the body again, whole and in UTF-8", List.of());
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
