/**
 * Input and output plumbing shared by every module, in the {@code io} module at the bottom of the
 * reactor (below {@code hardware-profiles}) so that every module can use it and it can use none:
 * strict JSON/YAML reading ({@link dev.hwplan.io.StrictMapper}, {@link dev.hwplan.io.QuickReader}),
 * UTF-8 text files ({@link dev.hwplan.io.TextFiles}, {@link dev.hwplan.io.Utf8LineReader}),
 * bad-input errors that the CLI turns into one line and exit code 2 ({@link
 * dev.hwplan.io.InvalidInputException}, {@link dev.hwplan.io.Checks}), atomic writes and staging
 * files ({@link dev.hwplan.io.AtomicFiles}, {@link dev.hwplan.io.Staging}, {@link
 * dev.hwplan.io.HeldOutput}), and hwplan's version ({@link dev.hwplan.io.HwplanVersion}). It knows
 * no hardware, model or planner.
 */
package dev.hwplan.io;
