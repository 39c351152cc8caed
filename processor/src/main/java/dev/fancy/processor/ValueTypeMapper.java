package dev.fancy.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import java.util.StringJoiner;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;

/**
 * Maps a {@link TypeMirror} to what the runtime's {@code ValueType} needs: a canonical name that
 * Jackson's {@code TypeFactory.constructFromCanonical} reads (binary class names, {@code $} for
 * nested classes, type arguments without spaces) and the raw class literal.
 *
 * <p>Wildcards are written as their bound ({@code ? extends Number} as {@code java.lang.Number},
 * {@code ?} and {@code ? super X} as {@code java.lang.Object}): the name is used to check wiring
 * and to deserialize values, and Jackson cannot read wildcards.
 */
final class ValueTypeMapper {

  private final Elements elements;

  ValueTypeMapper(Elements elements) {
    this.elements = elements;
  }

  String canonicalName(TypeMirror type) {
    switch (type.getKind()) {
      case DECLARED: {
        DeclaredType declared = (DeclaredType) type;
        TypeElement element = (TypeElement) declared.asElement();
        String name = elements.getBinaryName(element).toString();
        List<? extends TypeMirror> arguments = declared.getTypeArguments();
        if (arguments.isEmpty()) {
          return name;
        }
        StringJoiner joined = new StringJoiner(",", name + "<", ">");
        for (TypeMirror argument : arguments) {
          joined.add(canonicalName(argument));
        }
        return joined.toString();
      }
      case ARRAY:
        return "[" + descriptor(((ArrayType) type).getComponentType());
      case WILDCARD: {
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound == null ? "java.lang.Object" : canonicalName(bound);
      }
      default:
        if (type.getKind().isPrimitive()) {
          return type.toString();
        }
        throw new IllegalArgumentException("no canonical name for " + type.getKind() + " " + type);
    }
  }

  /** JVM descriptor of an array component: {@code I}, {@code Ljava.lang.String;}, {@code [J}. */
  private String descriptor(TypeMirror component) {
    switch (component.getKind()) {
      case BOOLEAN: return "Z";
      case BYTE: return "B";
      case SHORT: return "S";
      case CHAR: return "C";
      case INT: return "I";
      case LONG: return "J";
      case FLOAT: return "F";
      case DOUBLE: return "D";
      case ARRAY: return "[" + descriptor(((ArrayType) component).getComponentType());
      case DECLARED:
        return "L" + elements.getBinaryName(
            (TypeElement) ((DeclaredType) component).asElement()) + ";";
      default:
        return "Ljava.lang.Object;";
    }
  }

  /** The erasure as a class literal type, boxed for primitives. */
  TypeName rawType(TypeMirror type) {
    switch (type.getKind()) {
      case DECLARED:
        return ClassName.get((TypeElement) ((DeclaredType) type).asElement());
      case ARRAY:
        return ArrayTypeName.of(rawComponent(((ArrayType) type).getComponentType()));
      case WILDCARD: {
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound == null ? ClassName.OBJECT : rawType(bound);
      }
      default:
        return TypeName.get(type).box();
    }
  }

  private TypeName rawComponent(TypeMirror component) {
    return component.getKind().isPrimitive() ? TypeName.get(component) : rawType(component);
  }
}
