package dev.hwplan.scaling.fit;

import dev.hwplan.scaling.ChinchillaLaw;

/**
 * The best fit from a set of starting points.
 *
 * @param law the fitted constants
 * @param objective the summed Huber loss at the fit
 * @param starts starting points tried
 * @param converged starts whose optimisation met its convergence test
 * @param evaluations objective evaluations over all starts
 */
public record PointFit(
    ChinchillaLaw law, double objective, int starts, int converged, long evaluations) {}
