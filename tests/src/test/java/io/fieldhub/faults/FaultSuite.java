package io.fieldhub.faults;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A class of the fault suite: the suite's classes run one at a time (they share the lock, which also keeps a class's
 * tests in order), in a thread of their own beside the in-process tests, which run one class at a time in the
 * other (tests/pom.xml): much of the suite's time is waiting, through outages and catch-ups
 * (docs/testing.md#suite-time).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("fault-suite")
@interface FaultSuite {}
