/**
 * The entry point: {@link io.samsa.core.Samsa} opens a store on a storage backend found by name;
 * {@link io.samsa.core.Scheduler} lets tests and applications drive background work. Everything
 * under {@code io.samsa.core.internal} is the engine and not for use outside Samsa.
 */
package io.samsa.core;
