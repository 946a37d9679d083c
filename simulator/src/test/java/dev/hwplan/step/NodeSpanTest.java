package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Collective;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.calibration.Calibrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serving replica larger than a node (8 H100s of a DGX H100) sends its collectives across nodes
 * through the NICs: TP 16's all-reduces and a pipeline boundary between nodes, timed by {@link
 * NodeLinks} on the cluster profile's figures, with its note; replicas within a node are unchanged.
 */
class NodeSpanTest {
  private static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");
  private static final ModelSpec LLAMA_70B = ModelCatalog.resolve("llama-3.1-70b");
  private static final OpTimeModel TIMES = Calibrations.model(H100, Mode.CALIBRATED);

  private static StepConfig config(int tp, int pp) {
    return new StepConfig(
        LLAMA_70B,
        Parallelism.of(tp, pp),
        WeightDtype.BF16,
        KvDtype.BF16,
        MlaLayout.LATENT,
        Execution.FUSED);
  }

  private static OpTime op(StepTime t, String name) {
    return t.ops().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aReplicaWithinANodeIsTimedAsBefore() {
    StepComposition s = StepComposition.decode(16, 4096);
    for (int[] l : new int[][] {{8, 1}, {4, 2}, {2, 4}}) {
      StepConfig c = config(l[0], l[1]);
      assertThat(StepModel.onNodes(c, TIMES, H100).time(s))
          .as("tp %d pp %d", l[0], l[1])
          .isEqualTo(new StepModel(c, TIMES).time(s));
    }
  }

  @Test
  void tensorParallelAcrossTwoNodesGoesThroughTheNics() {
    StepComposition s = StepComposition.decode(16, 4096);
    StepConfig c = config(16, 1);
    StepTime across = StepModel.onNodes(c, TIMES, H100).time(s);
    StepTime nvlink = new StepModel(c, TIMES).time(s);
    OpTime ar = op(across, "attn.all_reduce");
    OpTime arNvlink = op(nvlink, "attn.all_reduce");
    // 16 sequences x 8192 x 2 bytes: 262,144 bytes an all-reduce, 8 of its 16 GPUs a node
    double bytes = 16 * 8192 * 2.0;
    NodeLinks links =
        NodeLinks.probe(
            ClusterCatalog.forGpu("h100-sxm"),
            (col, b) ->
                TIMES.predict(dev.hwplan.op.Ops.collective(col.key(), col, 2, b)).seconds());
    assertThat(ar.secondsEach())
        .isCloseTo(links.collective(Collective.ALL_REDUCE, 16, 1, bytes), within(1e-15));
    // a tree of 2 log2 16 = 8 inter-node messages of 5 us: slower than one node's NVLink
    assertThat(ar.secondsEach()).isGreaterThan(arNvlink.secondsEach() + 30e-6);
    assertThat(ar.lowSeconds() / ar.seconds())
        .isCloseTo(arNvlink.lowSeconds() / arNvlink.seconds(), within(1e-12));
    assertThat(across.seconds()).isGreaterThan(nvlink.seconds());
    assertThat(across.notes()).anyMatch(n -> n.startsWith("collectives across nodes: 8 NICs"));
    assertThat(nvlink.notes()).noneMatch(n -> n.startsWith("collectives across nodes"));
  }

  /** SOL keeps the scale-up link's peak: a bound that the NICs' aggregate does not beat. */
  @Test
  void solTimesAreLeftAlone() {
    OpTimeModel sol = Calibrations.model(H100, Mode.SOL);
    StepComposition s = StepComposition.decode(16, 4096);
    StepConfig c = config(16, 1);
    assertThat(StepModel.onNodes(c, sol, H100).time(s)).isEqualTo(new StepModel(c, sol).time(s));
  }

  @Test
  void onlyThePipelineBoundariesBetweenNodesUseANic() {
    StepComposition s = StepComposition.prefill(1, 2048);
    // stages of 4 GPUs: of the boundaries after GPUs 4, 8 and 12, the one after 8 leaves the node
    StepTime across = StepModel.onNodes(config(4, 4), TIMES, H100).time(s);
    StepTime nvlink = new StepModel(config(4, 4), TIMES).time(s);
    OpTime send = op(across, "pp.send");
    double inside = op(nvlink, "pp.send").secondsEach();
    NodeLinks links =
        NodeLinks.probe(
            ClusterCatalog.forGpu("h100-sxm"),
            (col, b) ->
                TIMES.predict(dev.hwplan.op.Ops.collective(col.key(), col, 2, b)).seconds());
    double nic = links.send(8, 2048 * 8192 * 2.0);
    assertThat(send.secondsEach()).isCloseTo((2 * inside + nic) / 3, within(1e-15));
    assertThat(nic).isGreaterThan(inside);
    // the all-reduces stay inside each stage's node
    assertThat(op(across, "attn.all_reduce")).isEqualTo(op(nvlink, "attn.all_reduce"));
  }

  /**
   * A TP group of a size that does not divide the node straddles its edge: TP 6 x PP 2 on 8-GPU
   * nodes puts the second stage's group on GPUs 6-11, two on the first node and four on the second,
   * and the replica's steps wait for that group's all-reduces through the NICs, two rings wide. A
   * Llama-3.1-70B with 48 query and 6 KV heads of 128 (a config of the user's: no bundled model
   * splits 6 ways).
   */
  @Test
  void aGroupStraddlingANodesEdgeGoesThroughTheNics(@TempDir Path dir) throws IOException {
    ObjectNode config =
        (ObjectNode)
            new ObjectMapper()
                .readTree(NodeSpanTest.class.getResourceAsStream("/models/llama-3.1-70b.json"));
    config.put("num_attention_heads", 48).put("num_key_value_heads", 6).put("head_dim", 128);
    Path file = dir.resolve("config.json");
    Files.writeString(file, config.toString());
    ModelSpec m = ModelCatalog.resolve(file.toString());
    StepComposition s = StepComposition.decode(16, 4096);
    StepConfig c =
        new StepConfig(
            m,
            Parallelism.of(6, 2),
            WeightDtype.BF16,
            KvDtype.BF16,
            MlaLayout.LATENT,
            Execution.FUSED);
    OpTime ar = op(StepModel.onNodes(c, TIMES, H100).time(s), "attn.all_reduce");
    OpTime nvlink = op(new StepModel(c, TIMES).time(s), "attn.all_reduce");
    NodeLinks links =
        NodeLinks.probe(
            ClusterCatalog.forGpu("h100-sxm"),
            (col, b) ->
                TIMES.predict(dev.hwplan.op.Ops.collective(col.key(), col, 2, b)).seconds());
    double bytes = 16 * 8192 * 2.0;
    assertThat(ar.secondsEach())
        .isCloseTo(links.collective(Collective.ALL_REDUCE, 6, 2, 2, bytes), within(1e-15))
        .isGreaterThan(nvlink.secondsEach());
    // the form by stride gives the same where groups tile nodes evenly (TP 16: 8 a node)
    assertThat(links.collective(Collective.ALL_REDUCE, 16, 8, 2, bytes))
        .isEqualTo(links.collective(Collective.ALL_REDUCE, 16, 1, bytes));
    assertThat(links.collective(Collective.ALL_TO_ALL, 4, 2, 2, bytes))
        .isEqualTo(links.collective(Collective.ALL_TO_ALL, 4, 4, bytes));
    // a group whose span exceeds a node but whose size is under twice its share of one (12 GPUs
    // 8 a node; 6 GPUs 2 apart) still leaves the node: two nodes, through the NICs
    for (int[] g : new int[][] {{12, 1, 8}, {6, 2, 4}, {3, 4, 2}}) {
      assertThat(links.collective(Collective.ALL_REDUCE, g[0], g[1], bytes))
          .as("%d GPUs %d apart", g[0], g[1])
          .isEqualTo(links.collective(Collective.ALL_REDUCE, g[0], g[2], 2, bytes))
          .isGreaterThan(links.collective(Collective.ALL_REDUCE, g[0], g[0], 1, bytes));
    }
  }
}
