package dev.hwplan.hardware;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Inside hardware-profiles: input plumbing knows no hardware, and calibrations are data only. */
@AnalyzeClasses(packages = "dev.hwplan", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule ioKnowsNoHardware =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.io..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.hwplan.hardware..");

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
