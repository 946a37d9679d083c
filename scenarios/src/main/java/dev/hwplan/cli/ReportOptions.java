package dev.hwplan.cli;

import dev.hwplan.scenario.Scenario;
import dev.hwplan.sweep.SweepExecutor;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What the commands that run a scenario into a report share ({@code hwplan} itself, whose main job
 * is the bundled default scenario, and {@code hwplan run}): {@code --out}, {@code --quick}, {@code
 * --profiles} and {@code --json}.
 */
final class ReportOptions {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Where the report is written (default: hwplan-report); replaced atomically, and only"
              + " when it is empty or a report hwplan wrote.")
  Path out;

  @Option(
      names = "--quick",
      description = "Measure as little as possible (the CPU study takes its smoke path).")
  boolean quick;

  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;

  /** {@link RunCommand#execute} of {@code scenario} under these options. */
  void execute(CommandSpec spec, Scenario scenario, SweepExecutor executor) {
    RunCommand.execute(spec, scenario, out, quick, profiles, json.enabled(), executor);
  }
}
