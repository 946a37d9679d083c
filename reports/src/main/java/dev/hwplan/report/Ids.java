package dev.hwplan.report;

import java.util.regex.Pattern;

/** Ids of sections, tables and charts: they become file names and HTML anchors. */
final class Ids {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,79}");

  private Ids() {}

  /** Returns {@code id} when it is lower-case letters, digits, '.', '_' and '-' (80 at most). */
  static String require(String id, String what) {
    if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
      throw new IllegalArgumentException(
          what
              + " id must be 1 to 80 lower-case letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit, got '"
              + id
              + "'");
    }
    return id;
  }

  static String requireText(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return text;
  }
}
