package io.fieldhub.embedded;

/** Host names for the embedded servers' URLs. */
final class EmbeddedHosts {

    private EmbeddedHosts() {}

    /** A wildcard bind address accepts local connections but is no portable address to connect to. */
    static String clientHost(String bindAddress) {
        return switch (bindAddress) {
            case "0.0.0.0", "::", "[::]" -> "localhost";
            default -> uriHost(bindAddress);
        };
    }

    /** IPv6 literals need brackets inside a URI. */
    static String uriHost(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
