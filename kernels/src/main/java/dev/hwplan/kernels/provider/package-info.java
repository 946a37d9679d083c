/**
 * Chooses the kernel provider for this JVM: the Vector API one when {@code jdk.incubator.vector} is
 * present and loads (by reflection, so that the scalar path runs without the module), else the
 * scalar one. It sits above both providers, so neither the kernels' interfaces nor the scalar
 * package depend on the choice.
 */
package dev.hwplan.kernels.provider;
