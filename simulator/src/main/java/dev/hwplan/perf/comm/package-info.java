/** The calibrated collective time model: latency plus bytes over the link's achieved rate. */
package dev.hwplan.perf.comm;
