/**
 * Scenario files: their parsing and validation (file, field and line in every error), sweeps, the
 * study contract, and the runner that evaluates points in parallel.
 */
package dev.hwplan.scenario;
