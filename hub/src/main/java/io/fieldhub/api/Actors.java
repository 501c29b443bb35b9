package io.fieldhub.api;

import java.security.Principal;

/** Who made a change through the API: the signed-in user, never a field of the request. */
public final class Actors {

    private Actors() {}

    public static String of(Principal principal) {
        if (principal == null) {
            // the security filters let no change through without a user; this only guards a missing wiring
            throw new IllegalStateException("a change reached the API without a signed-in user");
        }
        return principal.getName();
    }
}
