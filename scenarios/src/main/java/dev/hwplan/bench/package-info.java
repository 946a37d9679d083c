/**
 * hwplan bench: the project's own benchmark run (speed and accuracy metrics) written as a run
 * record for regress.
 */
package dev.hwplan.bench;
