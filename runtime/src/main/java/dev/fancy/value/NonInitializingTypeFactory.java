package dev.fancy.value;

import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.type.TypeParser;
import com.fasterxml.jackson.databind.util.LRUMap;

/**
 * Jackson's type factory, except that classes named in type names are loaded without being
 * initialized: resolving a name from workflow JSON must never run a class's static initializer
 * (code chosen by whoever wrote the JSON). Jackson's own factory loads with
 * {@code Class.forName(name, true, loader)}.
 */
final class NonInitializingTypeFactory extends TypeFactory {
  private static final long serialVersionUID = 1L;

  NonInitializingTypeFactory() {
    super(new LRUMap<>(16, 1_000), new TypeParser(TypeFactory.defaultInstance()), null, null);
  }

  @Override
  protected Class<?> classForName(String name, boolean initialize, ClassLoader loader)
      throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  @Override
  protected Class<?> classForName(String name) throws ClassNotFoundException {
    return Class.forName(name, false, NonInitializingTypeFactory.class.getClassLoader());
  }
}
