package io.fieldhub.simulator;

import io.fieldhub.simulator.mqtt.Device;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated devices, {@code engine-1} to {@code engine-N}, dealt round-robin over the connections, or in blocks
 * behind gateways ({@code engine-1} to {@code engine-M} behind the first, and so on).
 */
final class Fleet {

    /** Devices are spread over this many sites, {@code plant-1} to {@code plant-5}. */
    static final int SITES = 5;

    private Fleet() {}

    static List<List<Device>> deal(String prefix, int devices, int connections) {
        List<List<Device>> byConnection = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            byConnection.add(new ArrayList<>());
        }
        for (int i = 0; i < devices; i++) {
            Device device = new Device(prefix + "-" + (i + 1), "plant-" + (i % SITES + 1));
            byConnection.get(i % connections).add(device);
        }
        return byConnection;
    }

    static List<List<Device>> behindGateways(String prefix, int devices, int gateways) {
        int perGateway = devices / gateways;
        List<List<Device>> byGateway = new ArrayList<>();
        for (int g = 0; g < gateways; g++) {
            List<Device> behind = new ArrayList<>();
            for (int i = g * perGateway; i < (g + 1) * perGateway; i++) {
                behind.add(new Device(prefix + "-" + (i + 1), "plant-" + (i % SITES + 1)));
            }
            byGateway.add(behind);
        }
        return byGateway;
    }
}
