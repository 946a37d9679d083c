package dev.hwplan.report;

/**
 * Text in a small Markdown subset: paragraphs separated by blank lines, {@code **bold**}, {@code
 * `code`} and bullet lists (lines starting with {@code - } or {@code * }). Anything else is shown
 * as written.
 *
 * @param markdown the text
 */
public record TextBlock(String markdown) implements Block {
  public TextBlock {
    Ids.requireText(markdown, "text");
  }
}
