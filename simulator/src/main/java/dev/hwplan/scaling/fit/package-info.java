/**
 * Fitting the Chinchilla law to runs: Huber loss in log space, L-BFGS with a Wolfe line search, the
 * initialisation grid and the bootstrap.
 */
package dev.hwplan.scaling.fit;
