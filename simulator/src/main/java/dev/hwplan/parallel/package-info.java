/**
 * Parallel layouts: the tensor, pipeline, data and expert parallel degrees and the checks that a
 * model can run on them.
 */
package dev.hwplan.parallel;
