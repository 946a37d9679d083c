package dev.hwplan.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuProfileTest {
  @Test
  void localCpuHasCoresAndASimdWidth() {
    CpuProfile cpu = CpuProfile.local();
    assertThat(cpu.logicalCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(cpu.simdBits()).isIn(64, 128, 256, 512, 1024, 2048);
    // Surefire runs with --add-modules jdk.incubator.vector, so the width comes from the Vector
    // API.
    assertThat(cpu.simdSource()).contains("jdk.incubator.vector");
    assertThat(cpu.fp32Lanes()).isEqualTo(cpu.simdBits() / 32);
  }

  @Test
  void clusterBandwidthIsNicsTimesOneNic() {
    GpuProfile h100 = ProfileCatalog.bundled().get("h100-sxm");
    Link nvlink = Link.scaleUp(h100, 3e-6);
    assertThat(nvlink.bytesPerSecondPerDirection()).isEqualTo(450e9);
    // 8 x 400 Gb/s NICs per node
    Link ib = new Link("InfiniBand NDR", 50e9, 5e-6);
    Cluster c = new Cluster(h100, 256, 8, nvlink, 8, ib);
    assertThat(c.totalGpus()).isEqualTo(2048);
    assertThat(c.interNodeBytesPerSecondPerNode()).isEqualTo(400e9);
  }

  @Test
  void gpuWithoutScaleUpLinkFallsBackToPcie() {
    Link l = Link.scaleUp(ProfileCatalog.bundled().get("rtx-4090"), 5e-6);
    assertThat(l.name()).isEqualTo("PCIe");
    assertThat(l.bytesPerSecondPerDirection())
        .isEqualTo(
            ProfileCatalog.bundled()
                .get("rtx-4090")
                .interconnect()
                .pcieBytesPerSecondPerDirection());
  }
}
