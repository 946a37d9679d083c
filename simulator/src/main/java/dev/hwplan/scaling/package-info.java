/**
 * Scaling laws (Chinchilla, Kaplan, data-constrained), compute-optimal allocation, exact training
 * FLOPs and training cost.
 */
package dev.hwplan.scaling;
