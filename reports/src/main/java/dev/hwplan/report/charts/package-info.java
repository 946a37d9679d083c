/**
 * Chart builders over the simulator: {@link dev.hwplan.report.charts.KvCharts}, {@link
 * dev.hwplan.report.charts.MemoryCharts}, {@link dev.hwplan.report.charts.ScalingCharts} and {@link
 * dev.hwplan.report.charts.CpuCharts}, all in the one look of {@link
 * dev.hwplan.report.charts.ChartStyle}. Each returns an XChart {@code XYChart}; wrap it in a {@link
 * dev.hwplan.report.ReportChart} to put it in a report, or write it with {@link
 * dev.hwplan.report.ChartFiles}.
 */
package dev.hwplan.report.charts;
