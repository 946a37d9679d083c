/**
 * Benchmark history (JSON Lines, append-only, locked appends), regression detection, trend charts,
 * and the export formats of github-action-benchmark and Bencher.
 */
package dev.hwplan.regress;
