/** Compiled usage examples of the library API, linked from the README so they cannot drift. */
package org.fmjvm.examples.quickstart;
