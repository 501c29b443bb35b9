package io.fieldhub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The realms {@link TestKeycloak} imports: the shipped {@code config/keycloak/fieldhub-realm.json} plus test-only
 * users, secrets and clients (the shipped file has none, being meant for production), and a second realm
 * {@code other} for tokens from the wrong issuer.
 */
final class TestRealms {

    static final Path SHIPPED = Path.of("config/keycloak/fieldhub-realm.json");
    static final String CLI = "fieldhub-cli";
    static final String SHORT_CLI = "fieldhub-cli-short";
    static final String NO_AUDIENCE_CLI = "fieldhub-cli-no-audience";
    static final String INTEGRATION = "fieldhub-integration";
    static final String OTHER_USER = "other-user";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestRealms() {}

    /** The shipped realm with one user per entry of {@code users} (user name → its realm roles). */
    static ObjectNode fieldhub(
            Map<String, List<String>> users,
            Map<String, String> passwords,
            String integrationSecret,
            long shortLifespanSeconds)
            throws IOException {
        ObjectNode realm = shipped();
        ArrayNode userList = realm.putArray("users");
        users.forEach((name, roles) -> userList.add(user(name, passwords.get(name), roles)));
        userList.addObject()
                .put("username", "service-account-" + INTEGRATION)
                .put("enabled", true)
                .put("serviceAccountClientId", INTEGRATION)
                .set("realmRoles", JSON.valueToTree(List.of("viewer")));
        ((ObjectNode) client(realm, INTEGRATION)).put("secret", integrationSecret);

        ObjectNode cli = (ObjectNode) client(realm, CLI);
        ObjectNode shortLived = cli.deepCopy().put("clientId", SHORT_CLI);
        ((ObjectNode) shortLived.get("attributes")).put("access.token.lifespan", String.valueOf(shortLifespanSeconds));
        ObjectNode noAudience = cli.deepCopy().put("clientId", NO_AUDIENCE_CLI);
        noAudience.remove("protocolMappers");
        ((ArrayNode) realm.get("clients")).add(shortLived).add(noAudience);
        return realm;
    }

    /** The shipped realm renamed to {@code name}, with one viewer. */
    static ObjectNode other(String name, String password) throws IOException {
        ObjectNode realm = shipped().put("realm", name).put("displayName", name);
        realm.putArray("users").add(user(OTHER_USER, password, List.of("viewer")));
        return realm;
    }

    static ObjectMapper json() {
        return JSON;
    }

    /**
     * The shipped realm, with password hashing cut to one round: Keycloak's default costs a tenth of a second of CPU
     * per login, which a suite of password grants on two cores feels. Test passwords are random and short-lived.
     */
    private static ObjectNode shipped() throws IOException {
        ObjectNode realm = (ObjectNode) JSON.readTree(SHIPPED.toFile());
        return realm.put(
                "passwordPolicy",
                realm.path("passwordPolicy").asText() + " and hashAlgorithm(pbkdf2-sha256) and hashIterations(1)");
    }

    /** A complete profile: Keycloak refuses a password grant to a user whose profile lacks required fields. */
    private static ObjectNode user(String name, String password, List<String> roles) {
        ObjectNode user = JSON.createObjectNode()
                .put("username", name)
                .put("enabled", true)
                .put("email", name + "@fieldhub.test")
                .put("emailVerified", true)
                .put("firstName", name)
                .put("lastName", "Test");
        user.putArray("credentials")
                .addObject()
                .put("type", "password")
                .put("value", password)
                .put("temporary", false);
        if (!roles.isEmpty()) {
            user.set("realmRoles", JSON.valueToTree(roles));
        }
        return user;
    }

    private static JsonNode client(ObjectNode realm, String clientId) {
        for (JsonNode client : realm.get("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                return client;
            }
        }
        throw new IllegalStateException(SHIPPED + " has no client " + clientId);
    }
}
