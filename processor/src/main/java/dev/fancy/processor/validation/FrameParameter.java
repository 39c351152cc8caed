package dev.fancy.processor.validation;

import dev.fancy.processor.model.GeneratedNames;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Finds the parameter that receives the attempt's {@code ExecutionFrame}: it is passed by the
 * engine, not wired as a cell.
 */
public final class FrameParameter {
  private FrameParameter() {}

  /** The positions of frame parameters among {@code method}'s parameters. */
  public static List<Integer> positions(ExecutableElement method) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < method.getParameters().size(); i++) {
      if (isFrame(method.getParameters().get(i).asType())) {
        positions.add(i);
      }
    }
    return positions;
  }

  /** The position of the (single) frame parameter, or -1. */
  public static int index(ExecutableElement method) {
    List<Integer> positions = positions(method);
    return positions.isEmpty() ? -1 : positions.get(0);
  }

  static boolean isFrame(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName()
            .contentEquals(GeneratedNames.FRAME);
  }
}
