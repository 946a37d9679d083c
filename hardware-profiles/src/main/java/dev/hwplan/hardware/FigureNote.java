package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.nonBlank;

/**
 * A note on one figure of a profile: either a figure that could not be confirmed, or vendor figures
 * that disagree with each other ({@code stated} and {@code used} then say which one the tool uses).
 */
public record FigureNote(String field, String stated, String used, String note) {
  public FigureNote {
    nonBlank(field, "field");
    nonBlank(note, "note");
  }
}
