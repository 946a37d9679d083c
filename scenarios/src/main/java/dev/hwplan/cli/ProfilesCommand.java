package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hwplan profiles list|show}: the GPU catalog. */
@Command(
    name = "profiles",
    description = "The GPU hardware-profile catalog.",
    mixinStandardHelpOptions = true,
    subcommands = {ProfilesCommand.ListCommand.class, ProfilesCommand.ShowCommand.class})
final class ProfilesCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      description = "List the bundled and user GPU profiles.",
      mixinStandardHelpOptions = true)
  static final class ListCommand implements Runnable {
    @Mixin JsonOutput json;
    @Mixin ProfilesOption profiles;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      ProfileCatalog catalog = profiles.catalog();
      PrintWriter out = spec.commandLine().getOut();
      if (json.enabled()) {
        List<Map<String, Object>> all = catalog.all().stream().map(ProfileView::of).toList();
        // One JSON object, as the CLI contract says of --json.
        JsonOutput.print(out, Map.of("profiles", all));
        return;
      }
      out.println(ProfileView.table(catalog.all()));
      out.flush();
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
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      GpuProfile p = profiles.catalog().get(id, "ID");
      PrintWriter out = spec.commandLine().getOut();
      if (json.enabled()) {
        JsonOutput.print(out, ProfileView.of(p));
      } else {
        out.println(ProfileView.text(p));
        out.flush();
      }
    }
  }
}
