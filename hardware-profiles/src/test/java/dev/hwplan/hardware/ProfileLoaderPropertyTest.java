package dev.hwplan.hardware;

import dev.hwplan.io.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.api.Assertions;

/**
 * The loader meets random and truncated YAML with either a profile or an {@link
 * InvalidInputException}: never another exception.
 */
class ProfileLoaderPropertyTest {

  @Property(tries = 300, seed = "20261207")
  void truncatedProfilesNeverThrowAnythingElse(@ForAll @IntRange(min = 0, max = 100_000) int cut)
      throws IOException {
    String yaml = ProfileValidationTest.h100Yaml().replace("id: h100-sxm", "id: fuzz");
    loadOrReject(yaml.substring(0, cut % (yaml.length() + 1)));
  }

  @Property(tries = 300, seed = "20261207")
  void mutatedProfilesNeverThrowAnythingElse(
      @ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll("junk") String junk)
      throws IOException {
    String yaml = ProfileValidationTest.h100Yaml().replace("id: h100-sxm", "id: fuzz");
    int i = at % (yaml.length() + 1);
    loadOrReject(yaml.substring(0, i) + junk + yaml.substring(i));
  }

  @Property(tries = 300, seed = "20261207")
  void randomTextNeverThrowsAnythingElse(@ForAll("junk") String text) throws IOException {
    loadOrReject(text);
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().withChars(":-[]{}\n #&*!|>'\"0123456789.e").ofMaxLength(40),
        Arbitraries.of(
            "\n  sms: -3", ": :", "\t", "- - -", "{", "]", "&a *a", "!!binary x", "1e999"));
  }

  private static void loadOrReject(String yaml) throws IOException {
    Path dir = Files.createTempDirectory("hwplan-fuzz");
    Path f = dir.resolve("fuzz.yaml");
    try {
      Files.writeString(f, yaml);
      try {
        ProfileCatalog.load(f);
      } catch (InvalidInputException expected) {
        Assertions.assertThat(expected.getMessage()).isNotBlank().doesNotContain("\n");
      }
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    }
  }
}
