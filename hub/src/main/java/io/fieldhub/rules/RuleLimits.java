package io.fieldhub.rules;

/** The budgets every partition of an engine applies; set once at start, read on the rule threads. */
final class RuleLimits {

    /** Readings one partition holds in rule memory. */
    volatile int maxReadings = Integer.MAX_VALUE;
    /** Firings one reading may set off. */
    volatile int maxFirings = Integer.MAX_VALUE;
    /** How long one reading's evaluation may take, in nanoseconds. */
    volatile long maxEvaluationNanos = 2_000_000_000L;
}
