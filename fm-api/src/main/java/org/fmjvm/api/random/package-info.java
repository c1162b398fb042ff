/** Seeded, splittable randomness: every random draw in the framework comes from an {@link org.fmjvm.api.random.Rng}. */
package org.fmjvm.api.random;
