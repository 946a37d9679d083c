package dev.hwplan.report;

/** One piece of a {@link Section}: a paragraph of text, a table or a chart. */
public sealed interface Block permits TextBlock, TableBlock, ChartBlock {}
