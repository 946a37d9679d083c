/**
 * Calibrated attention time models: the split-K decode kernel (registers and staged variants) and
 * MLA latent decode ({@link dev.hwplan.perf.attention.SplitKTimeModel}), and PyTorch SDPA's flash
 * decode ({@link dev.hwplan.perf.attention.SdpaFlashTimeModel}).
 */
package dev.hwplan.perf.attention;
