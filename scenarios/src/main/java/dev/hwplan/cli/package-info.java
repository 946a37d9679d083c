/**
 * The hwplan command line (picocli): one class per command, with shared options, JSON output and
 * exit codes as DESIGN.md's CLI contract gives them.
 */
package dev.hwplan.cli;
