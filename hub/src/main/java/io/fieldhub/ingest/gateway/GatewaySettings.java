package io.fieldhub.ingest.gateway;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway batches ({@code hub.gateways.*}, docs/devices.md#gateways). A message is also bounded in bytes by
 * {@code hub.ingest.max-payload-bytes}, as a device's is.
 *
 * @param maxReadings the most readings one gateway message may carry; a larger one is refused whole as bad input
 */
@Validated
@ConfigurationProperties("hub.gateways")
public record GatewaySettings(@DefaultValue("1000") @Min(1) int maxReadings) {}
