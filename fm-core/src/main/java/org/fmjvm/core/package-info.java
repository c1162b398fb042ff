/** Bootstrap (ServiceLoader into one Guice injector), component selection by name, the trainer and the sampler. */
package org.fmjvm.core;
