package io.fieldhub.notify;

import java.time.Instant;

/**
 * One notification the routing asks for: a channel, a recipient (a person's name, or {@code crm}) and the address on
 * that channel.
 *
 * @param notBefore the end of the quiet hours it falls in, when it has to wait for them; null to send now
 */
public record Delivery(String channel, String recipient, String address, Instant notBefore) {}
