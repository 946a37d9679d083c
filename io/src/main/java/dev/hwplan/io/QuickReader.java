package dev.hwplan.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Start-up: reads hwplan's own files (the bundled profiles and models, the calibration cache) into
 * trees and records without an {@code ObjectMapper}. Building a mapper and its record deserialisers
 * costs a quick command such as {@code hwplan infer} more CPU time than the rest of its work; this
 * reader uses Jackson's streaming parsers (so the tokens, and the numbers they hold, are the ones
 * the mapper would see) and binds records through their canonical constructors.
 *
 * <p>It reads a strict subset and throws {@link Unsupported} on anything outside it: duplicate
 * keys, trailing content, YAML anchors and tags, big decimals, a field the record lacks, a value of
 * another type than the component's (no coercion, except a double from the strings {@code NaN} and
 * {@code ±Infinity} that Jackson writes for them), a missing primitive, an enum without a parser,
 * or a constructor that refuses the values. Callers then read the same bytes through {@link
 * StrictMapper} (or their own mapper), so errors and unusual input behave exactly as before; tests
 * check that every bundled file is read by this reader, equal to what the mapper reads. User files
 * ({@code --profiles}, a model's config.json path) always go through the validating mapper.
 */
public final class QuickReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private QuickReader() {}

  /** The input lies outside what this reader reads; read it with the mapper instead. */
  public static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String what) {
      super(what, null, false, false);
    }
  }

  private static final class Json {
    static final JsonFactory FACTORY =
        JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}
  }

  private static final class Yaml {
    static final YAMLFactory FACTORY = new YAMLFactory();

    private Yaml() {}
  }

  /** A JSON document as the tree {@code ObjectMapper.readTree} would build. */
  public static JsonNode jsonTree(byte[] json) {
    try (JsonParser p = Json.FACTORY.createParser(json)) {
      return tree(p);
    } catch (IOException e) {
      throw new Unsupported(e.getMessage());
    }
  }

  /**
   * A YAML document (plain mappings, sequences and scalars) as a tree of its tokens: read by {@link
   * QuickYaml} where it lies in that reader's subset, else by Jackson's YAML parser.
   */
  public static JsonNode yamlTree(byte[] yaml) {
    try {
      return QuickYaml.tree(yaml);
    } catch (Unsupported e) {
      return jacksonYamlTree(yaml);
    }
  }

  /** A YAML document as {@link #yamlTree} reads it, through Jackson's YAML parser alone. */
  static JsonNode jacksonYamlTree(byte[] yaml) {
    try (JsonParser p = Yaml.FACTORY.createParser(yaml)) {
      return tree(p);
    } catch (IOException e) {
      throw new Unsupported(e.getMessage());
    }
  }

  private static JsonNode tree(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new Unsupported("empty document");
    }
    JsonNode root = value(p, t);
    if (p.nextToken() != null) {
      throw new Unsupported("trailing content");
    }
    return root;
  }

  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    if (p.getTypeId() != null || p.getObjectId() != null) {
      throw new Unsupported("tag or anchor");
    }
    switch (t) {
      case START_OBJECT:
        {
          ObjectNode o = NODES.objectNode();
          JsonToken k = p.nextToken();
          for (; k == JsonToken.FIELD_NAME; k = p.nextToken()) {
            String name = p.currentName();
            if (o.putIfAbsent(name, value(p, p.nextToken())) != null) {
              throw new Unsupported("duplicate key " + name);
            }
          }
          if (k != JsonToken.END_OBJECT) {
            throw new Unsupported("unexpected " + k);
          }
          return o;
        }
      case START_ARRAY:
        {
          ArrayNode a = NODES.arrayNode();
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e == null) {
              throw new Unsupported("unterminated list");
            }
            a.add(value(p, e));
          }
          return a;
        }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          case BIG_INTEGER:
            return NODES.numberNode(p.getBigIntegerValue());
          default:
            throw new Unsupported("integer of type " + p.getNumberType());
        }
      case VALUE_NUMBER_FLOAT:
        if (p.getNumberType() != JsonParser.NumberType.DOUBLE) {
          throw new Unsupported("number of type " + p.getNumberType());
        }
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new Unsupported("token " + t);
    }
  }

  /**
   * {@code node} as a {@code type}: a record (through its canonical constructor, components named
   * as the fields), a {@code List} or {@code Map} (String or enum keys), a String, a boxed or
   * primitive int, long, double or boolean, or an enum that {@code enums} can parse (the function
   * Jackson would use: the {@code @JsonCreator} factory, or {@code valueOf} for a plain enum).
   *
   * @throws Unsupported when the node lies outside that subset or the constructor refuses it
   */
  public static <T> T bind(JsonNode node, Class<T> type, Map<Class<?>, Function<String, ?>> enums) {
    return type.cast(value(node, type, enums));
  }

  private static Object value(JsonNode n, Type type, Map<Class<?>, Function<String, ?>> enums) {
    Class<?> raw =
        type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) type;
    if (n.isNull()) {
      if (raw.isPrimitive()) {
        throw new Unsupported("null for a primitive");
      }
      return null;
    }
    if (raw == String.class) {
      if (!n.isTextual()) {
        throw new Unsupported("not a string");
      }
      return n.textValue();
    }
    if (raw == Integer.class || raw == int.class) {
      if (!n.isInt()) {
        throw new Unsupported("not an int");
      }
      return n.intValue();
    }
    if (raw == Long.class || raw == long.class) {
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        throw new Unsupported("not a long");
      }
      return n.longValue();
    }
    if (raw == Double.class || raw == double.class) {
      return number(n);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      if (!n.isBoolean()) {
        throw new Unsupported("not a boolean");
      }
      return n.booleanValue();
    }
    if (raw.isEnum()) {
      Function<String, ?> parse = enums.get(raw);
      if (parse == null || !n.isTextual()) {
        throw new Unsupported("enum " + raw.getName());
      }
      return parsed(parse, n.textValue());
    }
    if (raw == List.class) {
      if (!n.isArray() || !(type instanceof ParameterizedType pt)) {
        throw new Unsupported("not a list");
      }
      Type element = pt.getActualTypeArguments()[0];
      List<Object> out = new ArrayList<>(n.size());
      for (JsonNode e : n) {
        out.add(value(e, element, enums));
      }
      return out;
    }
    if (raw == Map.class) {
      if (!n.isObject() || !(type instanceof ParameterizedType pt)) {
        throw new Unsupported("not a map");
      }
      Type key = pt.getActualTypeArguments()[0];
      Type value = pt.getActualTypeArguments()[1];
      Function<String, ?> keys = key == String.class ? null : enums.get(key);
      if (key != String.class && keys == null) {
        throw new Unsupported("map key " + key);
      }
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Object k = keys == null ? e.getKey() : parsed(keys, e.getKey());
        out.put(k, value(e.getValue(), value, enums));
      }
      return out;
    }
    if (raw.isRecord()) {
      return record(n, raw, enums);
    }
    throw new Unsupported("type " + type);
  }

  private static Object record(JsonNode n, Class<?> raw, Map<Class<?>, Function<String, ?>> enums) {
    if (!n.isObject()) {
      throw new Unsupported("not a mapping");
    }
    RecordComponent[] cs = raw.getRecordComponents();
    Class<?>[] types = new Class<?>[cs.length];
    Object[] args = new Object[cs.length];
    int found = 0;
    for (int i = 0; i < cs.length; i++) {
      types[i] = cs[i].getType();
      JsonNode v = n.get(cs[i].getName());
      if (v == null) {
        if (types[i].isPrimitive()) {
          throw new Unsupported("missing " + cs[i].getName());
        }
        continue;
      }
      found++;
      args[i] = value(v, cs[i].getGenericType(), enums);
    }
    if (found != n.size()) {
      throw new Unsupported("a field " + raw.getSimpleName() + " lacks");
    }
    try {
      Constructor<?> c = raw.getDeclaredConstructor(types);
      c.setAccessible(true);
      return c.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new Unsupported(raw.getSimpleName() + " refused the values: " + e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new Unsupported(raw.getSimpleName() + ": " + e);
    }
  }

  private static double number(JsonNode n) {
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      switch (n.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw new Unsupported("not a number");
  }

  private static Object parsed(Function<String, ?> parse, String text) {
    try {
      return parse.apply(text);
    } catch (RuntimeException e) {
      throw new Unsupported("enum value " + text);
    }
  }
}
