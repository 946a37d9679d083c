/**
 * The hardware model: GPU and CPU profiles with their hierarchy and derived peaks, dtypes, links,
 * clusters, and the bundled profile catalog.
 */
package dev.hwplan.hardware;
