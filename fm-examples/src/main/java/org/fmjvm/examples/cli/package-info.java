/** The fm command line: demo, train, sample, list, bench. */
package org.fmjvm.examples.cli;
