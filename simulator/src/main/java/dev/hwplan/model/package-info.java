/**
 * Model specifications read from Hugging Face {@code config.json}: architecture fields, parameter
 * counts and FLOPs per token.
 */
package dev.hwplan.model;
