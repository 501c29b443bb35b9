package io.fieldhub.notify.sms;

import java.util.Set;
import org.jsmpp.extra.NegativeResponseException;

/**
 * Which SMPP failures are final: the SMSC answered submit_sm with a status saying this message can never be taken
 * as it is (a bad destination or source, a bad length). Throttling, a full queue, a system error, a lost or refused
 * connection and a timeout are outages, retried.
 */
public final class SmppErrors {

    /** SMPP 3.4, 5.1.3 command_status. */
    private static final Set<Integer> PERMANENT = Set.of(
            0x01, // ESME_RINVMSGLEN  message length is invalid
            0x0A, // ESME_RINVSRCADR  invalid source address
            0x0B, // ESME_RINVDSTADR  invalid destination address
            0x33, // ESME_RINVNUMDESTS invalid number of destinations
            0x48, // ESME_RINVSRCTON  invalid source address TON
            0x49, // ESME_RINVSRCNPI  invalid source address NPI
            0x50, // ESME_RINVDSTTON  invalid destination address TON
            0x51, // ESME_RINVDSTNPI  invalid destination address NPI
            0x62); // ESME_RINVEXPIRY  invalid message validity period

    private SmppErrors() {}

    /** For one exception of a cause chain (each is asked in turn). */
    public static boolean isPermanent(Throwable error) {
        return error instanceof NegativeResponseException refused && PERMANENT.contains(refused.getCommandStatus());
    }
}
