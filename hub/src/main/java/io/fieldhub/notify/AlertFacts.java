package io.fieldhub.notify;

/**
 * What the routing looks at in one alert transition: the transition, the alert's severity and tier after it, the
 * rule, and the device with its site, type and group (the tags of its latest reading).
 *
 * @param transition RAISED, ESCALATED, CLEARED or ACKNOWLEDGED
 * @param type       the device's {@code type} tag, or its id up to the first dash ({@code engine-7} is an engine)
 * @param group      the device's {@code group} tag, or null
 */
public record AlertFacts(
        String transition,
        String severity,
        int tier,
        String ruleId,
        String deviceId,
        String site,
        String type,
        String group) {

    /** Facts with the type taken from the device id when the device has no {@code type} tag. */
    public static AlertFacts of(
            String transition,
            String severity,
            int tier,
            String ruleId,
            String deviceId,
            String site,
            String typeTag,
            String group) {
        String type = typeTag;
        if (type == null || type.isBlank()) {
            int dash = deviceId.indexOf('-');
            type = dash > 0 ? deviceId.substring(0, dash) : "";
        }
        return new AlertFacts(transition, severity, tier, ruleId, deviceId, site, type, group);
    }
}
