/** Sampling: integrating a learned velocity field from source noise to data. */
package org.fmjvm.core.sample;
