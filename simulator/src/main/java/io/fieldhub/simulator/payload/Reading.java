package io.fieldhub.simulator.payload;

/**
 * One engine reading, held in the integer units of the engine-v1 frame so that the JSON and the frame encoding
 * carry exactly the same values.
 *
 * @param ts                    send time, epoch millis
 * @param temperatureTenths     tenths of a degree Celsius
 * @param rpm                   revolutions per minute
 * @param oilPressureHundredths hundredths of a bar
 */
public record Reading(long ts, int temperatureTenths, int rpm, int oilPressureHundredths) {

    /** The shipped rule alerts above 90 degrees. */
    public static final int HOT_ABOVE_TENTHS = 900;

    public boolean hot() {
        return temperatureTenths > HOT_ABOVE_TENTHS;
    }
}
