/** Training events and the listener interface that observes them (progress, logging, NaN guard, checkpoints). */
package org.fmjvm.api.train;
