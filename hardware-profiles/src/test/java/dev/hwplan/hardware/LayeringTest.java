package dev.hwplan.hardware;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Inside hardware-profiles: the hardware knows no upper module, and calibrations are data only.
 * (The input plumbing, {@code dev.hwplan.io}, is a module of its own below this one, so the
 * compiler keeps it free of hardware.)
 */
@AnalyzeClasses(packages = "dev.hwplan", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule hardwareKnowsNoUpperModule =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.hardware..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.hwplan.kernels..",
              "dev.hwplan.model..",
              "dev.hwplan.perf..",
              "dev.hwplan.report..",
              "dev.hwplan.cli..",
              "dev.hwplan.scenario..");

  @ArchTest
  static final ArchRule profilesDoNotDependOnCalibrations =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.hardware")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.hwplan.hardware.calibration..");
}
