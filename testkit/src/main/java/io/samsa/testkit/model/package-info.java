/**
 * The kit's model, actions and invariant checks, in plain Java: a {@link
 * io.samsa.testkit.model.Scenario} of {@link io.samsa.testkit.model.Action}s is run by {@link
 * io.samsa.testkit.model.ScenarioRunner} against a real store and an in-memory model. Any property
 * engine can generate scenarios; the kit uses QuickTheories.
 */
package io.samsa.testkit.model;
