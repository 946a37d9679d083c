package dev.hwplan.cli;

import picocli.CommandLine.Command;

/** {@code hwplan measure cpu}: run the reference kernels here and compare with predictions. */
@Command(
    name = "measure",
    description =
        "Measure on this machine and compare with the simulator's predictions"
            + " (cpu: run the reference kernels on this CPU; gpu-import: check and import the"
            + " JSON that kernels/cuda wrote on a GPU machine).",
    mixinStandardHelpOptions = true,
    subcommands = {MeasureCpuCommand.class, MeasureGpuImportCommand.class})
final class MeasureCommand extends CommandGroup {}
