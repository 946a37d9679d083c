package dev.hwplan.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Only this module's package knows Apache Spark: the core (every other hwplan package, imported
 * here from the modules' jars) reaches it through the sweep seam alone.
 */
class SparkArchitectureTest {
  @Test
  void onlyTheSparkPackageDependsOnSpark() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hwplan");
    // the import saw the core and this module, so the rule checks something
    assertThat(main.contain("dev.hwplan.scenario.ScenarioRunner")).isTrue();
    assertThat(main.contain("dev.hwplan.sweep.SweepExecutor")).isTrue();
    assertThat(main.contain(SparkSweepExecutor.class)).isTrue();
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.hwplan.spark..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "scala..")
        .check(main);
  }
}
