/** Test fixtures. */
package dev.outrigger.testing;
