/** Workload identity and mutual TLS. */
package dev.outrigger.mtls;
