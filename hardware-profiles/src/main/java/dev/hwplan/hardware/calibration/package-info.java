/** Measured calibration data as committed: the CUDA harness files and their provenance. */
package dev.hwplan.hardware.calibration;
