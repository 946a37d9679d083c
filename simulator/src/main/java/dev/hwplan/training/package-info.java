/**
 * The training planner: memory per GPU ({@link dev.hwplan.training.ModelCopy} for weights,
 * gradients and optimizer state of any model copy, trainable or frozen; {@link
 * dev.hwplan.training.ActivationMemory} after Korthikanti et al. 2022), step time through the step
 * model ({@link dev.hwplan.training.TrainingPlanner}, with collectives on a cluster's links in
 * {@link dev.hwplan.training.ClusterLinks}), and the layout search ({@link
 * dev.hwplan.training.LayoutSearch}).
 *
 * <p>Reuse for post-training (several model copies on the same GPUs): build one {@link
 * dev.hwplan.training.ModelCopy} per copy ({@code trainable(model, precision, layout)} for the
 * policy, {@code frozen(model, bytesPerParam, tp, pp)} for a reference or reward model), add their
 * {@code bytes(stage)}, and add {@link dev.hwplan.training.ActivationMemory#layerBytes} for the
 * trained copy's micro-batch (frozen copies keep no activations past their forward). Step times:
 * {@link dev.hwplan.training.TrainingPlanner#evaluate} for a trained copy; a frozen copy's forward
 * is {@code TrainingStep.layer(...).forward()} timed by the step model.
 */
package dev.hwplan.training;
