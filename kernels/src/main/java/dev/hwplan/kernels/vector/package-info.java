/**
 * The Java Vector API kernel provider (jdk.incubator.vector), loaded only by reflection when the
 * module is present.
 */
package dev.hwplan.kernels.vector;
