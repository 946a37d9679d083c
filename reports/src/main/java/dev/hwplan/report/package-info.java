/** Reports: sections of text, tables and charts, written as HTML, Markdown, CSV, PNG and SVG. */
package dev.hwplan.report;
