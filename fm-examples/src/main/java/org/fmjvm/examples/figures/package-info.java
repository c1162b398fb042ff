/**
 * Headless PNG figures for the two-dimensional flow-matching demo: source/target pairings,
 * generated versus target samples, ODE trajectories, velocity fields, the training loss and
 * sample quality versus the number of function evaluations; and, for tables, {@link
 * org.fmjvm.examples.figures.TableFigures}: per-column histograms, a pair plot and the difference
 * of the real and generated correlation matrices.
 *
 * <p>Inputs are plain arrays (a cloud of {@code n} points is a row-major {@code float[2 n]}); no
 * framework types are needed. XChart draws the charts (point clouds, lines, axes, ticks, titles,
 * legends) into a {@link java.awt.image.BufferedImage}; Java2D adds only what XChart has no
 * feature for: the arrows of the velocity field and its colour bar, placed through XChart's own
 * data-to-pixel mapping, and the composition of several charts into one image. No window system
 * and no global settings are needed. The image is then written atomically: a temporary file in the
 * target directory is renamed over the target, so a reader never sees a half-written PNG and an
 * existing file is replaced only when rendering and encoding succeeded.
 *
 * <p>Convention as everywhere in the framework: {@code t = 0} is the source (noise), {@code t = 1}
 * is the data. Colours are consistent across the figures: source blue, target orange, generated
 * green.
 */
package org.fmjvm.examples.figures;
