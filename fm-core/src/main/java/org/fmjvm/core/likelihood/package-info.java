/** Log-likelihoods of a trained flow by integrating its velocity and divergence backwards in time. */
package org.fmjvm.core.likelihood;
