/**
 * The step model: what a step runs ({@link dev.hwplan.step.StepConfig}: model, parallel layout,
 * dtypes, {@link dev.hwplan.step.Execution execution form}), what it processes ({@link
 * dev.hwplan.step.StepComposition}: prefill chunks and decode sequences), the op graph built from
 * them ({@link dev.hwplan.step.TransformerStep}), and {@link dev.hwplan.step.StepModel}, the one
 * door through which inference, serving, training and the report ask how long a step takes and why.
 */
package dev.hwplan.step;
