/**
 * Fitting the calibrated GPU model to committed measurements, the on-disk calibration cache, the
 * measured mode's lookups, and the held-out accuracy report.
 */
package dev.hwplan.perf.calibration;
