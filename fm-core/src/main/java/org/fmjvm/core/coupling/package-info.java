/** Couplings that ship with the core: the independent pairing. */
package org.fmjvm.core.coupling;
