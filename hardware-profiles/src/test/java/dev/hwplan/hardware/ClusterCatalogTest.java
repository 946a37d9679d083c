package dev.hwplan.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import org.junit.jupiter.api.Test;

class ClusterCatalogTest {
  @Test
  void bundledClustersLoadWithTheirSources() {
    assertThat(ClusterCatalog.all().keySet())
        .containsExactly("dgx-h100", "dgx-h200", "dgx-b200", "dgx-a100");
    for (ClusterProfile c : ClusterCatalog.all().values()) {
      assertThat(ProfileCatalog.bundled().get(c.gpu())).as(c.id()).isNotNull();
      assertThat(c.gpusPerNode()).isEqualTo(8);
      assertThat(c.nicsPerNode()).isEqualTo(8);
      assertThat(c.sources()).as(c.id()).containsKeys("NCCL-EFF", "NCCL-LAT");
      assertThat(c.sources().keySet().stream().anyMatch(k -> k.startsWith("DGX-"))).isTrue();
    }
    // 400 Gb/s NDR is 50 GB/s a direction; the A100 pods' HDR half that
    assertThat(ClusterCatalog.get("dgx-h100", "--cluster").nicBytesPerSecond()).isEqualTo(50e9);
    assertThat(ClusterCatalog.get("dgx-a100", "--cluster").nicBytesPerSecond()).isEqualTo(25e9);
    assertThat(ClusterCatalog.forGpu("h200-sxm").id()).isEqualTo("dgx-h200");
    assertThat(ClusterCatalog.forGpu("l40s")).isNull();
    Cluster c =
        ClusterCatalog.get("dgx-h100", "--cluster")
            .build(ProfileCatalog.bundled().get("h100-sxm"), 2048);
    assertThat(c.totalGpus()).isEqualTo(16384);
    assertThat(c.interNodeBytesPerSecondPerNode()).isEqualTo(400e9);
  }

  @Test
  void anUnknownClusterNamesTheFlag() {
    assertThatThrownBy(() -> ClusterCatalog.get("dgx-x", "--cluster"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--cluster")
        .hasMessageContaining(
            "unknown cluster 'dgx-x' (known: dgx-h100, dgx-h200, dgx-b200, dgx-a100)");
  }
}
