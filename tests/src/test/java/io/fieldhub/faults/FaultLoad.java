package io.fieldhub.faults;

import java.time.Duration;

/**
 * The figures of the fault suite: short enough for CI by default, the full ones with
 * {@code -Dfaults.long=true} (docs/testing.md#fault-suite). Each run sends at a paced rate until {@link #count()}
 * messages are stored, so a slow machine makes a run longer rather than different.
 *
 * @param rate     messages per second over all devices
 * @param seconds  the run's length at that rate: it goes on until {@code rate * seconds} messages are stored
 * @param devices  devices, each on its own authenticated connection
 * @param outage   how long a server stays down
 * @param kills    how many times the hub is killed with {@code kill -9}
 * @param sigterms how many times the hub is stopped with SIGTERM
 */
record FaultLoad(int rate, int seconds, int devices, Duration outage, int kills, int sigterms) {

    /** Each stop costs a hub start (half a minute in a CI run): one of each kind keeps the suite within its budget. */
    static final FaultLoad CI = new FaultLoad(400, 15, 80, Duration.ofSeconds(10), 1, 1);

    static final FaultLoad LONG = new FaultLoad(2_000, 60, 400, Duration.ofSeconds(30), 2, 5);

    static FaultLoad current() {
        return Boolean.getBoolean("faults.long") ? LONG : CI;
    }

    long count() {
        return (long) rate * seconds;
    }

    @Override
    public String toString() {
        return String.format("%,d msg/s from %d devices until %,d messages are stored", rate, devices, count());
    }
}
