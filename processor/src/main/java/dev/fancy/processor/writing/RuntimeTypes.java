package dev.fancy.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;

/** The runtime types generated code refers to; the processor never loads them. */
final class RuntimeTypes {
  private RuntimeTypes() {}

  static final ClassName ARG = ClassName.get("dev.fancy.workflow", "Arg");
  static final ClassName CELL = ClassName.get("dev.fancy.workflow", "Cell");
  static final ClassName STEP_ORIGIN = ClassName.get("dev.fancy.workflow", "StepOrigin");
  static final ClassName CONTRACT = ClassName.get("dev.fancy.workflow", "Contract");
  static final ClassName PORT = ClassName.get("dev.fancy.workflow", "Port");
  static final ClassName STORAGE_KIND = ClassName.get("dev.fancy.workflow", "StorageKind");
  static final ClassName WORKFLOW_STEP = ClassName.get("dev.fancy.workflow", "WorkflowStep");
  static final ClassName VALUE_TYPE = ClassName.get("dev.fancy.value", "ValueType");
  static final ClassName STEP_DEFINITION = ClassName.get("dev.fancy.internal", "StepDefinition");
  static final ClassName STEP_MODULE = ClassName.get("dev.fancy.registry", "StepModule");
  static final ClassName STEP_INVOKER = ClassName.get("dev.fancy.internal", "StepInvoker");
  static final ClassName STEP_OPTIONS = ClassName.get("dev.fancy.workflow", "StepOptions");
  static final ClassName RETRY_POLICY = ClassName.get("dev.fancy.workflow", "RetryPolicy");
  static final ClassName FRAME = ClassName.get("dev.fancy.frame", "ExecutionFrame");
  static final ClassName DURATION = ClassName.get("java.time", "Duration");
  static final ClassName WORKFLOW = ClassName.get("dev.fancy.workflow", "Workflow");
  static final ClassName WORKFLOW_MODULE = ClassName.get("dev.fancy.registry", "WorkflowModule");
  static final ClassName MAP = ClassName.get("java.util", "Map");
  static final ClassName LINKED_HASH_MAP = ClassName.get("java.util", "LinkedHashMap");
  static final ClassName COLLECTIONS = ClassName.get("java.util", "Collections");
  static final ClassName SUPPLIER = ClassName.get("java.util.function", "Supplier");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName ARRAY_LIST = ClassName.get("java.util", "ArrayList");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  static final ArrayTypeName WORKFLOW_STEP_ARRAY = ArrayTypeName.of(WORKFLOW_STEP);
  static final ArrayTypeName OBJECT_ARRAY = ArrayTypeName.of(Object.class);
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final ClassName GENERATED_CODE = ClassName.get("dev.fancy.internal", "GeneratedCode");
}
