/**
 * Op-time models: the {@link dev.hwplan.perf.OpTimeModel} interface and its modes ({@code sol},
 * {@code calibrated}, {@code measured}), {@link dev.hwplan.perf.Prediction}, the fitted {@link
 * dev.hwplan.perf.GpuCalibration} and {@link dev.hwplan.perf.CalibratedModel}, which dispatches an
 * op to its family's time model. Step times are asked of {@code dev.hwplan.step.StepModel}, not
 * here.
 */
package dev.hwplan.perf;
