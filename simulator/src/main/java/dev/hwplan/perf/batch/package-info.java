/**
 * predict --input: many op predictions in one process, parsed and predicted in parallel batches and
 * written in input order.
 */
package dev.hwplan.perf.batch;
