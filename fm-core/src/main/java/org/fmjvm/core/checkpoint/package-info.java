/**
 * Checkpoints: a folder holding the weights as safetensors ({@code model.safetensors}) and a JSON
 * sidecar ({@code checkpoint.json}) that records how they were trained, written so that a crash
 * never leaves a sidecar pointing at missing weights.
 */
package org.fmjvm.core.checkpoint;
