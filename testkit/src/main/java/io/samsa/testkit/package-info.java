/**
 * The conformance kit for storage backends: extend {@link
 * io.samsa.testkit.StorageConformanceTest} with one factory method to run every contract and the
 * model-based property on your backend. Also here: {@link io.samsa.testkit.SimulatedDisk} (power
 * cuts at the file I/O layer), {@link io.samsa.testkit.ManualClock} and {@link
 * io.samsa.testkit.ManualScheduler} (time and background work without sleeping).
 */
package io.samsa.testkit;
