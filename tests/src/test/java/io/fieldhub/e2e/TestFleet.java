package io.fieldhub.e2e;

import io.fieldhub.device.enroll.DeviceKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * The test devices' identities: one enrollment group whose key every e2e device derives its own from, so a device
 * registers itself on its first connection, as a factory-flashed one would.
 */
public final class TestFleet {

    static final String GROUP = "e2e";
    /** 32 bytes, Base64: the group key of every test device. */
    public static final String GROUP_KEY = "ZTJlLXRlc3QtZ3JvdXAta2V5LTMyLWJ5dGVzLWxvbmc=";

    private TestFleet() {}

    /** Creates the test group on a hub through its API (a group that exists already answers 409: fine). */
    static void enroll(String hubHttpBase, String authorization) throws IOException, InterruptedException {
        String body = "{\"id\":\"" + GROUP + "\",\"type\":\"test\",\"groupKey\":\"" + GROUP_KEY + "\"}";
        int status = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(hubHttpBase + "/api/enrollment-groups"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", authorization)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status != 201 && status != 409) {
            throw new IllegalStateException("could not create the e2e enrollment group: HTTP " + status);
        }
    }

    static String secretOf(String deviceId) {
        return DeviceKeys.derive(GROUP_KEY, deviceId);
    }

    /** Connect options of a device: client id and username = its id, password = its derived key. */
    static MqttConnectionOptions options(String deviceId) {
        var options = new MqttConnectionOptions();
        options.setUserName(deviceId);
        options.setPassword(secretOf(deviceId).getBytes(StandardCharsets.UTF_8));
        return options;
    }

    /** The HTTP Basic {@code Authorization} header of a device. */
    static String basic(String deviceId) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((deviceId + ":" + secretOf(deviceId)).getBytes(StandardCharsets.UTF_8));
    }
}
