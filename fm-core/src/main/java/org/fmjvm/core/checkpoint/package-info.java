/**
 * Checkpoints: a folder holding the weights as safetensors and a JSON sidecar
 * ({@code checkpoint.json}) that records how they were trained and the SHA-256 of every file it
 * names, saved by generations so that a crash always leaves a complete checkpoint, with an advisory
 * lock against a second writer.
 */
package org.fmjvm.core.checkpoint;
