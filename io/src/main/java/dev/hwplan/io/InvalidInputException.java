package dev.hwplan.io;

import java.util.Objects;

/**
 * Bad input from a user: a file, a field and a reason. The CLI prints {@link #getMessage()} on one
 * line and exits with status 2, without a stack trace.
 */
public final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;
  private final String reason;

  /**
   * @param source the file (or "--flag" / "command line") the bad value came from
   * @param field the field path inside it, e.g. {@code memory.bandwidthGBps}; may be empty
   * @param reason what is wrong, in words a user can act on
   */
  public InvalidInputException(String source, String field, String reason) {
    super(format(source, field, reason));
    this.source = Objects.requireNonNullElse(source, "");
    this.field = Objects.requireNonNullElse(field, "");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** An error about a command-line option or value, where there is no file. */
  public static InvalidInputException option(String option, String reason) {
    return new InvalidInputException("command line", option, reason);
  }

  public String source() {
    return source;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }

  private static String format(String source, String field, String reason) {
    StringBuilder sb = new StringBuilder();
    if (source != null && !source.isEmpty()) {
      sb.append(source).append(": ");
    }
    if (field != null && !field.isEmpty()) {
      sb.append("field '").append(field).append("': ");
    }
    sb.append(reason);
    // One line, always: YAML parser messages can carry newlines and snippets.
    return sb.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
