package dev.hwplan.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document as a tree, with the line of every node, so that a mistake deep inside a scenario
 * is reported with its file, its line and its field path ({@code studies[2].tp}).
 *
 * @param source the file name used in messages
 * @param root the document
 * @param lines the 1-based line of each node, keyed by JSON pointer ({@code /studies/2/tp})
 */
public record YamlDoc(String source, JsonNode root, Map<String, Integer> lines) {

  /** Parses {@code text} that came from {@code source}. */
  public static YamlDoc parse(String source, String text) {
    JsonNode root;
    try {
      root = StrictMapper.yaml().readTree(text);
    } catch (JsonProcessingException e) {
      throw StrictMapper.translate(source, e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidInputException(source, "", "the file is empty");
    }
    return new YamlDoc(source, root, index(source, text));
  }

  private static Map<String, Integer> index(String source, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = StrictMapper.yaml().getFactory().createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          continue;
        }
        String pointer =
            t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY
                ? null
                : p.getParsingContext().pathAsPointer().toString();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          // The container's own pointer is its parent's view of it.
          pointer =
              p.getParsingContext().getParent() == null
                  ? ""
                  : p.getParsingContext().getParent().pathAsPointer().toString();
        }
        if (pointer != null) {
          lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException(source, "", "cannot be read: " + e.getMessage());
    }
    return lines;
  }

  /** The line of the node at {@code pointer}, or of its nearest ancestor that has one. */
  public int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      if (p.isEmpty()) {
        return 0;
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** An error at the node {@code pointer}: file, field path and line, and the reason. */
  public InvalidInputException error(String pointer, String reason) {
    int line = line(pointer);
    return new InvalidInputException(
        source, fieldPath(pointer), reason + (line > 0 ? " (line " + line + ")" : ""));
  }

  /** {@code /studies/2/tp} as {@code studies[2].tp}. */
  public static String fieldPath(String pointer) {
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }
}
