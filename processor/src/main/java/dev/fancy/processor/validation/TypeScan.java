package dev.fancy.processor.validation;

import java.util.function.Predicate;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/** Finds a type inside a type: the type itself, its type arguments, array components, bounds. */
public final class TypeScan {
  private TypeScan() {}

  /** The first type inside {@code type} (depth first) that matches, or null. */
  public static TypeMirror find(TypeMirror type, Predicate<TypeMirror> predicate) {
    if (predicate.test(type)) {
      return type;
    }
    switch (type.getKind()) {
      case DECLARED:
        for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
          TypeMirror found = find(argument, predicate);
          if (found != null) {
            return found;
          }
        }
        return null;
      case ARRAY:
        return find(((ArrayType) type).getComponentType(), predicate);
      case WILDCARD: {
        WildcardType wildcard = (WildcardType) type;
        TypeMirror bound = wildcard.getExtendsBound() != null
            ? wildcard.getExtendsBound() : wildcard.getSuperBound();
        return bound == null ? null : find(bound, predicate);
      }
      default:
        return null;
    }
  }
}
