/** STREAM-style bandwidth probes and the FMA-peak probe that measure this CPU's ceilings. */
package dev.hwplan.kernels.probe;
