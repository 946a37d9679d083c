package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hwplan profiles list|show}: the GPU catalog. */
@Command(
    name = "profiles",
    description = "The GPU hardware-profile catalog.",
    mixinStandardHelpOptions = true,
    subcommands = {ProfilesCommand.ListCommand.class, ProfilesCommand.ShowCommand.class})
final class ProfilesCommand extends CommandGroup {
  /** Prints {@code text} and a line break on {@code spec}'s stdout. */
  private static void println(CommandSpec spec, String text) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(text);
    out.flush();
  }

  @Command(
      name = "list",
      description = "List the bundled and user GPU profiles.",
      mixinStandardHelpOptions = true)
  static final class ListCommand implements Runnable {
    @Mixin JsonOutput json;
    @Mixin ProfilesOption profiles;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      ProfileCatalog catalog = profiles.catalog();
      if (json.enabled()) {
        List<Map<String, Object>> all = catalog.all().stream().map(ProfileView::of).toList();
        // One JSON object, as the CLI contract says of --json.
        json.printed(spec, Map.of("profiles", all));
      } else {
        println(spec, ProfileView.table(catalog.all()));
      }
    }
  }

  @Command(
      name = "show",
      description = "Show one GPU profile: hierarchy, derived and datasheet peaks, memory, links.",
      mixinStandardHelpOptions = true)
  static final class ShowCommand implements Runnable {
    @Parameters(paramLabel = "ID", description = "Profile id, e.g. h100-sxm.")
    String id;

    @Mixin JsonOutput json;
    @Mixin ProfilesOption profiles;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      GpuProfile p = profiles.catalog().get(id, "ID");
      if (json.enabled()) {
        json.printed(spec, ProfileView.of(p));
      } else {
        println(spec, ProfileView.text(p));
      }
    }
  }
}
