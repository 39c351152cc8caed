package dev.fancy.temporal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.ByteArrayPayloadConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.NullPayloadConverter;
import io.temporal.common.converter.PayloadConverter;
import dev.fancy.value.ValueCodec;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Temporal's JSON payload converter on a Fancy engine's Jackson codec ({@link ValueCodec}): the
 * same modules, exact {@code BigDecimal}s and ISO-8601 times as Fancy's journal and REST API.
 * With a {@link ClaimCheckStore}, a payload larger than its threshold is stored there and travels
 * as a payload of encoding {@value #CLAIM_CHECK_ENCODING} holding only its key.
 *
 * <p>Temporal's documentation recommends a custom {@code PayloadConverter} per data format and the
 * claim-check pattern for large payloads; this is both, for the types Fancy's messages use.
 */
public final class FancyPayloadConverter implements PayloadConverter {

  /** Encoding of plain JSON payloads, Temporal's standard. */
  public static final String JSON_ENCODING = "json/plain";
  /** Encoding of a payload that holds only the key of a claim-checked payload. */
  public static final String CLAIM_CHECK_ENCODING = "binary/fancy-claim-check";

  private static final ByteString JSON = ByteString.copyFromUtf8(JSON_ENCODING);
  private static final ByteString CLAIM = ByteString.copyFromUtf8(CLAIM_CHECK_ENCODING);

  private final ObjectMapper mapper;
  private final ClaimCheckStore claims;

  private FancyPayloadConverter(ValueCodec codec, ClaimCheckStore claims) {
    this.mapper = codec.newMapper()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    this.claims = claims;
  }

  /**
   * A converter on {@code codec}'s mapper.
   *
   * @param claims where large payloads go, or null to send every payload through Temporal
   */
  public static FancyPayloadConverter of(ValueCodec codec, ClaimCheckStore claims) {
    return new FancyPayloadConverter(Objects.requireNonNull(codec, "codec == null"), claims);
  }

  /**
   * A data converter for clients and workers: Temporal's null and byte-array converters, then
   * this one (for JSON and claim checks alike).
   */
  public static DataConverter dataConverter(ValueCodec codec, ClaimCheckStore claims) {
    FancyPayloadConverter json = of(codec, claims);
    return new DefaultDataConverter(new NullPayloadConverter(), new ByteArrayPayloadConverter(),
        json, json.claimCheckReader());
  }

  @Override
  public String getEncodingType() {
    return JSON_ENCODING;
  }

  @Override
  public Optional<Payload> toData(Object value) throws DataConverterException {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new DataConverterException(e);
    }
    if (claims != null && bytes.length > claims.threshold()) {
      String key = claims.put(bytes);
      return Optional.of(Payload.newBuilder().putMetadata("encoding", CLAIM)
          .setData(ByteString.copyFrom(key, StandardCharsets.US_ASCII)).build());
    }
    return Optional.of(Payload.newBuilder().putMetadata("encoding", JSON)
        .setData(ByteString.copyFrom(bytes)).build());
  }

  @Override
  public <T> T fromData(Payload content, Class<T> valueClass, Type valueType)
      throws DataConverterException {
    return read(content.getData().toByteArray(), valueType);
  }

  private <T> T read(byte[] bytes, Type valueType) {
    try {
      JavaType type = mapper.getTypeFactory().constructType(valueType);
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new DataConverterException(e);
    }
  }

  /** Reads claim-check payloads; writes nothing (the JSON converter decides what to store). */
  private PayloadConverter claimCheckReader() {
    return new PayloadConverter() {
      @Override
      public String getEncodingType() {
        return CLAIM_CHECK_ENCODING;
      }

      @Override
      public Optional<Payload> toData(Object value) {
        return Optional.empty();
      }

      @Override
      public <T> T fromData(Payload content, Class<T> valueClass, Type valueType) {
        if (claims == null) {
          throw new DataConverterException("a claim-checked payload arrived, but this converter "
              + "has no ClaimCheckStore; give every client and worker the same store",
              (Throwable) null);
        }
        return read(claims.get(content.getData().toStringUtf8()), valueType);
      }
    };
  }
}
