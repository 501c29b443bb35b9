package io.fieldhub.api;

import java.security.Principal;

/** Who made a change through the API: the authenticated user, never a field of the request. */
public final class Actors {

    private Actors() {}

    public static String of(Principal principal) {
        return principal == null ? "anonymous" : principal.getName();
    }
}
