package dev.hwplan.io;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A value that a flag or a file names by a short key ({@code all-reduce}, {@code bf16}, {@code
 * vllm}), with the one parser that all of them share: the key is matched trimmed and with case
 * ignored, and an unknown one is bad input that names the flag and lists the known keys.
 */
public interface Keyed {
  /** The key, as a flag or a file spells it. */
  String key();

  /**
   * An enum whose keys are its constants' names in lower case, '_' as '-' ({@code HF_ZERO3}: {@code
   * hf-zero3}).
   */
  interface ByName extends Keyed {
    /** The constant's name ({@link Enum#name()}). */
    String name();

    @Override
    default String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The one of {@code known} whose key is {@code s}.
   *
   * @param field the flag or field the value came from, named in the error
   * @param what what the value is, in words: "unknown {what} 's' (known: ...)"
   * @throws InvalidInputException if none has that key
   */
  static <K extends Keyed> K parse(List<K> known, String s, String field, String what) {
    K k = find(known, s);
    if (k == null) {
      throw unknown(known, s, field, what);
    }
    return k;
  }

  /** The one of {@code known} whose key is {@code s} (trimmed, case ignored), or null. */
  static <K extends Keyed> K find(List<K> known, String s) {
    if (s != null) {
      String t = s.trim();
      for (K k : known) {
        if (k.key().equalsIgnoreCase(t)) {
          return k;
        }
      }
    }
    return null;
  }

  /** The error for {@code s}, which is none of {@code known}: "unknown {what} 's' (known: ...)". */
  static InvalidInputException unknown(
      List<? extends Keyed> known, String s, String field, String what) {
    return InvalidInputException.option(
        field,
        "unknown "
            + what
            + " '"
            + s
            + "' (known: "
            + known.stream().map(Keyed::key).collect(Collectors.joining(", "))
            + ")");
  }
}
