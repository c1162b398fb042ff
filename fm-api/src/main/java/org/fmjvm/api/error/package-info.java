/**
 * The exception family: one unchecked root, {@link org.fmjvm.api.error.FlowMatchingException}, and a
 * handful of subtypes whose messages name the offending value and how to fix it.
 */
package org.fmjvm.api.error;
