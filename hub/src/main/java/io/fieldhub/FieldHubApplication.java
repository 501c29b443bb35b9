package io.fieldhub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** FieldHub: devices in, insights and actions out. The flow itself lives in {@code routes/}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FieldHubApplication {

    public static void main(String[] args) {
        SpringApplication.run(FieldHubApplication.class, args);
    }
}
