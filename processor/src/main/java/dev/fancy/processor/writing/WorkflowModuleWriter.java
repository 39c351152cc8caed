package dev.fancy.processor.writing;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.fancy.processor.model.GeneratedNames;
import dev.fancy.processor.model.WorkflowClass;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Class>WorkflowModule}: the {@code WorkflowModule} that maps each
 * {@code @WorkflowDefinition} name of a class to a reference to its method (no reflection).
 */
public final class WorkflowModuleWriter {

  static final String PROCESSOR = "dev.fancy.processor.WorkflowDefinitionProcessor";

  private WorkflowModuleWriter() {}

  /**
   * The module file for {@code model}.
   *
   * @param originating the class the definitions are declared in
   * @param generatedAvailable whether the code may carry {@code @javax.annotation.processing
   *     .Generated}: the type exists and the class's module reads it (GeneratedAnnotationCheck)
   */
  public static JavaFile write(WorkflowClass model, Element originating,
      boolean generatedAvailable) {
    TypeName supplier = ParameterizedTypeName.get(RuntimeTypes.SUPPLIER, RuntimeTypes.WORKFLOW);
    TypeName map = ParameterizedTypeName.get(RuntimeTypes.MAP, TypeName.get(String.class),
        supplier);
    TypeSpec.Builder type = TypeSpec.classBuilder(model.moduleClass())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(RuntimeTypes.WORKFLOW_MODULE)
        .addOriginatingElement(originating)
        .addJavadoc("Provides the {@code @WorkflowDefinition} workflows of {@link $T} by name.\n"
            + "\n<p>Listed in {@code META-INF/services}, so {@code WorkflowRegistry.loadDefault()} "
            + "finds it.\n", model.target());
    GeneratedAnnotation.addTo(type, generatedAvailable, model.target(), PROCESSOR);
    type.addMethod(MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Creates the module; called by {@link java.util.ServiceLoader}.\n")
        .build());
    type.addMethod(MethodSpec.methodBuilder("apiVersion")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(int.class)
        .addJavadoc("The generated-code API version this module was generated for.\n")
        .addStatement("return $L", GeneratedNames.API_VERSION)
        .build());
    MethodSpec.Builder workflows = MethodSpec.methodBuilder("workflows")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(map)
        .addStatement("$T workflows = new $T<>($L)", map, RuntimeTypes.LINKED_HASH_MAP,
            model.definitions().size() * 2);
    for (WorkflowClass.Definition definition : model.definitions()) {
      workflows.addStatement("workflows.put($S, $T::$L)", definition.name(), model.target(),
          definition.methodName());
    }
    type.addMethod(workflows
        .addStatement("return $T.unmodifiableMap(workflows)", RuntimeTypes.COLLECTIONS)
        .build());
    return JavaFile.builder(model.moduleClass().packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }
}
