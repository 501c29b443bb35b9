package io.fieldhub.ingest;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

/**
 * The embedded broker's one extension (HiveMQ's embedded builder keeps only one): device authentication and topic
 * permissions always, and the in-process intake of telemetry when {@code hub.mqtt.intake=broker}.
 */
public final class BrokerExtension {

    private BrokerExtension() {}

    /** {@code intake} may be null: telemetry then reaches the hub through its own MQTT subscription. */
    public static EmbeddedExtension of(SimpleAuthenticator authenticator, BrokerIntake intake) {
        return of(authenticator, null, intake);
    }

    /** With {@code sessions}, which closes the connections of revoked credentials and retired devices. */
    public static EmbeddedExtension of(
            SimpleAuthenticator authenticator, DeviceSessions sessions, BrokerIntake intake) {
        return of(authenticator, sessions, intake, null);
    }

    /**
     * With {@code gateways}, which takes {@code gateways/{gatewayId}/telemetry} in-process whatever the device intake
     * (io.fieldhub.ingest.gateway.GatewayBrokerIntake); null: no gateway intake.
     */
    public static EmbeddedExtension of(
            SimpleAuthenticator authenticator,
            DeviceSessions sessions,
            BrokerIntake intake,
            PublishInboundInterceptor gateways) {
        return EmbeddedExtension.builder()
                .withId("fieldhub")
                .withName("FieldHub devices and intake")
                .withVersion("1")
                .withAuthor("FieldHub")
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
                        if (sessions != null) {
                            sessions.attach(Services.clientService());
                        }
                        if (intake != null || gateways != null) {
                            Services.initializerRegistry().setClientInitializer((initializerInput, client) -> {
                                if (intake != null) {
                                    client.addPublishInboundInterceptor(intake);
                                }
                                if (gateways != null) {
                                    client.addPublishInboundInterceptor(gateways);
                                }
                            });
                        }
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
                })
                .build();
    }
}
