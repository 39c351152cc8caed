package dev.fancy.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.PortModel;
import dev.fancy.processor.model.StepClass;
import dev.fancy.processor.model.StepMethod;
import dev.fancy.processor.validation.FrameParameter;
import dev.fancy.processor.validation.OutputElements;
import dev.fancy.processor.validation.PolicyAnnotations;
import dev.fancy.processor.validation.StepAnnotation;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Builds the immutable model of a class whose {@code @Step} methods passed validation. */
final class StepModelFactory {

  private final Elements elements;
  private final Types types;
  private final ValueTypeMapper valueTypes;

  StepModelFactory(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.valueTypes = new ValueTypeMapper(elements);
  }

  StepClass create(TypeElement type, List<ExecutableElement> methods) {
    ClassName target = ClassName.get(type);
    List<StepMethod> steps = new ArrayList<>();
    for (ExecutableElement method : methods) {
      steps.add(step(method));
    }
    return new StepClass(target, GeneratedNames.stepsClass(target),
        GeneratedNames.moduleClass(target), steps);
  }

  private StepMethod step(ExecutableElement method) {
    StepAnnotation annotation = StepAnnotation.of(method);
    String description = annotation.description().isEmpty()
        ? DocSummary.of(elements.getDocComment(method)) : annotation.description();
    int frameIndex = FrameParameter.index(method);
    List<PortModel> inputs = new ArrayList<>();
    for (int i = 0; i < method.getParameters().size(); i++) {
      VariableElement parameter = method.getParameters().get(i);
      if (i != frameIndex) {
        inputs.add(port(parameter.getSimpleName().toString(), parameter.asType(), false));
      }
    }
    OutputElements outputElements = OutputElements.of(method, types);
    List<PortModel> outputs = new ArrayList<>();
    for (OutputElements.Output output : outputElements.outputs()) {
      outputs.add(port(output.name(), output.type(), output.reference()));
    }
    return new StepMethod(method.getSimpleName().toString(), annotation.slug(),
        annotation.version(), description, method.getModifiers().contains(Modifier.STATIC),
        inputs, outputElements.shape(), TypeName.get(method.getReturnType()), outputs,
        frameIndex, PolicyAnnotations.read(method, elements));
  }

  private PortModel port(String name, TypeMirror type, boolean reference) {
    return new PortModel(name, TypeName.get(type), valueTypes.rawType(type),
        valueTypes.canonicalName(type), reference);
  }
}
