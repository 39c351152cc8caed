package dev.fancy.processor.validation;

import dev.fancy.annotations.Reference;
import dev.fancy.annotations.Step;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.OutputShape;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Reads the outputs of a {@code @Step} method from its return type: none for {@code void}, one per
 * component for a record (typed as a member of the returned, possibly parameterized record) unless
 * {@code @Step(splitRecord = false)}, and one {@code out} otherwise.
 *
 * @param shape how the return value becomes outputs
 * @param outputs the outputs in declaration order
 */
public record OutputElements(OutputShape shape, List<Output> outputs) {

  /**
   * One output.
   *
   * @param name the output's name
   * @param type its type
   * @param reference whether it is marked {@code @Reference}
   */
  public record Output(String name, TypeMirror type, boolean reference) {}

  /** Reads the outputs of {@code method}. */
  public static OutputElements of(ExecutableElement method, Types types) {
    TypeMirror returnType = method.getReturnType();
    if (returnType.getKind() == TypeKind.VOID) {
      return new OutputElements(OutputShape.NONE, List.of());
    }
    if (splitsRecord(method)) {
      DeclaredType declared = (DeclaredType) returnType;
      TypeElement record = (TypeElement) declared.asElement();
      List<Output> outputs = new ArrayList<>();
      for (RecordComponentElement component : record.getRecordComponents()) {
        ExecutableType accessor =
            (ExecutableType) types.asMemberOf(declared, component.getAccessor());
        outputs.add(new Output(component.getSimpleName().toString(), accessor.getReturnType(),
            component.getAnnotation(Reference.class) != null));
      }
      return new OutputElements(OutputShape.RECORD, outputs);
    }
    return new OutputElements(OutputShape.SINGLE, List.of(new Output(
        GeneratedNames.SINGLE_OUTPUT, returnType, method.getAnnotation(Reference.class) != null)));
  }

  /** Whether {@code method} returns a record whose components become the outputs. */
  public static boolean splitsRecord(ExecutableElement method) {
    return isRecord(method.getReturnType()) && method.getAnnotation(Step.class).splitRecord();
  }

  /** Whether {@code type} is a record type. */
  public static boolean isRecord(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && ((DeclaredType) type).asElement().getKind() == ElementKind.RECORD;
  }
}
