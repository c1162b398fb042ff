/**
 * Target distributions for training and evaluation: the tutorial's toy sets (Gaussian mixtures,
 * moons, circles, checkerboard, spirals), a user's CSV file, and the standard-normal source, with
 * exact log densities where they exist; {@link org.fmjvm.core.data.Datasets} finds them by name.
 */
package org.fmjvm.core.data;
