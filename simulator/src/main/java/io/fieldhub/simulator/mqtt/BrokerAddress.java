package io.fieldhub.simulator.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** A broker URL as the hub writes it: {@code tcp://host:1883}, or {@code ssl://host:8883} for TLS. */
public record BrokerAddress(String host, int port, boolean tls) {

    public static BrokerAddress parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a broker URL such as tcp://localhost:1883", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "tcp", "mqtt" -> false;
            case "ssl", "tls", "mqtts" -> true;
            default ->
                throw new IllegalArgumentException(
                        "'" + url + "' has no supported scheme: use tcp://host:port, or ssl://host:port for TLS");
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' names no host, e.g. tcp://localhost:1883");
        }
        return new BrokerAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883, tls);
    }
}
