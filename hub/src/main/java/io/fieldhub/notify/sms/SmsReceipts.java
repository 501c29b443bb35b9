package io.fieldhub.notify.sms;

import io.fieldhub.notify.NotificationOutbox;
import java.time.Clock;
import java.util.Date;
import org.apache.camel.Header;
import org.apache.camel.component.smpp.SmppConstants;
import org.jsmpp.util.DeliveryReceiptState;

/**
 * Records the SMSC's delivery receipts (deliver_sm with a receipt) against the SMS they are about, found by the
 * message id the SMSC gave it: DELIVRD, UNDELIV, EXPIRED, REJECTD, ...
 */
public class SmsReceipts {

    private final NotificationOutbox outbox;
    private final Clock clock;

    public SmsReceipts(NotificationOutbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /** @param doneDate when the SMSC says the message reached its final state; the receipt's arrival if it says not */
    public void record(
            @Header(SmppConstants.ID) String messageId,
            @Header(SmppConstants.FINAL_STATUS) DeliveryReceiptState state,
            @Header(SmppConstants.DONE_DATE) Date doneDate) {
        outbox.delivered(
                "sms",
                messageId,
                state == null ? "UNKNOWN" : state.name(),
                doneDate == null ? clock.instant() : doneDate.toInstant());
    }
}
