package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostTrainMemoryTest {
  private static final ModelSpec L8 = ModelCatalog.resolve("llama-3.1-8b");

  private static PostTrainPlanner planner(PostTrainJob j) {
    return new PostTrainPlanner(
        j, ProfileCatalog.bundled().get("h100-sxm"), ClusterCatalog.get("dgx-h100", "c"));
  }

  private static PostTrainJob job(Method m, Lora lora, ModelSpec reward, int g) {
    return PostTrainJob.of(L8, m, lora, reward, g, 512, 512, 64);
  }

  @Test
  void loraAdapterParamsAreRankTimesInPlusOutPerMatrix() {
    // PEFT's print_trainable_parameters for all-linear LoRA (q,k,v,o,gate,up,down), as
    // LLaMA-Factory logs it: Llama-3-8B r=8 "trainable params: 20,971,520 || all params:
    // 8,051,232,768"; Llama-2-7B r=16 "trainable params: 39,976,960 || all params: 6,778,392,576".
    assertThat(new Lora(8, false).adapterParams(L8)).isEqualTo(20_971_520L);
    ModelSpec l2 = ModelCatalog.resolve("llama-2-7b");
    assertThat(new Lora(16, false).adapterParams(l2)).isEqualTo(39_976_960L);
    // and the "all params" of those logs: base + adapter
    assertThat(ParameterCounter.count(L8).total() + 20_971_520L).isEqualTo(8_051_232_768L);
    assertThat(ParameterCounter.count(l2).total() + 39_976_960L).isEqualTo(6_778_392_576L);
  }

  @Test
  void loraTargetsCountOnlyTheirMatrices() {
    // Hu et al. 2021's q and v, by hand on Llama-3.1-8B (d 4096, 8 KV heads of 128): r (d + d) +
    // r (d + 1024) per layer, 32 layers
    java.util.Set<Lora.Target> qv = Lora.parseTargets("q_proj,v", "--lora-targets");
    Lora a = new Lora(8, false, qv);
    assertThat(a.adapterParams(L8)).isEqualTo(32L * 8 * ((4096 + 4096) + (4096 + 1024)));
    assertThat(a.matricesPerLayer(L8)).isEqualTo(2);
    assertThat(a.label()).isEqualTo("LoRA r8 on q,v");
    // attention plus mlp is all-linear
    long att = new Lora(8, false, Lora.parseTargets("attention", "f")).adapterParams(L8);
    long mlp = new Lora(8, false, Lora.parseTargets("mlp", "f")).adapterParams(L8);
    assertThat(att + mlp).isEqualTo(new Lora(8, false).adapterParams(L8));
    assertThat(new Lora(8, false).matricesPerLayer(L8)).isEqualTo(7);
    assertThat(new Lora(8, false).label()).isEqualTo("LoRA r8");
    // an ungated MLP has no gate to adapt
    ModelSpec gpt2 = ModelCatalog.resolve("gpt2");
    assertThat(new Lora(8, false).matricesPerLayer(gpt2)).isEqualTo(6);
    assertThatThrownBy(() -> Lora.parseTargets("q,w", "--lora-targets"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--lora-targets")
        .hasMessageContaining("unknown LoRA target 'w'");
  }

  @Test
  void fewerTargetsMeanLessAdapterStateAndActivation() {
    Lora all = new Lora(16, false);
    Lora qv = new Lora(16, false, Lora.parseTargets("q,v", "f"));
    PostTrainPlan pa = planner(job(Method.SFT, all, null, 1)).colocated(1);
    PostTrainPlan pq = planner(job(Method.SFT, qv, null, 1)).colocated(1);
    PostTrainPlan.CopyMemory ca = pa.copies().get(0);
    PostTrainPlan.CopyMemory cq = pq.copies().get(0);
    assertThat(cq.optimizerBytes()).isLessThan(ca.optimizerBytes() / 5);
    assertThat(cq.activationBytes()).isLessThan(ca.activationBytes());
  }

  @Test
  void nf4WithDoubleQuantisationIs4Point127BitsPerWeight() {
    // Dettmers et al. 2023, section 3: constants cost 32/64 = 0.5 bits per parameter, double
    // quantisation 8/64 + 32/(64*256) = 0.127 bits
    assertThat(Lora.NF4_BITS_DOUBLE_QUANT).isCloseTo(4.127, within(5e-4));
    Lora q = new Lora(64, true);
    double lin = Lora.linearParams(L8);
    double rest = ParameterCounter.count(L8).total() - lin;
    assertThat(q.baseBytes(L8)).isCloseTo(lin * 4.12695 / 8 + 2 * rest, within(1e6));
    assertThat(new Lora(64, false).baseBytes(L8))
        .isEqualTo(2.0 * ParameterCounter.count(L8).total());
  }

  @Test
  void eachMethodKeepsItsCopies() {
    assertThat(roles(job(Method.SFT, null, null, 1))).containsExactly(Role.POLICY);
    assertThat(roles(job(Method.DPO, null, null, 1))).containsExactly(Role.POLICY, Role.REFERENCE);
    PostTrainJob pre =
        new PostTrainJob(
            L8,
            Method.DPO,
            null,
            null,
            1,
            512,
            512,
            64,
            1,
            true,
            false,
            Offload.NONE,
            1,
            0,
            Generation.DEFAULT,
            3);
    assertThat(roles(pre)).containsExactly(Role.POLICY);
    List<Copy> ppo = planner(job(Method.PPO, null, null, 1)).copies();
    assertThat(ppo)
        .extracting(Copy::role)
        .containsExactly(Role.POLICY, Role.REFERENCE, Role.REWARD, Role.CRITIC);
    assertThat(ppo).extracting(Copy::trainable).containsExactly(true, false, false, true);
    assertThat(roles(job(Method.GRPO, null, null, 8))).containsExactly(Role.POLICY, Role.REFERENCE);
    ModelSpec small = ModelCatalog.resolve("qwen2.5-7b");
    assertThat(roles(job(Method.GRPO, null, small, 8)))
        .containsExactly(Role.POLICY, Role.REFERENCE, Role.REWARD);
    // a reward model has a scalar head instead of the LM head
    Copy reward = ppo.get(2);
    var c = ParameterCounter.count(L8);
    assertThat(reward.params()).isEqualTo(c.total() - c.outputHead() + 4096.0);
    assertThat(reward.weightBytes()).isEqualTo(2 * reward.params());
  }

  private static List<Role> roles(PostTrainJob j) {
    return planner(j).copies().stream().map(Copy::role).toList();
  }

  @Test
  void zero3ShardsEveryCopyOverThePool() {
    PostTrainPlanner p = planner(job(Method.PPO, null, null, 1));
    PostTrainPlan plan = p.colocated(8);
    double n = ParameterCounter.count(L8).total();
    PostTrainPlan.CopyMemory actor = plan.copies().get(0);
    // ZeRO paper accounting: 2 + 2 + 12 bytes per parameter, over 8 GPUs
    assertThat(actor.weightBytes()).isEqualTo(2 * n / 8);
    assertThat(actor.gradientBytes()).isEqualTo(2 * n / 8);
    assertThat(actor.optimizerBytes()).isEqualTo(12 * n / 8);
    assertThat(plan.copies().get(1).weightBytes()).isEqualTo(2 * n / 8);
    assertThat(plan.fits()).isTrue();
    // the minimum: the largest count below it does not fit
    int min = p.minGpusColocated(64);
    assertThat(min).isGreaterThan(1);
    assertThat(p.colocated(min).fits()).isTrue();
    assertThat(p.colocated(min / 2).fits()).isFalse();
  }

  @Test
  void loraKeepsTheBaseFrozenAndTheReferenceCanShareIt() {
    Lora lora = new Lora(16, false);
    PostTrainJob shared =
        new PostTrainJob(
            L8,
            Method.DPO,
            lora,
            null,
            1,
            512,
            512,
            64,
            1,
            false,
            true,
            Offload.NONE,
            1,
            0,
            Generation.DEFAULT,
            3);
    PostTrainPlan plan = planner(shared).colocated(1);
    PostTrainPlan.CopyMemory policy = plan.copies().get(0);
    double a = lora.adapterParams(L8);
    assertThat(policy.trainableParams()).isEqualTo(a);
    assertThat(policy.gradientBytes()).isEqualTo(2 * a);
    assertThat(policy.optimizerBytes()).isEqualTo(12 * a);
    assertThat(plan.copies().get(1).weightBytes()).isZero();
    // on one 80 GB GPU: bf16 base 15 GiB and a few GiB more
    assertThat(plan.fits()).isTrue();
    PostTrainPlan full = planner(job(Method.DPO, null, null, 1)).colocated(1);
    assertThat(full.fits()).isFalse();
  }

  @Test
  void badInputNamesTheFlag() {
    assertThatThrownBy(() -> Method.parse("rlhf"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'--method'");
    assertThatThrownBy(() -> job(Method.GRPO, null, null, 1))
        .hasMessageContaining("'--group-size'")
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Lora.of(L8, 0, false, "--lora-rank"))
        .hasMessageContaining("'--lora-rank'");
    assertThatThrownBy(() -> Lora.of(L8, 4097, false, "--lora-rank"))
        .hasMessageContaining("hidden size 4096");
  }
}
