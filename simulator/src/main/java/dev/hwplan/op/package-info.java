/**
 * The operator vocabulary of a step: {@link dev.hwplan.op.Op} (what one operator computes and
 * moves), its {@link dev.hwplan.op.OpShape shape}, {@link dev.hwplan.op.OpKind kind} and the {@link
 * dev.hwplan.op.Ops factories} that count each operator's FLOPs and bytes, and {@link
 * dev.hwplan.op.OpGraph}, the ops of one step on one GPU. It knows nothing of time.
 */
package dev.hwplan.op;
