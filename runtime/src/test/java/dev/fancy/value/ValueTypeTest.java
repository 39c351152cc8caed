package dev.fancy.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypeTest {

  @Test
  void primitivesKeepTheirKeywordAndBox() {
    ValueType<Double> type = ValueType.of(double.class);
    assertThat(type.name()).isEqualTo("double");
    assertThat(type.isPrimitive()).isTrue();
    assertThat(type.rawType()).isEqualTo(Double.class);
    assertThat(type.isInstance(null)).isFalse();
    assertThat(type.isInstance(1.5)).isTrue();
  }

  @Test
  void acceptsEqualBoxedAndSubtypes() {
    ValueType<Double> primitive = ValueType.of(double.class);
    assertThat(primitive.accepts(ValueType.of(Double.class))).isTrue();
    assertThat(ValueType.of(Number.class).accepts(ValueType.of(Integer.class))).isTrue();
    assertThat(ValueType.of(Integer.class).accepts(ValueType.of(Number.class))).isFalse();
    ValueType<List<String>> strings = ValueType.of(List.class, "java.util.List<java.lang.String>");
    ValueType<ArrayList<String>> arrayStrings =
        ValueType.of(ArrayList.class, "java.util.ArrayList<java.lang.String>");
    ValueType<List<Integer>> ints = ValueType.of(List.class, "java.util.List<java.lang.Integer>");
    assertThat(strings.accepts(arrayStrings)).isTrue();
    assertThat(strings.accepts(ints)).isFalse();
    assertThat(ValueType.of(Collection.class, "java.util.Collection").accepts(ints)).isTrue();
  }

  @Test
  void typeTokensSpellGenericTypesAndClassesOfGenericTypesAreRefused() {
    assertThat(ValueType.of(new TypeRef<java.util.Map<String, List<Integer>>>() {}).name())
        .isEqualTo("java.util.Map<java.lang.String,java.util.List<java.lang.Integer>>");
    assertThat(ValueType.of(new TypeRef<List<Money>>() {}).name())
        .isEqualTo("java.util.List<dev.fancy.value.ValueTypeTest$Money>");
    assertThat(ValueType.of(new TypeRef<List<Money>>() {}))
        .isEqualTo(ValueType.named("java.util.List<dev.fancy.value.ValueTypeTest$Money>"));
    assertThatThrownBy(() -> ValueType.of(List.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("java.util.List is generic, so a class cannot say its type arguments: spell "
            + "the type with a type token, e.g. new TypeRef<List<...>>() {}");
    assertThatThrownBy(() -> ValueType.of(List.class, "java.util.Set<java.lang.String>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("type name 'java.util.Set<java.lang.String>' does not name the class "
            + "java.util.List");
  }

  static <T> TypeRef<List<T>> listOf() {
    return new TypeRef<List<T>>() {};
  }

  @Test
  void aTypeTokenWithATypeVariableIsRefused() {
    assertThatThrownBy(ValueTypeTest::listOf)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the TypeRef java.util.List<T> uses the type variable T; cells need concrete "
            + "types, such as List<String>");
  }

  @Test
  void namedTypesResolveThroughJackson() {
    ValueType<?> type = ValueType.named("java.util.Map<java.lang.String,java.lang.Double>");
    assertThat(type.rawType()).isEqualTo(java.util.Map.class);
    assertThat(type).isEqualTo(ValueType.of(java.util.Map.class,
        "java.util.Map<java.lang.String,java.lang.Double>"));
  }

  @Test
  void unknownClassesAndMalformedNamesAreClearErrors() {
    assertThatThrownBy(() -> ValueType.named("com.example.Missing").rawType())
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("type 'com.example.Missing' cannot be resolved")
        .hasMessageContaining("Put the class on the class path");
    assertThatThrownBy(() -> ValueType.named("java.util.Map<java.lang.String, java.lang.Double>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write it without spaces");
    assertThatThrownBy(() -> ValueType.of(void.class))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A type Jackson cannot handle: no getters, no creator. */
  static final class Money {
    private final long cents;
    private final String currency;

    Money(long cents, String currency) {
      this.cents = cents;
      this.currency = currency;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Money m && m.cents == cents && m.currency.equals(currency);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(cents) * 31 + currency.hashCode();
    }
  }

  /** Another such type, never registered. */
  static final class Opaque {
    @SuppressWarnings("unused")
    private final int secret = 1;
  }

  @Test
  void codecRoundTripsRecordsAndNamesUnserializableTypes() {
    record Point(int x, List<String> tags) {}
    ValueCodec codec = ValueCodec.defaults();
    Point point = new Point(3, List.of("a"));
    assertThat(codec.fromBytes(codec.toBytes(point), ValueType.of(Point.class))).isEqualTo(point);
    assertThatThrownBy(() -> codec.toBytes(new Opaque()))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("a value of type dev.fancy.value.ValueTypeTest$Opaque cannot be "
            + "serialized to JSON. Make it a record or a bean with getters, annotate it for "
            + "Jackson (@JsonCreator and @JsonValue, or @JsonSerialize and @JsonDeserialize), or "
            + "give the engine a Jackson module that handles it: "
            + "Engine.builder().jacksonModule(module)");
  }

  @Test
  void jacksonModulesMakeANewCodecAndLeaveTheDefaultsAlone() {
    SimpleModule money = new SimpleModule("money")
        .addSerializer(Money.class, new StdSerializer<>(Money.class) {
          @Override
          public void serialize(Money value, JsonGenerator json, SerializerProvider provider)
              throws java.io.IOException {
            json.writeString(value.cents + " " + value.currency);
          }
        })
        .addDeserializer(Money.class, new StdDeserializer<>(Money.class) {
          @Override
          public Money deserialize(JsonParser parser, DeserializationContext context)
              throws java.io.IOException {
            String[] parts = parser.getValueAsString().split(" ");
            return new Money(Long.parseLong(parts[0]), parts[1]);
          }
        });
    ValueCodec codec = ValueCodec.defaults().withModules(List.of(money));

    List<Money> prices = List.of(new Money(1234, "EUR"), new Money(5, "USD"));
    byte[] json = codec.toBytes(prices);
    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("[\"1234 EUR\",\"5 USD\"]");
    assertThat(codec.fromBytes(json, ValueType.of(new TypeRef<List<Money>>() {})))
        .isEqualTo(prices);
    assertThat(codec.modules()).containsExactly(money);
    assertThat(ValueCodec.defaults().modules()).isEmpty();
    assertThatThrownBy(() -> ValueCodec.defaults().toBytes(new Money(1, "EUR")))
        .isInstanceOf(ValueCodecException.class);
  }
}
