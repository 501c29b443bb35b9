package io.fieldhub.simulator.payload;

import java.util.function.Supplier;

/** The payload formats a simulated device can send ({@code --format json|frame}). */
public enum PayloadFormat {
    JSON(JsonEncoder::new),
    FRAME(FrameEncoder::new);

    private final Supplier<PayloadEncoder> encoder;

    PayloadFormat(Supplier<PayloadEncoder> encoder) {
        this.encoder = encoder;
    }

    public PayloadEncoder encoder() {
        return encoder.get();
    }
}
