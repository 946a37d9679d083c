package dev.hwplan.kernels;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Only the vector package may touch the incubator module, and nothing may touch the vector package
 * except by reflection: otherwise the scalar path would fail to load where the module is absent.
 */
class KernelLayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.hwplan.kernels");

  @Test
  void onlyTheVectorPackageUsesTheIncubatorModule() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.hwplan.kernels.vector..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("jdk.incubator.vector..")
        .check(MAIN);
  }

  @Test
  void nothingOutsideTheVectorPackageLinksToIt() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.hwplan.kernels.vector..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.hwplan.kernels.vector..")
        .check(MAIN);
  }

  @Test
  void scalarCodeDoesNotDependOnVectorCode() {
    noClasses()
        .that()
        .resideInAPackage("dev.hwplan.kernels.scalar..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.hwplan.kernels.vector..")
        .check(MAIN);
  }
}
