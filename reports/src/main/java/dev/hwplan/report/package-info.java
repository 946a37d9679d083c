/**
 * Reports: sections of text, tables and charts, written as HTML, Markdown, CSV, PNG and SVG.
 *
 * <pre>{@code
 * Report report =
 *     Report.builder("Capacity plan")
 *         .meta("hwplan", version)
 *         .meta("date", date) // given by the caller: nothing here reads the clock
 *         .section(
 *             Section.builder("kv", "KV cache")
 *                 .text("Llama-3.1-70B caches **320 KiB** a token in bf16.")
 *                 .table("kv-designs", "KV cache by design", table)
 *                 .chart(ReportChart.of("kv", "KV vs context", KvCharts.kvVsContext(m, gpu)))
 *                 .build())
 *         .build();
 * WrittenReport written = ReportWriter.write(report, Path.of("hwplan-report"));
 * }</pre>
 */
package dev.hwplan.report;
